"""The session cookie: Flask's own signed cookie (SecureCookieSessionInterface), with one
difference. A request that brings no session cookie – most visitors to the home page and the
guides – gets a new, empty session at once, where Flask's interface would first build the
cookie's signer (an itsdangerous serializer) for every request, cookie or not: a noticeable
part of serving a kept page (portal/web/page_cache.py). Signing, checking, and the cookie and
its settings are Flask's, unchanged (`app.session_interface` is Flask's documented place to
choose how sessions are kept; tests/test_request_overhead.py checks the cookie is Flask's)."""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
