"""Helpers for the status tests: a family with applications, posting with the CSRF token,
reading what the outbox says (accounts and signing in: tests/support/accounts.py; page text:
tests/support/pages.py)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications import status_changes
from portal.applications.models import Application
from portal.extensions import db
from portal.messages.models import OutboxMessage
from portal.people.models import Person
from tests.support.apply import PDF, PNG  # a real photo and PDF: fake bytes are refused now
from tests.support.staff import make_application, make_link, make_person
from tests.support.accounts import make_account

__all__ = ["PDF", "PNG", "Family", "family", "file", "make_application", "make_link", "messages_to",
           "post", "request_info", "token"]

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'name="csrf_token" value="([^"]+)"')


def token(client, page: str = "/status/lookup") -> str:
    html = client.get(page).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post(client, path: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST `data` to `path` with the session's CSRF token (read from `page`, default a page
    with a form that every visitor can open)."""
    payload = {"csrf_token": token(client, page or "/status/lookup"), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def file(content: bytes = PNG, name: str = "photo.png"):
    return (io.BytesIO(content), name)


def messages_to(phone: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == phone)
                                   .order_by(OutboxMessage.id)))


@dataclass
class Family:
    mother: Person          # the person the applications are about
    mother_id: str          # her ID number
    daughter: Account       # applied for her mother (relationship "family"); staff recorded
                            # her as the mother's guardian (guardian=True, the default)
    son: Account            # another family member, with an account of his own
    stranger: Account       # an unrelated resident
    officer: Account        # street officer of the mother's street (ganting)
    application: Application


def family(status: str = "accepted", guardian: bool = True, **application_options) -> Family:
    mother, mother_id = make_person(name="王秀兰", street="ganting")
    daughter = make_account("resident", name="李梅", phone="13900000001")
    son = make_account("resident", name="李强", phone="13900000002")
    stranger = make_account("resident", name="陌生人", phone="13900000009")
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    application = make_application(daughter, person=mother, status=status,
                                   **application_options)
    if guardian:
        make_link(daughter, mother, "guardian", officer)
    return Family(mother, mother_id, daughter, son, stranger, officer, application)


def request_info(application: Application, officer: Account,
                 message: str = "请补充一张清晰的残疾人证照片。", note: str | None = None):
    return status_changes.apply_action(application, "request_info", officer, message=message,
                                       note=note)
