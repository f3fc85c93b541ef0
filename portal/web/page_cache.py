"""Pages kept whole for visitors who are not signed in (Flask-Caching), compressed once
(Flask-Compress's cache), and marked so that a browser or a reverse proxy may keep them too.

The pages that hold nothing but the portal's own text (the home page, help, the privacy
notice, the service guides) are the same for every visitor with the same address, language
and display settings: nothing in them is the visitor's own. (The display-settings bar is a GET
form like the language switch – no CSRF token – see README "Display settings without a
token".) So for a visitor who is not signed in, the page's HTML is kept in the app's cache
(`portal.extensions.cache`: per process by default, Redis with CACHE_TYPE=RedisCache) under
its path and query, language and display settings, and served again without rendering.

Compressing a page costs more than the rest of serving a kept one, so Flask-Compress keeps
the compressed body too (COMPRESS_CACHE_BACKEND / COMPRESS_CACHE_KEY, set in
portal/web/delivery.py): its key is the kept page's ETag (a digest of the HTML), so each kept
page is compressed once per encoding, and a page rendered anew – with other text – gets a
new key. Only kept pages have such a key: every other response is compressed as usual.

A kept page is sent with `Cache-Control: public, max-age=BROWSER_MAX_AGE` (and `Vary:
Accept-Encoding, Cookie, Accept-Language`); every other page is `no-store`
(portal/web/security_headers.py). Not kept: pages for a signed-in visitor (their header and
time-out warning are theirs), pages with a message waiting to be shown (a flash) or answers to
put back (portal/web/kept_answers.py), and anything not GET. A new release, translation or
published sign-language video shows within `MAX_AGE` seconds even without a restart: kept here
for MAX_AGE − BROWSER_MAX_AGE, then by a browser or proxy for at most BROWSER_MAX_AGE.
"""
from __future__ import annotations

import functools
import hashlib

from flask import Request, current_app, render_template, request, session

from portal.extensions import cache
from portal.preferences import display
from portal.web import i18n
from portal.web.kept_answers import KEPT
from portal.web.security_headers import KEPT_PAGE
from portal.web.templating import VARY

MAX_AGE = 300                              # seconds until a change shows everywhere
BROWSER_MAX_AGE = 60                       # of which a browser or proxy may keep a copy
KEPT_FOR = MAX_AGE - BROWSER_MAX_AGE       # kept in the app's cache
PAGE_PREFIX = "page/"                      # cache keys: a kept page's HTML
COMPRESSED_PREFIX = "compressed/"          # … and its compressed bodies (see CompressedPages)


def not_kept() -> bool:
    # Anyone with an account id in their session is treated as signed in (without loading
    # the account: the portal has no other way to sign in, such as remember-me cookies).
    # Answers kept for this browser (a display setting changed on a form page) go back into
    # the page: it is theirs then.
    return request.method != "GET" or "_user_id" in session or bool(session.get("_flashes")) \
        or bool(session.get(KEPT))


def page_key(*_args, **_kwargs) -> str:
    # The language as the request selects it (Flask-Babel's selector, i18n.select_locale):
    # the key is also made before any other hook, before Flask-Babel has asked.
    return "|".join((PAGE_PREFIX + request.full_path, str(i18n.select_locale()),
                     display.key()))


def _is_page(kept) -> bool:
    """Only rendered pages are kept: an error raised by the view (a 404) is not."""
    return isinstance(kept, tuple)


def cached_page(template: str):
    """Decorator for a view whose page depends on nothing but the request's address, language
    and display settings: the view returns the template's context."""
    def decorate(view):
        @cache.cached(timeout=KEPT_FOR, make_cache_key=page_key, response_filter=_is_page)
        def rendered(*args, **kwargs) -> tuple[str, str]:
            html = render_template(template, **view(*args, **kwargs))
            return html, hashlib.blake2b(html.encode(), digest_size=12).hexdigest()

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not_kept():                  # (decided here once, not by the cache's `unless`)
                return render_template(template, **view(*args, **kwargs))
            return _response(*rendered(*args, **kwargs))
        wrapper.kept = rendered   # Flask-Caching's cached function (its cache_timeout, …)
        return wrapper
    return decorate


_CACHE_CONTROL = f"public, max-age={BROWSER_MAX_AGE}"
_VARY = ", ".join(("Accept-Encoding", *VARY))   # as Flask-Compress and web/templating add


def _response(html: str, etag: str):
    # The headers as text (what set_etag() and the cache_control object would write, without
    # parsing and re-serialising them for every kept page served).
    request.environ[KEPT_PAGE] = etag   # the same for everyone: may be stored
    return current_app.response_class(html, mimetype="text/html", headers={
        "ETag": f'"{etag}"', "Cache-Control": _CACHE_CONTROL, "Vary": _VARY,
        "Content-Language": i18n.current_language().html_lang})


def serve_kept():
    """A before_request hook, registered before every other (portal/__init__.py): a page
    already kept is answered here, from the same cache entry the view's decorator keeps, and
    the other hooks before the view – the CSRF check, the rate limiter, the session's time-outs,
    kept answers – are skipped: none of them does anything for a GET from a visitor who is not
    signed in. (The hooks after the view all run: compression, headers, the session.) A page
    not kept yet, or not found, goes on to its view as usual."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "kept", None) is None or not_kept():
        return None
    kept = _cache_get(page_key())
    return _response(*kept) if _is_page(kept) else None


# A cache that cannot be reached (Redis down) costs a rendering or a compression, never the
# page: as Flask-Caching does for the view's own look-up, the error is logged and passed over.

def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        current_app.logger.warning("Kept pages' cache unreachable", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=KEPT_FOR)
    except Exception:
        current_app.logger.warning("Kept pages' cache unreachable", exc_info=True)


def compressed_key(req: Request) -> str | None:
    """COMPRESS_CACHE_KEY: for a kept page, its compressed bodies' key (by its ETag); None
    for every other response, which CompressedPages then neither reads nor keeps."""
    etag = req.environ.get(KEPT_PAGE)
    return COMPRESSED_PREFIX + etag if etag else None


FOUND = "portal.compressed_found"   # in the WSGI environ: the compressed body came from the cache


class CompressedPages:
    """COMPRESS_CACHE_BACKEND: Flask-Compress's cache, kept in the app's cache. Flask-Compress
    asks it for every response it compresses, with the key "<encoding>;<compressed_key()>":
    only kept pages' keys are read and written. (It writes back what it has just read, too:
    that write is skipped – the body is the same, and its key changes with the page.)"""

    @staticmethod
    def _kept(key: str) -> bool:
        return key.partition(";")[2].startswith(COMPRESSED_PREFIX)

    def get(self, key: str) -> bytes | None:
        if not self._kept(key):
            return None
        body = _cache_get(key)
        if body is not None:
            request.environ[FOUND] = key
        return body

    def set(self, key: str, value: bytes) -> None:
        if self._kept(key) and request.environ.get(FOUND) != key:
            _cache_set(key, value)
