"""Helpers for account tests: make accounts, submit forms with their CSRF token, read the outbox."""
from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from portal.extensions import db
from portal.models import Account, OutboxMessage
from portal.services import second_factor, sms
from portal.services.passwords import hash_password

RESIDENT_PHONE = "13900001111"
RESIDENT_PASSWORD = "chuntian-huyi-mianpi"
STAFF_PHONE = "13800002222"
STAFF_PASSWORD = "Gan-Ting-Street-2026"
# The test staff's authenticator key (make_staff); totp_code() gives a code that is accepted.
STAFF_TOTP_SECRET = "GANTINGSTREETTESTKEYGANTINGSTREE"


def make_account(phone=RESIDENT_PHONE, password=RESIDENT_PASSWORD, role="resident",
                 street=None, name="李梅", **extra) -> Account:
    account = Account(phone=phone, password_hash=hash_password(password), display_name=name,
                      role=role, street=street, **extra)
    db.session.add(account)
    db.session.commit()
    return account


def make_staff(phone=STAFF_PHONE, password=STAFF_PASSWORD, role="street_officer",
               street="ganting", name="赵刚", enrolled=True) -> Account:
    """A staff account; `enrolled`: with STAFF_TOTP_SECRET as its second factor."""
    account = make_account(phone, password, role=role, street=street, name=name)
    if enrolled:
        second_factor.set_demo_totp(account, STAFF_TOTP_SECRET)
        db.session.commit()
    return account


def totp_code(phone=STAFF_PHONE, secret=STAFF_TOTP_SECRET) -> str:
    """The current code of `secret`. A code is accepted once only, so the account's last used
    time step is forgotten first (tests sign in many times within 30 seconds)."""
    account = db.session.scalar(select(Account).where(Account.phone == phone))
    if account is not None:
        account.totp_last_step = None
        db.session.commit()
    return pyotp.TOTP(secret).now()


def token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def submit(client, page: str, data: dict, action: str | None = None, **kwargs):
    """GET `page`, then POST `data` with its CSRF token to `action` (default: the page)."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action or page, data={**data, "csrf_token": token_from(html)}, **kwargs)


def sign_in(client, phone=RESIDENT_PHONE, password=RESIDENT_PASSWORD, page="/account/sign-in",
            **kwargs):
    """Sign in through the real form. On the staff page, a right password leads to the second
    step, which is completed with the account's TOTP code (make_staff): the last response."""
    response = submit(client, page, {"phone": phone, "password": password}, **kwargs)
    if response.status_code == 303 and response.location.startswith("/staff/sign-in/verify"):
        response = submit(client, response.location, {"code": totp_code(phone)})
    return response


def last_code(phone: str) -> str:
    """The code in the newest text to `phone`, as the SMS sender would read it (the tests'
    SMS_BACKEND=outbox sends nothing, so the code is still sealed in the outbox)."""
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == phone)
                                 .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, f"no message to {phone}"
    assert not re.search(r"\d{6}", message.body), "a code stored readable"
    text = sms.readable_text(message)
    match = re.search(r"\d{6}", text)
    assert match, f"no code in {text!r}"
    return match.group(0)


def messages_to(phone: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.recipient == phone)))


def signed_in_account_id(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")
