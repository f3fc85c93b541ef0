"""Rendered pages kept for visitors who are not signed in.

The pages that hold nothing but the portal's own text (the home page, help, the privacy
notice, the service guides) are the same for every visitor with the same language and display
settings. Rendering one costs most of its response time (the template, the settings bar, a
few dozen translations), so each worker keeps the rendered HTML and serves it again, with one
thing put in per request: the visitor's own CSRF token for the settings bar's form. The page
is also kept compressed (gzip and brotli) up to that token, which comes last, so compressing
it again for each visitor – which would cost more than the rest – is not needed
(portal/precompressed.py).

A kept page is the only page a browser may store (no `Cache-Control: no-store`,
portal/web/security_headers.py). Not kept: pages for a signed-in visitor (their header and time-out warning are theirs), pages
with a message waiting to be shown (a flash), and anything not GET. The cache is per process,
bounded (oldest out first) and short-lived, so a new release, translation or published
sign-language video shows within `MAX_AGE` seconds even without a restart.
"""
from __future__ import annotations

import functools
import time
from collections import OrderedDict

from flask import Response, current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf

from portal.precompressed import Precompressed
from portal.preferences import display
from portal.web import i18n
from portal.web.security_headers import KEPT_PAGE

TOKEN = "csrf-token-goes-here-7f3a"   # what the kept page holds where the token goes
MAX_AGE = 300                         # seconds
MAX_PAGES = 256


def _pages() -> OrderedDict[tuple, tuple[float, str, Precompressed | None]]:
    """This app's pages (each app its own: tests make apps with different settings)."""
    return current_app.extensions.setdefault("page_cache", OrderedDict())


def _key() -> tuple | None:
    # Anyone with an account id in their session is treated as signed in (without loading
    # the account: the portal has no other way to sign in, such as remember-me cookies).
    if request.method != "GET" or "_user_id" in session or session.get("_flashes"):
        return None
    return (request.full_path, i18n.current_language().code,
            tuple(sorted(display.current().values.items())))


def render_cached(template: str, **context) -> str | Response:
    """`render_template`, kept per page, language and display settings for visitors."""
    key = _key()
    if key is None:
        return render_template(template, **context)
    request.environ[KEPT_PAGE] = True   # the same for everyone: may be stored (see there)
    pages, now = _pages(), time.monotonic()
    kept = pages.get(key)
    if kept is None or now - kept[0] > MAX_AGE:
        html = render_template(template, csrf_token=lambda: TOKEN, **context)
        pages[key] = kept = (now, html, Precompressed.of(html, TOKEN))
        while len(pages) > MAX_PAGES:
            pages.popitem(last=False)
    _, html, compressed = kept
    token = generate_csrf()
    encoding = _encoding() if compressed is not None else None
    if encoding is None:
        return html.replace(TOKEN, token)
    body = compressed.brotli(token) if encoding == "br" else compressed.gzip(token)
    return Response(body, mimetype="text/html",
                    headers={"Content-Encoding": encoding, "Vary": "Accept-Encoding"})


def _encoding() -> str | None:
    """The first of the app's compression methods (COMPRESS_ALGORITHM) that the visitor
    accepts; None for none (they get the page as it is)."""
    accepted = request.accept_encodings
    for name in current_app.config["COMPRESS_ALGORITHM"]:
        if name in ("br", "gzip") and accepted[name] > 0:
            return name
    return None


def cached_page(template: str):
    """Decorator for a view whose page depends on nothing but the request's language and
    display settings: the view returns the template's context."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return render_cached(template, **view(*args, **kwargs))
        return wrapper
    return decorate
