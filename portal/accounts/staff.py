"""Staff accounts as the administrator manages them: list, create, deactivate, reset a
colleague's second factor or password – audited.

A forgotten password is reset by a one-time link sent by text to the staff member's own phone
(never a temporary password the administrator reads out – see README, "Staff accounts"): the
administrator never knows the new password, so nobody can later sign in as the colleague,
or say they did not. Resetting makes the old password unusable at once and ends every session;
the link is signed (SECRET_KEY), holds the account and a fingerprint of its current password
hash, and expires after PASSWORD_LINK_HOURS. Setting a password changes the hash, so the link
works once; a newer reset makes an older link useless too.

Creating goes through portal.accounts.sign_in.create_staff (the same rules as
`flask create-staff`: staff password policy, known street, one account per phone); the audit
row is added first, so the account and its audit row are committed together.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from portal.accounts import second_factor
from portal.accounts import sign_in as accounts
from portal.accounts.models import STAFF_ROLES, Account
from portal.accounts.passwords import hash_password
from portal.audit import log as audit
from portal.extensions import db
from portal.messages import outbox, sms

PASSWORD_LINK_HOURS = 8     # a working day: long enough to reach a computer, then it is gone
_SALT = "staff-password-link"


class CannotDeactivateSelf(Exception):
    pass


def staff_accounts() -> list[Account]:
    order = {role: i for i, role in enumerate(STAFF_ROLES)}
    found = db.session.scalars(select(Account).where(Account.role.in_(STAFF_ROLES))).all()
    return sorted(found, key=lambda a: (not a.active, order[a.role], a.street or "",
                                        a.display_name, a.id))


def find_staff(account_id: int) -> Account | None:
    account = db.session.get(Account, account_id)
    return account if account is not None and account.is_staff else None


def create(actor: Account, *, display_name: str, phone: str, role: str, street: str | None,
           password: str) -> Account:
    """Raises accounts.AccountError (reason: phone, name, role, street, exists, password)."""
    audit.record(actor, "account.create", "account", phone, {"role": role, "street": street})
    try:
        return accounts.create_staff(phone, display_name, role, street, password)
    except accounts.AccountError:
        db.session.rollback()
        raise


def deactivate(actor: Account, account: Account) -> None:
    """The person can no longer sign in, and every session of theirs ends now."""
    if account.id == actor.id:
        raise CannotDeactivateSelf()
    if not account.active:
        return
    account.active = False
    account.session_version += 1
    audit.record(actor, "account.deactivate", "account", account.phone,
                 {"account_id": account.id, "role": account.role})
    db.session.commit()


def reset_second_factor(actor: Account, account: Account) -> None:
    """The colleague's second factor and recovery codes go, their sessions end; they set up a
    new one at the next sign-in. Raises second_factor.CannotResetSelf for one's own."""
    second_factor.reset(actor, account)


# ------------------------------------------------------------------------- password by link

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(account: Account) -> str:
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:24]


def password_link_token(account: Account) -> str:
    return _serializer().dumps({"a": account.id, "f": _fingerprint(account)})


def link_hours() -> int:
    return int(current_app.config.get("PASSWORD_LINK_HOURS", PASSWORD_LINK_HOURS))


def account_for_link(token: str) -> Account | None:
    """The active staff account the link is for; None when it is expired, used, replaced by
    a newer one, forged – the page says the same for all of them."""
    try:
        data = _serializer().loads(token, max_age=link_hours() * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    account = db.session.get(Account, data["a"]) if isinstance(data.get("a"), int) else None
    if account is not None and not account.signs_in_as_staff:   # staff and village workers
        account = None
    if account is None or not account.active or data.get("f") != _fingerprint(account):
        return None
    return account


def reset_password(actor: Account, account: Account) -> None:
    """The old password stops working and every session ends now; the colleague gets a text
    with a one-time link to set a new one. Audited (and committed) first."""
    clear_password(account)
    audit.record(actor, "account.password_reset", "account", account.phone,
                 {"account_id": account.id, "role": account.role})
    db.session.commit()
    send_password_link(account, "account.staff_password_link")


def clear_password(account: Account) -> None:
    """A password nobody knows, every session ended, sign-in failures forgotten (not saved)."""
    account.password_hash = hash_password(secrets.token_urlsafe(32))  # known to nobody
    account.password_changed_at = datetime.now(timezone.utc)
    account.session_version += 1
    account.failed_sign_ins = 0
    account.sign_in_locked_until = None


def send_password_link(account: Account, kind: str, *, locale: str | None = None) -> None:
    """Text `account` the one-time link to set a password (the template `kind`), sealed in
    the outbox like a code (commits)."""
    link = url_for("staff.set_password", token="TOKEN", _external=True) \
        .replace("TOKEN", sms.CODE_MASK)
    hours = link_hours()
    outbox.send(account.phone, kind, {"hours": hours, "link": link}, locale=locale,
                code=password_link_token(account),
                code_expires_at=datetime.now(timezone.utc) + timedelta(hours=hours))


def set_password_by_link(account: Account, password: str) -> None:
    """Raises accounts.AccountError("password") when the rules refuse it. Audited."""
    audit.record(account, "account.password_set", "account", account.phone,
                 {"account_id": account.id, "by": "link"})
    try:
        accounts._set_password(account, password)   # commits; sessions end, lock cleared
    except accounts.AccountError:
        db.session.rollback()
        raise
