"""Accounts: registering, signing in, passwords, staff accounts.

Sign-in never tells whether an account exists: `authenticate` answers None for an unknown
number, a wrong password, the wrong kind of account (staff on the residents' page and the
other way round), a disabled account or one that must wait after repeated failures; and it
takes about as long in every case. After SIGN_IN_FREE_FAILURES failures in a row an account
waits SIGN_IN_LOCK_SECONDS, doubling with each further failure up to SIGN_IN_LOCK_MAX_SECONDS;
resetting the password by SMS ends the wait at once, so nobody can keep a real user out.
"""
from __future__ import annotations

import secrets
import string
import time
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select

from portal.accounts import one_time_codes, password_policy
from portal.accounts.models import RESIDENT, STAFF_ROLES, Account
from portal.accounts.passwords import hash_password, verify_password
from portal.audit import log as audit
from portal.content import streets
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import outbox
from portal.people import phone_numbers


class AccountError(ValueError):
    """A request the service refuses; `reason` is a code, not prose."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def find_by_phone(phone: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.phone == phone))


@cache
def _decoy_hash() -> str:
    """Checked against when there is no account, so that both cases take as long."""
    return hash_password(secrets.token_urlsafe(16))


# ---------------------------------------------------------------- signing in

def authenticate(phone: str, password: str, *, staff: bool,
                 now: datetime | None = None) -> Account | None:
    """The account if `password` is right for `phone` on this kind of sign-in page, else None.
    Sign-ins to staff accounts, and failed ones, go into the audit trail (with the client's
    address, as every audit row)."""
    now = now or utcnow()
    account = find_by_phone(phone)
    if account is None or not account.active or account.signs_in_as_staff != staff:
        verify_password(account.password_hash if account else _decoy_hash(), password)
        return _failed()
    locked_until = aware(account.sign_in_locked_until)
    if locked_until and locked_until > now:
        verify_password(_decoy_hash(), password)
        _audit(account, "sign_in_refused", {"reason": "waiting"})
        db.session.commit()
        return _failed()
    if not verify_password(account.password_hash, password):
        _count_failure(account, now)
        _audit(account, "sign_in_failed", {"failures": account.failed_sign_ins})
        db.session.commit()
        return _failed()
    account.failed_sign_ins = 0
    account.sign_in_locked_until = None
    account.last_sign_in_at = now
    _audit(account, "sign_in", {})
    db.session.commit()
    return account


def record_sign_out(account: Account) -> None:
    _audit(account, "sign_out", {})
    db.session.commit()


def _audit(account: Account, action: str, detail: dict) -> None:
    if account.signs_in_as_staff:
        audit.record(account, action, "account", str(account.id), detail)


def lock_wait(failures: int) -> int:
    """Seconds to wait after `failures` failures in a row (0: none yet). Used for passwords
    and for staff second-factor codes alike."""
    config = current_app.config
    over = failures - config["SIGN_IN_FREE_FAILURES"]
    if over < 0:
        return 0
    return int(min(config["SIGN_IN_LOCK_SECONDS"] * 2 ** min(over, 20),
                   config["SIGN_IN_LOCK_MAX_SECONDS"]))


def _count_failure(account: Account, now: datetime) -> None:
    account.failed_sign_ins += 1
    wait = lock_wait(account.failed_sign_ins)
    if wait:
        account.sign_in_locked_until = now + timedelta(seconds=wait)


def _failed() -> None:
    delay = current_app.config.get("SIGN_IN_FAILURE_DELAY_SECONDS", 0)
    if delay:
        time.sleep(delay)
    return None


# ---------------------------------------------------------------- registering

def start_registration(phone: str, *, locale: str | None = None) -> None:
    """Text a code to `phone`; if it already has an account, text that instead.

    The person on the page sees the same either way, so the page does not reveal who has
    an account; the owner of the number learns that it is already registered.
    """
    if find_by_phone(phone) is None:
        one_time_codes.send(phone, "register", locale=locale)
        return
    outbox.send(phone, "account.already_registered", locale=locale or DEFAULT_LOCALE)


def register(phone: str, display_name: str, password: str) -> Account:
    """Create a resident's account for a number whose code was just verified."""
    if find_by_phone(phone) is not None:
        raise AccountError("exists")
    if password_policy.problem(password, phone=phone):
        raise AccountError("password")
    account = Account(phone=phone, display_name=display_name.strip(), role=RESIDENT,
                      password_hash=hash_password(password), password_changed_at=utcnow())
    db.session.add(account)
    db.session.commit()
    return account


# ---------------------------------------------------------------- passwords

def start_reset(phone: str, *, locale: str | None = None) -> None:
    """Text a reset code if `phone` belongs to a resident's account; otherwise do nothing.
    (Staff passwords are set by an administrator: `flask set-staff-password`.)"""
    account = find_by_phone(phone)
    if account is not None and account.active and account.is_resident:
        one_time_codes.send(phone, "reset", locale=locale)


def reset_password(phone: str, password: str, *, verified_at: datetime) -> Account:
    """After a reset code verified at `verified_at`: set the password, end every session, lift
    any wait. A verified code allows one change: once the password has changed after it, the
    same verification (e.g. a saved and replayed session cookie) is refused ("used")."""
    account = find_by_phone(phone)
    if account is None or not account.is_resident or not account.active:
        raise AccountError("no_account")
    changed_at = aware(account.password_changed_at)
    if changed_at is not None and changed_at >= verified_at:
        raise AccountError("used")
    _set_password(account, password)
    return account


def change_password(account: Account, current_password: str, password: str) -> bool:
    """Change a signed-in person's password; False if `current_password` is wrong.
    Every other session ends (the caller signs this one in again)."""
    if not verify_password(account.password_hash, current_password):
        return False
    _set_password(account, password)
    return True


def end_all_sessions(account: Account) -> None:
    """Signing out ends every session of the account, here and on any other device: sessions
    live in signed cookies, so a copied cookie would otherwise still work. Commits."""
    account.session_version += 1
    db.session.commit()


def _set_password(account: Account, password: str) -> None:
    if password_policy.problem(password, phone=account.phone, staff=account.signs_in_as_staff):
        raise AccountError("password")
    account.password_hash = hash_password(password)
    account.password_changed_at = utcnow()
    account.session_version += 1
    account.failed_sign_ins = 0
    account.sign_in_locked_until = None
    db.session.commit()


# ---------------------------------------------------------------- staff accounts

def generate_staff_password() -> str:
    """A random password meeting the staff rules, e.g. "Kx7m-p2Qr-9vLt-w3Hn"."""
    alphabet = string.ascii_letters + string.digits
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
        password = "-".join(groups)
        if password_policy.problem(password, staff=True) is None:
            return password


def create_staff(phone: str, display_name: str, role: str, street: str | None,
                 password: str) -> Account:
    """A staff account. Raises AccountError: phone, name, role, street, exists, password."""
    try:
        phone = phone_numbers.normalise(phone)
    except ValueError:
        raise AccountError("phone") from None
    if not display_name or not display_name.strip() or len(display_name.strip()) > 60:
        raise AccountError("name")
    if role not in STAFF_ROLES:
        raise AccountError("role")
    if street is not None and streets.by_code(street) is None:
        raise AccountError("street")
    if role == "street_officer" and street is None:
        raise AccountError("street")
    if find_by_phone(phone) is not None:
        raise AccountError("exists")
    if password_policy.problem(password, phone=phone, staff=True):
        raise AccountError("password")
    account = Account(phone=phone, display_name=display_name.strip(), role=role, street=street,
                      password_hash=hash_password(password), password_changed_at=utcnow())
    db.session.add(account)
    db.session.commit()
    return account


def set_staff_password(phone: str, password: str) -> Account:
    """Staff's and village workers' (`flask set-staff-password`): the staff password rules."""
    account = find_by_phone(phone)
    if account is None or not account.signs_in_as_staff:
        raise AccountError("no_account")
    _set_password(account, password)
    return account
