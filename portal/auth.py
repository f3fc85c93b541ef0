"""Loading the signed-in account for each request (Flask-Login)."""
from __future__ import annotations

from .extensions import db, login_manager
from .models import Account


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """The session holds "id:version"; a changed version (sign-out everywhere) ends it."""
    account_id, _, version = session_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active or account.session_version != int(version):
        return None
    return account
