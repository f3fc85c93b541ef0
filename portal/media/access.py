"""Who may manage sign-language media: content editors and administrators."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

EDITOR_ROLES = ("content_editor", "admin")


def is_editor(account) -> bool:
    return bool(getattr(account, "is_authenticated", False)) and account.role in EDITOR_ROLES


def editor_required(view):
    """Signed in (Flask-Login sends others to sign in) and an editor role, else 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_editor(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
