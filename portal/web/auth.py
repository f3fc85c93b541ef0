"""Loading the signed-in account for each request (Flask-Login)."""
from __future__ import annotations

from flask import has_request_context, session

from portal.accounts.models import Account
from portal.extensions import db, login_manager

# Set in the session when a staff member has passed the second sign-in step (its value: how).
SECOND_FACTOR = "_second_factor"


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """The session holds "id:version"; a changed version (sign-out everywhere) ends it.
    A staff account counts as signed in only with the second factor's mark in the session."""
    account_id, _, version = session_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active or account.session_version != int(version):
        return None
    if account.signs_in_as_staff and not (has_request_context() and session.get(SECOND_FACTOR)):
        return None
    return account
