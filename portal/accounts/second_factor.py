"""Staff second factor: a code from an authenticator app (TOTP, RFC 6238) or, for those who
cannot use an app, a code texted to the staff member's registered phone; and one-use
recovery codes for when the phone is lost.

    secret = new_secret()                          # enrolment: shown as QR code and as text
    codes = enrol_totp(account, secret, typed)     # None if the first code was wrong
    result = verify_code(account, typed)           # the second sign-in step; result.ok
    result = verify_recovery_code(account, typed)
    codes = new_recovery_codes(account)            # a new set; the old ones stop working
    reset(admin, account)                          # an admin starts a colleague over

The TOTP secret is stored encrypted (crypto.encrypt). A code is accepted one time step
(30 s) early or late, and never twice: the last accepted time step is kept and only later
steps count. Recovery codes are stored only as password hashes. Wrong codes of every kind
count together (Account.failed_second_factor) and, like passwords, make the next try wait
(accounts.lock_wait: SIGN_IN_*) – a right password does not clear them.
"""
from __future__ import annotations

import enum
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, select

from portal.accounts import one_time_codes
from portal.accounts.models import Account, RecoveryCode
from portal.accounts.passwords import hash_password, verify_password
from portal.accounts.sign_in import lock_wait
from portal.audit import log as audit
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.people import crypto

TOTP = "totp"
SMS = "sms"
METHODS = (TOTP, SMS)
SMS_PURPOSE = "staff_sign_in"       # one_time_codes purpose of the texted codes
# Recovery codes: 10 characters without look-alikes (no i, l, o, 0, 1), shown as xxxxx-xxxxx.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


class CannotResetSelf(Exception):
    """An admin resets colleagues' second factors, never their own (that needs another admin
    or `flask reset-second-factor`)."""


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"            # did not match (or already used)
    WAIT = "wait"              # too many wrong codes: wait `wait_seconds`
    EXPIRED = "expired"        # SMS: too old, or none sent
    TOO_MANY = "too_many"      # SMS: this code had too many wrong entries; send a new one


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def is_enrolled(account: Account) -> bool:
    return account.second_factor in METHODS


# ---------------------------------------------------------------- TOTP enrolment

def new_secret() -> str:
    """160 random bits in base32 (32 characters), as authenticator apps expect."""
    return pyotp.random_base32()


def grouped(secret: str) -> list[str]:
    """The key in groups of four characters, for reading and typing it by hand."""
    return [secret[i:i + 4] for i in range(0, len(secret), 4)]


def provisioning_uri(account: Account, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=account.phone, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_svg(uri: str, label: str) -> Markup:
    """The otpauth:// link as an inline SVG QR code (no script, no image request), with
    `label` as its accessible name."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000",
                                                light="#fff", svgclass="qr-code",
                                                omitsize=True)  # a viewBox: it scales
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1)
    return Markup(svg)


def pending_totp_secret(account: Account) -> str:
    """During enrolment: the key being set up. It is kept encrypted on the account (never in
    the cookie) but counts for nothing until a first code confirms it (enrol_totp)."""
    if account.second_factor is None and account.totp_secret_encrypted:
        return crypto.decrypt(account.totp_secret_encrypted)
    secret = new_secret()
    account.totp_secret_encrypted = crypto.encrypt(secret)
    db.session.commit()
    return secret


def _matching_step(secret: str, typed: str, now: datetime) -> int | None:
    """The time step (−1, 0 or +1 from now) whose code is `typed`, else None."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    found = None
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), typed):
            found = candidate
    return found


def enrol_totp(account: Account, secret: str, typed: str, *,
               now: datetime | None = None) -> list[str] | None:
    """Keep `secret` as the account's second factor if `typed` is its current code; returns a
    new set of recovery codes to show once, or None if the code was wrong. Commits."""
    now = now or utcnow()
    step = _matching_step(secret, one_time_codes.normalise(typed), now)
    if step is None:
        return None
    account.second_factor = TOTP
    account.totp_secret_encrypted = crypto.encrypt(secret)
    account.totp_last_step = step
    return _enrolled(account, TOTP, now)


# ---------------------------------------------------------------- SMS

def send_sms_code(account: Account, *, locale: str | None = None) -> None:
    """Text a sign-in code to the staff member's registered phone. Commits."""
    one_time_codes.send(account.phone, SMS_PURPOSE, locale=locale)


def enrol_sms(account: Account, typed: str, *,
              now: datetime | None = None) -> tuple[one_time_codes.Check, list[str] | None]:
    """Choose SMS codes once a code texted to the phone has come back. Returns (the check,
    the recovery codes to show once when it matched). Commits."""
    now = now or utcnow()
    check = one_time_codes.verify(account.phone, SMS_PURPOSE, typed, now=now)
    if not check.ok:
        return check, None
    account.second_factor = SMS
    account.totp_secret_encrypted = None
    account.totp_last_step = None
    return check, _enrolled(account, SMS, now)


def _enrolled(account: Account, method: str, now: datetime) -> list[str]:
    account.second_factor_enrolled_at = now
    account.failed_second_factor = 0
    account.second_factor_locked_until = None
    audit.record(account, "second_factor.enrol", "account", account.id, {"method": method})
    return new_recovery_codes(account, audited=False)


# ---------------------------------------------------------------- the second sign-in step

def waiting_seconds(account: Account, now: datetime | None = None) -> int:
    locked_until = aware(account.second_factor_locked_until)
    now = now or utcnow()
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int((locked_until - now).total_seconds() + 0.999))


def verify_code(account: Account, typed: str, *, now: datetime | None = None) -> Result:
    """The code from the app (method totp) or from the text message (method sms). Commits."""
    now = now or utcnow()
    wait = waiting_seconds(account, now)
    if wait:
        return _refused(account, wait)
    typed = one_time_codes.normalise(typed)
    if account.second_factor == TOTP:
        secret = crypto.decrypt(account.totp_secret_encrypted)
        step = _matching_step(secret, typed, now) if secret else None
        if step is None or (account.totp_last_step is not None
                            and step <= account.totp_last_step):
            return _wrong(account, now, TOTP)
        account.totp_last_step = step
        return _passed(account, TOTP)
    if account.second_factor == SMS:
        check = one_time_codes.verify(account.phone, SMS_PURPOSE, typed, now=now)
        if check.ok:
            return _passed(account, SMS)
        result = _wrong(account, now, SMS)
        if result.outcome is Outcome.WRONG and check is not one_time_codes.Check.WRONG:
            return Result(Outcome(check.value))
        return result
    return Result(Outcome.WRONG)


def verify_recovery_code(account: Account, typed: str, *,
                         now: datetime | None = None) -> Result:
    """A recovery code: right once, then used up. Commits."""
    now = now or utcnow()
    wait = waiting_seconds(account, now)
    if wait:
        return _refused(account, wait)
    typed = normalise_recovery(typed)
    unused = db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None))).all()
    match = None
    for code in unused:  # check them all, so the time taken does not tell which matched
        if typed and verify_password(code.code_hash, typed) and match is None:
            match = code
    if match is None:
        return _wrong(account, now, "recovery")
    match.used_at = now
    audit.record(account, "second_factor.recovery_used", "account", account.id,
                 {"left": len(unused) - 1})
    return _passed(account, "recovery")


def _passed(account: Account, kind: str) -> Result:
    account.failed_second_factor = 0
    account.second_factor_locked_until = None
    audit.record(account, "second_factor.passed", "account", account.id, {"method": kind})
    db.session.commit()
    return Result(Outcome.OK)


def _wrong(account: Account, now: datetime, kind: str) -> Result:
    account.failed_second_factor += 1
    wait = lock_wait(account.failed_second_factor)
    if wait:
        account.second_factor_locked_until = now + timedelta(seconds=wait)
    audit.record(account, "second_factor.failed", "account", account.id,
                 {"method": kind, "failures": account.failed_second_factor})
    db.session.commit()
    return Result(Outcome.WAIT, wait) if wait else Result(Outcome.WRONG)


def _refused(account: Account, wait: int) -> Result:
    audit.record(account, "second_factor.refused", "account", account.id, {"reason": "waiting"})
    db.session.commit()
    return Result(Outcome.WAIT, wait)


# ---------------------------------------------------------------- recovery codes

def normalise_recovery(typed: str | None) -> str:
    """"ABCDE-FGHJK", "abcde fghjk", full-width – all the same code."""
    text = unicodedata.normalize("NFKC", typed or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def format_recovery(code: str) -> str:
    half = RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def new_recovery_codes(account: Account, *, audited: bool = True) -> list[str]:
    """A new set of RECOVERY_CODE_COUNT codes (formatted for showing once); the old set is
    deleted. Commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(int(current_app.config["RECOVERY_CODE_COUNT"]))]
    for code in codes:
        db.session.add(RecoveryCode(account_id=account.id, code_hash=hash_password(code)))
    if audited:
        audit.record(account, "second_factor.recovery_renewed", "account", account.id, {})
    db.session.commit()
    return [format_recovery(code) for code in codes]


def recovery_codes_left(account: Account) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None))) or 0


# ---------------------------------------------------------------- starting over

def reset(actor: Account | None, account: Account) -> None:
    """Remove `account`'s second factor and recovery codes and end its sessions; it enrols
    again at the next sign-in. `actor` None: the command line. Audited. Commits."""
    if actor is not None and actor.id == account.id:
        raise CannotResetSelf()
    account.second_factor = None
    account.totp_secret_encrypted = None
    account.totp_last_step = None
    account.second_factor_enrolled_at = None
    account.failed_second_factor = 0
    account.second_factor_locked_until = None
    account.session_version += 1
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    audit.record(actor, "staff.second_factor_reset", "account", account.phone,
                 {"account_id": account.id, "by": "admin" if actor is not None else "command"})
    db.session.commit()


def set_demo_totp(account: Account, secret: str) -> None:
    """Demo and test data only: a known TOTP secret (the caller commits)."""
    account.second_factor = TOTP
    account.totp_secret_encrypted = crypto.encrypt(secret)
    account.totp_last_step = None
    account.second_factor_enrolled_at = utcnow()
