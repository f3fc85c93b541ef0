"""Signed-in sessions: start one (new session id), end it, and end it after inactivity.

A session records when it was last used (SEEN). Every request by a signed-in person checks it:
after SESSION_IDLE_MINUTES without a request the person is signed out and sent to a polite
page (account.timed_out) that offers to sign in again and return to where they were.
Pages warn SESSION_WARNING_SECONDS before (static/js/session-timeout.js, WCAG 2.2.1).

A session also ends a fixed time after signing in (SIGNED_IN), however active:
SESSION_ABSOLUTE_HOURS for residents, STAFF_SESSION_ABSOLUTE_HOURS for staff. The person is
sent to the sign-in page, which says why.

Staff sign in in two steps. After the password the session holds only PENDING (who, which
session version, since when): no one is signed in, so it reaches no page but the second step
and enrolment (portal/staff_auth). `start(account, second_factor=...)` then signs them in; a
staff session without the second factor's mark is not signed in at all (portal/web/auth.py).
"""
from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.web import kept_answers
from portal.web.auth import SECOND_FACTOR, load_account
from portal.web.safe_redirect import same_site_path

SEEN = "_seen_at"
SIGNED_IN = "_signed_in_at"
STAFF = "_staff"
PENDING = "_staff_pending"
# Requests that neither count as activity nor are redirected when the session has ended.
PASSIVE_ENDPOINTS = {"static"}
# Endpoints that deal with an ended session themselves.
SELF_HANDLING = {"account.timed_out", "account.keep_alive"}


def clock() -> float:
    """Seconds since the epoch; tests replace it to move time on."""
    return time.time()


def idle_limit() -> int:
    return int(float(current_app.config["SESSION_IDLE_MINUTES"]) * 60)


def absolute_limit(staff: bool) -> int:
    key = "STAFF_SESSION_ABSOLUTE_HOURS" if staff else "SESSION_ABSOLUTE_HOURS"
    return int(float(current_app.config[key]) * 3600)


def start(account, *, second_factor: str | None = None) -> None:
    """Sign `account` in with a fresh session (nothing carried over from before). Staff need
    `second_factor` (how they passed the second step); without it they are not signed in."""
    _clear()
    login_user(account)
    now = clock()
    session[SEEN] = now
    session[SIGNED_IN] = now
    if account.signs_in_as_staff:
        session[STAFF] = True
        if second_factor:
            session[SECOND_FACTOR] = second_factor
    else:
        kept_answers.note_sign_in(account)   # answers kept when the last session ended


def start_pending(account) -> None:
    """Staff, after the right password: a fresh session that only remembers who is half-way
    through signing in (nobody is signed in yet)."""
    _clear()
    session[PENDING] = {"id": account.id, "v": account.session_version, "at": clock()}


def pending_account():
    """The staff account half-way through signing in, or None (none, too old, or the account
    changed since: disabled, signed out everywhere, second factor reset)."""
    from portal.accounts.models import Account
    from portal.extensions import db

    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    limit = float(current_app.config["SECOND_FACTOR_STEP_MINUTES"]) * 60
    if clock() - float(state.get("at", 0)) > limit:
        session.pop(PENDING, None)
        return None
    account = db.session.get(Account, int(state.get("id", 0)))
    if (account is None or not account.active or not account.signs_in_as_staff
            or account.session_version != state.get("v")):
        session.pop(PENDING, None)
        return None
    return account


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
    """Until the session ends: the idle time-out, or the absolute limit if that comes first."""
    now = clock()
    seen = session.get(SEEN)
    left = idle_limit() if seen is None else idle_limit() - (now - float(seen))
    signed_in = session.get(SIGNED_IN)
    if signed_in is not None:
        left = min(left, absolute_limit(bool(session.get(STAFF))) - (now - float(signed_in)))
    return max(0, int(left))


def _note_kept(kept: dict | None) -> None:
    """Tell the next page (in the new, empty session) what was kept, so it says only what
    is true."""
    if kept:
        session[kept_answers.NOTICE] = kept


def ends_at() -> dict:
    """When this session ends unless the person sends something first: `at` (the time of day
    in the district, e.g. "09:40") and `idle` (False when the absolute limit comes first)."""
    from datetime import datetime, timezone

    from portal.dates import time_text

    now = clock()
    seen = session.get(SEEN)
    idle_left = idle_limit() if seen is None else idle_limit() - (now - float(seen))
    left = remaining_seconds()
    moment = datetime.fromtimestamp(now + left, timezone.utc)
    return {"at": time_text(moment), "idle": left >= int(idle_left)}


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
            staff = bool(account is not None and account.signs_in_as_staff)
            kept = kept_answers.keep_timed_out(account, request.path)
            end()
            _note_kept(kept)
            g.session_timed_out = {"staff": staff}
            if request.endpoint in SELF_HANDLING:
                return None
            if request.accept_mimetypes.best == "application/json":
                return jsonify(signed_in=False), 401
            return redirect(url_for("account.timed_out", next=current_path(),
                                    staff=1 if staff else None), 303)
        signed_in = session.get(SIGNED_IN)
        if signed_in is None:  # a session from before the limit existed: it counts from now
            session[SIGNED_IN] = signed_in = clock()
        staff = bool(session.get(STAFF))
        if clock() - float(signed_in) > absolute_limit(staff):
            return _end_after_absolute_limit(staff, load_account(user_id))
        touch()
        return None

    def _end_after_absolute_limit(staff: bool, account):
        kept = kept_answers.keep_timed_out(account, request.path)
        end()
        _note_kept(kept)
        hours = absolute_limit(staff) / 3600
        flash(_("为了保护您的信息，每次登录最多可以使用%(hours)s小时。时间已到，请重新登录。",
                hours=f"{hours:g}"), "info")
        for message in kept_answers.messages(session.pop(kept_answers.NOTICE, None)):
            flash(message, "info")
        if request.endpoint in SELF_HANDLING:
            return None
        if request.accept_mimetypes.best == "application/json":
            return jsonify(signed_in=False), 401
        endpoint = "staff_auth.sign_in" if staff else "account.sign_in"
        return redirect(url_for(endpoint, next=current_path()), 303)

    app.before_request(kept_answers.restore)   # after the checks above: owners only

    @app.template_global()
    def session_ends_at() -> dict | None:
        """For every signed-in form page, without JavaScript too (WCAG 2.2.1): the time of day
        the session will end if nothing is sent before, and why (idle or the absolute limit).
        Used by the submit button macro (templates/components/forms.html)."""
        if not current_user.is_authenticated:
            return None
        return ends_at()

    @app.template_global()
    def restored_answers() -> dict | None:
        """Answers kept when the session ended and now put back into this page's form."""
        if not g.get("kept_answers_used") or g.get("kept_answers_reason") != "timed_out":
            return None
        return {"files_left_out": bool(g.get("kept_answers_files_left_out"))}

    @app.context_processor
    def session_timeout_context():
        if not current_user.is_authenticated:
            return {"session_timeout": None}
        return {"session_timeout": {
            "remaining": remaining_seconds(),
            "warning": int(current_app.config["SESSION_WARNING_SECONDS"]),
        }}
