"""Security headers on every response, and who may keep a copy of it.

Cache policy (one place, not per route): a response may be stored by the browser or a cache on
the way only when it is a public asset (static files, published sign-language videos) or a
kept page served to a visitor who is not signed in (portal/web/page_cache.py marks those and
sends them `Cache-Control: public` with a short max-age). Every
other response gets `Cache-Control: no-store`: everything a signed-in resident or member of
staff sees, and every page that may carry personal data for anyone – a family look-up's
result, a self-check's answers, a form sent back with what was typed, a document.
"""
from flask import Flask, Response, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# Endpoints whose responses are the same for everyone and cached on purpose.
STORABLE_ENDPOINTS = frozenset({"static", "media.file"})
KEPT_PAGE = "portal.kept_page"   # in the WSGI environ (its ETag) for a kept page: web/page_cache.py


def may_be_stored() -> bool:
    if request.endpoint in STORABLE_ENDPOINTS:
        return True
    return KEPT_PAGE in request.environ   # only ever set for a visitor who is not signed in


HSTS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def init_app(app: Flask) -> None:
    headers = {**HEADERS, **(HSTS if app.config.get("SESSION_COOKIE_SECURE") else {})}

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # What a view set itself stays. One pass over the response's headers: Headers'
        # setdefault() would scan them (and raise a KeyError) once for each name.
        present = {name.lower() for name in response.headers.keys()}
        for name, value in headers.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        if not may_be_stored():
            if "cache-control" not in present:
                response.headers.add("Cache-Control", "no-store")
            elif "no-store" not in response.headers["Cache-Control"]:
                response.headers["Cache-Control"] = "no-store"
        return response
