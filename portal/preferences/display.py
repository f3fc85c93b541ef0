"""The preferences of the current request, and keeping them in the response's cookie."""
from __future__ import annotations

from flask import Response, current_app, has_request_context, request

from portal.preferences import cookie
from portal.preferences.cookie import Preferences


def current() -> Preferences:
    """What this visitor chose (defaults outside a request or without a cookie)."""
    if not has_request_context():
        return cookie.DEFAULT
    return cookie.parse(request.cookies.get(cookie.NAME))


def key() -> str:
    """The current settings as a short text (their cookie's value): a cache key for what is
    kept per setting – whole pages, the settings bar's buttons."""
    return cookie.serialise(current())


def css_classes() -> str:
    return current().css_classes


def store(response: Response, preferences: Preferences) -> Response:
    if preferences.is_default:
        return forget(response)
    response.set_cookie(
        cookie.NAME, cookie.serialise(preferences), max_age=cookie.MAX_AGE, path="/",
        httponly=True, samesite="Lax", secure=current_app.config["PREFERENCE_COOKIE_SECURE"],
    )
    return response


def forget(response: Response) -> Response:
    response.delete_cookie(cookie.NAME, path="/", httponly=True, samesite="Lax",
                           secure=current_app.config["PREFERENCE_COOKIE_SECURE"])
    return response

