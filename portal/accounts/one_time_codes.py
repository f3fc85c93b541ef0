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
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.accounts.models import OneTimeCode
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import outbox
from portal.messages.models import CODE_MASK

LENGTH = 6

# purpose → the text message that carries the code (whole sentences, one per purpose).
PURPOSES = {
    "register": _l("【鄠邑区残疾人服务】您正在注册账户，验证码是%(code)s，%(minutes)s分钟内有效。"
                   "请不要告诉任何人，工作人员不会向您要验证码。"),
    "reset": _l("【鄠邑区残疾人服务】您正在重设登录密码，验证码是%(code)s，%(minutes)s分钟内有效。"
                "请不要告诉任何人，工作人员不会向您要验证码。"),
    "staff_sign_in": _l("【鄠邑区残疾人服务】您正在登录工作人员账号，验证码是%(code)s，%(minutes)s分钟内有效。"
                        "请不要告诉任何人。如果不是您本人在登录，请马上告诉系统管理员。"),
    # To the applicant's account: a family member may be the one looking, and needs the code
    # passed on to them (portal.accounts.family_lookup).
    "lookup": _l("【鄠邑区残疾人服务】有人正在查询您提交的申请的办理进度，验证码是%(code)s，"
                 "%(minutes)s分钟内有效。如果是家人在帮您查询，请只告诉正在帮您查询的家人；"
                 "如果没有人在帮您查询，请不要理会。工作人员不会向您要验证码。"),
    # To a person's phone on record: a village worker asks to act for them
    # (portal.accounts.consents).
    "consent": _l("【鄠邑区残疾人服务】村（社区）代办员想帮您办理残疾人服务的事情，需要您同意。"
                  "同意的话，请把验证码%(code)s告诉代办员，%(minutes)s分钟内有效。不同意就不要告诉别人。"),
    # To a person's phone on record (portal.accounts.person_links).
    "link": _l("【鄠邑区残疾人服务】有人正在验证能否查看以您名义办理的所有申请，验证码是%(code)s，"
               "%(minutes)s分钟内有效。只有您本人在办理时才能使用，请不要告诉任何人。"
               "如果不是您本人，请不要理会，并拨打12385。"),
}


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
    with force_locale(locale or DEFAULT_LOCALE):
        body = message_text(purpose, CODE_MASK)
    outbox.send(phone, body, locale=locale, code=code, code_expires_at=expires_at)


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
