"""Forms without a token: a POST another site made the browser send is refused by the browser's
own word about where it came from.

The self-check's pages (portal/checker) hold nothing of the visitor's: the first question and
the start page are the same for everyone and are kept whole (portal/web/page_cache.py), so
their forms cannot carry a per-visitor CSRF token. What a forged POST could do there is small
– change the anonymous self-check answers kept in that browser's session – but it is still
refused, as Django's origin check and Go's net/http CrossOriginProtection do it:

1. `Sec-Fetch-Site` (sent by every current browser: Chrome and Edge 76+, Firefox 90+, Safari
   16.4+): "same-origin" passes, and so does "none" (the person opened it themselves); "same-site"
   and "cross-site" are refused.
2. Without it, `Origin` (older browsers send it with every POST): it must be this site's own
   origin – scheme and host as the request names them (behind a reverse proxy, the proxy passes
   the Host header and TRUSTED_PROXY_COUNT gives the scheme: README "Running several workers
   or hosts").
3. A browser that sends neither (older than about 2019) passes: it cannot be told apart from a
   same-site form, and its session cookie is `SameSite=Lax` – not sent with another site's POST,
   so a forged request starts with an empty session.

Flask-WTF's CSRFProtect has no such mode (it checks tokens, and the Referer only over HTTPS),
hence these few lines. A refused request gets Flask-WTF's own CSRFError: the same polite 400
page as a missing token.

The settings bar on a self-check page sends the page's form along (its answer comes back in
the new setting): `check_form_post` lets the settings routes take that form without a token –
only from a visitor who is not signed in, only for a page under a token-less prefix, and only
from this site.
"""
from __future__ import annotations

from flask import request, session
from flask_wtf.csrf import CSRFError

from portal.extensions import csrf

SAME = frozenset({"same-origin", "none"})
TOKENLESS_PREFIXES: list[str] = []   # URL prefixes whose forms carry no token (the self-check)


def cross_site() -> bool:
    """Did another site make the browser send this request (as far as the browser says)?"""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != request.host_url.rstrip("/")
    return False


def refuse_cross_site() -> None:
    """A before_request hook for a blueprint whose forms carry no token."""
    if request.method == "POST" and cross_site():
        raise CSRFError("The request was sent from another site.")


def tokenless(blueprint) -> None:
    """Mark `blueprint`'s forms as carrying no token: Flask-WTF's CSRFProtect leaves its POSTs
    to this module's check instead."""
    csrf.exempt(blueprint)
    blueprint.before_request(refuse_cross_site)
    TOKENLESS_PREFIXES.append(blueprint.url_prefix.rstrip("/") + "/")


def is_tokenless_page(path: str) -> bool:
    return any(path.startswith(prefix) or path + "/" == prefix for prefix in TOKENLESS_PREFIXES)


def check_form_post(page_path: str) -> None:
    """For a route (exempt from CSRFProtect) that takes another page's form along: with a token,
    Flask-WTF checks it as everywhere; without one, only a visitor who is not signed in, sending
    a token-less page (`page_path`) from this site, is let through."""
    if request.form.get("csrf_token") or "_user_id" in session or not is_tokenless_page(page_path):
        csrf.protect()
    elif cross_site():
        raise CSRFError("The request was sent from another site.")
