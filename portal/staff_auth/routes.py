"""Staff sign-in, kept apart from the residents' one, and a small landing page."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from .. import streets
from ..account import session as sessions
from ..account.routes import GENERIC_SIGN_IN_ERROR
from ..forms.account import StaffSignInForm
from ..rate_limits import limit
from ..safe_redirect import same_site_path
from ..services import accounts
from .access import staff_required
from .roles import ROLE_LABELS

bp = Blueprint("staff_auth", __name__, url_prefix="/staff", cli_group=None)


def _next() -> str | None:
    return same_site_path(request.args.get("next"), default="") or None


@bp.route("/sign-in", methods=["GET", "POST"])
@limit("RATE_LIMIT_SIGN_IN")
def sign_in():
    if current_user.is_authenticated and current_user.is_staff and request.method == "GET":
        return redirect(same_site_path(_next(), url_for("staff_auth.home")), 303)
    form = StaffSignInForm()
    if form.validate_on_submit():
        account = accounts.authenticate(form.phone.data, form.password.data, staff=True,
                                        ip=request.remote_addr)
        if account is not None:
            sessions.start(account)
            return redirect(same_site_path(_next(), url_for("staff_auth.home")), 303)
        form.phone.errors.append(str(GENERIC_SIGN_IN_ERROR))
    return render_template("staff_auth/sign_in.html", form=form, next=_next())


@bp.get("/")
@staff_required
def home():
    from ..staff.display import staff_links

    street = streets.by_code(current_user.street) if current_user.street else None
    return render_template("staff_auth/home.html", role_label=ROLE_LABELS[current_user.role],
                           street=street, staff_links=staff_links())


from . import commands  # noqa: E402,F401  (flask create-staff, set-staff-password)
