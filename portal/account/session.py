"""Signed-in sessions: start one (new session id), end it, and end it after inactivity.

A session records when it was last used (SEEN). Every request by a signed-in person checks it:
after SESSION_IDLE_MINUTES without a request the person is signed out and sent to a polite
page (account.timed_out) that offers to sign in again and return to where they were.
Pages warn SESSION_WARNING_SECONDS before (static/js/session-timeout.js, WCAG 2.2.1).
"""
from __future__ import annotations

import time

from flask import Flask, current_app, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..auth import load_account
from ..safe_redirect import same_site_path

SEEN = "_seen_at"
# Requests that neither count as activity nor are redirected when the session has ended.
PASSIVE_ENDPOINTS = {"static"}
# Endpoints that deal with an ended session themselves.
SELF_HANDLING = {"account.timed_out", "account.keep_alive"}


def clock() -> float:
    """Seconds since the epoch; tests replace it to move time on."""
    return time.time()


def idle_limit() -> int:
    return int(float(current_app.config["SESSION_IDLE_MINUTES"]) * 60)


def start(account) -> None:
    """Sign `account` in with a fresh session (nothing carried over from before)."""
    _clear()
    login_user(account)
    session[SEEN] = clock()


def end() -> None:
    logout_user()
    _clear()


def _clear() -> None:
    session.clear()
    # A CSRF token made earlier in this request belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def touch() -> None:
    session[SEEN] = clock()


def remaining_seconds() -> int:
    seen = session.get(SEEN)
    if seen is None:
        return idle_limit()
    return max(0, int(idle_limit() - (clock() - float(seen))))


def current_path() -> str:
    if request.method == "GET":
        return same_site_path(request.full_path.rstrip("?"))
    return same_site_path(request.path)


def init_app(app: Flask) -> None:
    @app.before_request
    def end_idle_sessions():
        # The session, not current_user: this runs before anything else has loaded the account.
        user_id = session.get("_user_id")
        if request.endpoint in PASSIVE_ENDPOINTS or not user_id:
            return None
        seen = session.get(SEEN)
        if seen is not None and clock() - float(seen) > idle_limit():
            account = load_account(user_id)
            staff = bool(account is not None and account.is_staff)
            end()
            g.session_timed_out = {"staff": staff}
            if request.endpoint in SELF_HANDLING:
                return None
            if request.accept_mimetypes.best == "application/json":
                return jsonify(signed_in=False), 401
            return redirect(url_for("account.timed_out", next=current_path(),
                                    staff=1 if staff else None), 303)
        touch()
        return None

    @app.context_processor
    def session_timeout_context():
        if not current_user.is_authenticated:
            return {"session_timeout": None}
        return {"session_timeout": {
            "remaining": remaining_seconds(),
            "warning": int(current_app.config["SESSION_WARNING_SECONDS"]),
        }}
