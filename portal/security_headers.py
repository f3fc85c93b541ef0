"""Security headers on every response."""
from flask import Flask, Response

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
        return response
