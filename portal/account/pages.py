"""What the residents' and the staff sign-in pages (account/, staff_auth/) read from the request
alike: where to go on to after signing in (a same-site path in ?next=), and the language of the
page, which the texted codes are written in."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import get_locale

from portal.web.safe_redirect import same_site_path


def next_path() -> str | None:
    """The same-site path in ?next=; None without one (url_for then leaves it out)."""
    return same_site_path(request.args.get("next"), default="") or None


def go_on(home_endpoint: str):
    """On to ?next=, or else to the signed-in home page."""
    return redirect(same_site_path(next_path(), url_for(home_endpoint)), 303)


def page_locale() -> str:
    return str(get_locale())
