"""The tests' accounts: the one account factory, signing in (the quick way or through the real
form), submitting forms with their CSRF token, reading the outbox."""
from __future__ import annotations

import itertools
import re
from functools import cache

import pyotp
from sqlalchemy import select

from portal.accounts import second_factor
from portal.accounts.models import Account
from portal.accounts.passwords import hash_password
from portal.extensions import db
from portal.messages import sms
from portal.messages.models import OutboxMessage

# The password of every account made without one.
PASSWORD = "Staff-Test-2026!"
RESIDENT_PHONE = "13900001111"
RESIDENT_PASSWORD = "chuntian-huyi-mianpi"
STAFF_PHONE = "13800002222"
STAFF_PASSWORD = "Gan-Ting-Street-2026"
# The test staff's authenticator key (STAFF); totp_code() gives a code that is accepted.
STAFF_TOTP_SECRET = "GANTINGSTREETTESTKEYGANTINGSTREE"

# Ready-made keywords for make_account: the account tests' resident, who signs in through the
# form (sign_in_through_form's defaults); the staff member with a second factor (make_staff);
# the applicant of the application-journey tests.
RESIDENT = {"phone": RESIDENT_PHONE, "password": RESIDENT_PASSWORD, "name": "李梅"}
STAFF = {"role": "street_officer", "phone": STAFF_PHONE, "password": STAFF_PASSWORD,
         "street": "ganting", "name": "赵刚", "totp_secret": STAFF_TOTP_SECRET}
APPLICANT = {"phone": "13911112222", "name": "李红"}

_numbers = itertools.count(1)
_BY_ROLE = object()


@cache
def _password_hash(password: str) -> str:  # scrypt is slow on purpose: hash each password once
    return hash_password(password)


def make_account(role: str = "resident", *, phone: str | None = None, name: str | None = None,
                 street: str | None | object = _BY_ROLE, password: str = PASSWORD,
                 totp_secret: str | None = None, **extra) -> Account:
    """The one account factory. Without `phone`, a new number (137…); without `name`, the role
    and that number; `street` by default "ganting" for a street officer, else none;
    `totp_secret`: its second factor (staff); `extra`: more Account columns. If an account with
    `phone` exists already, that account is returned (a test signing the same person in again)."""
    if phone is not None:
        existing = db.session.scalar(select(Account).where(Account.phone == phone))
        if existing is not None:
            return existing
    n = next(_numbers)
    if street is _BY_ROLE:
        street = "ganting" if role == "street_officer" else None
    account = Account(phone=phone or f"137{n:08d}", password_hash=_password_hash(password),
                      display_name=name or f"{role}{n}", role=role, street=street, **extra)
    db.session.add(account)
    db.session.commit()
    if totp_secret is not None:
        second_factor.set_demo_totp(account, totp_secret)
        db.session.commit()
    return account


def make_staff(**changes) -> Account:
    """make_account(**STAFF) with `changes`, e.g. totp_secret=None: not enrolled yet."""
    return make_account(**{**STAFF, **changes})


def sign_in(client, account: Account, *, fresh: bool = False) -> Account:
    """Sign `account` in the quick way: the test-only route, no password, no second factor.
    `fresh`: drop the client's session cookie first."""
    if fresh:
        client.delete_cookie("session")
    response = client.get(f"/_test/sign-in/{account.phone}")
    assert response.status_code == 302
    return account


def sign_in_through_form(client, phone=RESIDENT_PHONE, password=RESIDENT_PASSWORD,
                         page="/account/sign-in", **kwargs):
    """Sign in through the real form. On the staff page, a right password leads to the second
    step, which is completed with the account's TOTP code (STAFF): the last response."""
    response = submit(client, page, {"phone": phone, "password": password}, **kwargs)
    if response.status_code == 303 and response.location.startswith("/staff/sign-in/verify"):
        response = submit(client, response.location, {"code": totp_code(phone)})
    return response


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
