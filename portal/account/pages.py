"""What the residents' and the staff sign-in pages (account/, staff_auth/) do alike: the password
step, where to go on to after signing in (a same-site path in ?next=), and the language of the
page, which the texted codes are written in."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts import sign_in as accounts
from portal.web.safe_redirect import same_site_path

# The one answer to a wrong phone number or password: never which of the two was wrong.
GENERIC_SIGN_IN_ERROR = _l("手机号码或密码不正确")


def sign_in_page(form_class, *, staff: bool, home: str, template: str, then):
    """Either sign-in page: opened while signed in on that side of the portal, on to `home`;
    a right phone number and password go on with `then(account)`; anything else shows the
    page again with its errors – a wrong pair as GENERIC_SIGN_IN_ERROR, never which was wrong."""
    if request.method == "GET" and current_user.is_authenticated \
            and current_user.signs_in_as_staff == staff:
        return go_on(home)
    form = form_class()
    if form.validate_on_submit():
        account = accounts.authenticate(form.phone.data, form.password.data, staff=staff)
        if account is not None:
            return then(account)
        form.phone.errors.append(str(GENERIC_SIGN_IN_ERROR))
    return render_template(template, form=form, next=next_path())


def next_path() -> str | None:
    """The same-site path in ?next=; None without one (url_for then leaves it out)."""
    return same_site_path(request.args.get("next"), default="") or None


def go_on(home_endpoint: str):
    """On to ?next=, or else to the signed-in home page."""
    return redirect(same_site_path(next_path(), url_for(home_endpoint)), 303)


def page_locale() -> str:
    return str(get_locale())
