"""What the residents' and the staff sign-in pages (account/, staff_auth/) do alike: the password
step, where to go on to after signing in (a same-site path in ?next=), and the language of the
page, which the texted codes are written in."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts import sign_in as accounts
from portal.web.safe_redirect import same_site_path

# The one answer to a wrong phone number or password: never which of the two was wrong.
GENERIC_SIGN_IN_ERROR = _l("手机号码或密码不正确")


def signed_in_already(staff: bool) -> bool:
    """Opening a sign-in page (GET) while signed in on that side of the portal."""
    return request.method == "GET" and current_user.is_authenticated \
        and current_user.is_staff == staff


def password_step(form, staff: bool):
    """Either sign-in's first step: the account when the phone number and password are right;
    otherwise None, and the form carries its errors (GENERIC_SIGN_IN_ERROR for a wrong pair)."""
    if not form.validate_on_submit():
        return None
    account = accounts.authenticate(form.phone.data, form.password.data, staff=staff)
    if account is None:
        form.phone.errors.append(str(GENERIC_SIGN_IN_ERROR))
    return account


def next_path() -> str | None:
    """The same-site path in ?next=; None without one (url_for then leaves it out)."""
    return same_site_path(request.args.get("next"), default="") or None


def go_on(home_endpoint: str):
    """On to ?next=, or else to the signed-in home page."""
    return redirect(same_site_path(next_path(), url_for(home_endpoint)), 303)


def page_locale() -> str:
    return str(get_locale())
