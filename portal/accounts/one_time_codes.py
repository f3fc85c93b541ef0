"""One-time codes sent by SMS: 6 digits, valid for ONE_TIME_CODE_MINUTES, at most
ONE_TIME_CODE_MAX_ATTEMPTS wrong entries, stored only as a keyed hash, never logged; in the
SMS outbox only sealed, and only until it is sent or expires.

    code = issue(phone, "register")         # a new code; earlier ones for the same purpose end
    send(phone, "register")                 # issue and text it (the usual call)
    result = verify(phone, "register", typed)   # a Check; result.ok when it matched

Purposes are data (PURPOSES): add one for a new use, e.g. a family look-up.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import unicodedata
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.accounts.models import OneTimeCode
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import outbox, templates
from portal.messages.models import CODE_MASK

LENGTH = 6

# purpose → the text message that carries the code: the template "code.<purpose>"
# (portal/messages/templates.py, where their words are).
PURPOSES = templates.CODE_TEXTS


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"              # did not match; attempts left
    EXPIRED = "expired"          # too old, or no code was sent
    TOO_MANY = "too_many"        # too many wrong entries: send a new code

    @property
    def ok(self) -> bool:
        return self is Check.OK


def _hash(phone: str, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def issue(phone: str, purpose: str, *, now: datetime | None = None) -> str:
    return _issue(phone, purpose, now or utcnow())[0]


def _issue(phone: str, purpose: str, now: datetime) -> tuple[str, datetime]:
    """A new code for (phone, purpose) and when it expires. Earlier unused ones stop working."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.purpose == purpose,
               OneTimeCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10 ** LENGTH):0{LENGTH}d}"
    minutes = current_app.config["ONE_TIME_CODE_MINUTES"]
    expires_at = now + timedelta(minutes=minutes)
    db.session.add(OneTimeCode(
        phone=phone, purpose=purpose, code_hash=_hash(phone, purpose, code),
        expires_at=expires_at, created_at=now,
    ))
    db.session.flush()
    return code, expires_at


def message_text(purpose: str, code: str) -> str:
    """The text message for `purpose`, in the current language."""
    minutes = current_app.config["ONE_TIME_CODE_MINUTES"]
    return str(PURPOSES[purpose]) % {"code": code, "minutes": minutes}


def send(phone: str, purpose: str, *, locale: str | None = None,
         now: datetime | None = None) -> None:
    """Issue a code and text it to `phone`. Commits. The outbox stores the text with ******
    for the code and the code sealed until it is sent (portal/messages/sms.py)."""
    code, expires_at = _issue(phone, purpose, now or utcnow())
    outbox.send(phone, f"code.{purpose}",
                {"code": CODE_MASK, "minutes": current_app.config["ONE_TIME_CODE_MINUTES"]},
                locale=locale or DEFAULT_LOCALE, code=code, code_expires_at=expires_at)


def verify(phone: str, purpose: str, typed: str, *, now: datetime | None = None) -> Check:
    """Check what the person typed against the newest code. A match uses the code up. Commits.

    Both steps are single UPDATEs, so requests sent at once cannot share a code or a try: each
    try is counted before the comparison (a burst of guesses gets ONE_TIME_CODE_MAX_ATTEMPTS
    between them, not each), and only one request can use a matching code up."""
    now = now or utcnow()
    record = db.session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.purpose == purpose,
               OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc()).limit(1)
    )
    if record is None or aware(record.expires_at) <= now:
        return Check.EXPIRED
    max_attempts = current_app.config["ONE_TIME_CODE_MAX_ATTEMPTS"]
    counted = db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == record.id, OneTimeCode.used_at.is_(None),
               OneTimeCode.attempts < max_attempts)
        .values(attempts=OneTimeCode.attempts + 1)).rowcount
    db.session.commit()
    if not counted:
        db.session.refresh(record)
        return Check.EXPIRED if record.used_at is not None else Check.TOO_MANY
    if hmac.compare_digest(record.code_hash, _hash(phone, purpose, normalise(typed))):
        used = db.session.execute(
            update(OneTimeCode).where(OneTimeCode.id == record.id,
                                      OneTimeCode.used_at.is_(None))
            .values(used_at=now)).rowcount
        db.session.commit()
        return Check.OK if used else Check.EXPIRED
    db.session.refresh(record)
    return Check.TOO_MANY if record.attempts >= max_attempts else Check.WRONG


def normalise(typed: str | None) -> str:
    """Full-width digits and spaces are fine: "１２３ ４５６" → "123456"."""
    return "".join(unicodedata.normalize("NFKC", typed or "").split())
