"""Who may open a person's file (portal.people.record), and the audited ways in.

Staff:
- a street officer: the people of their street – the person's street on record, or any
  application of the person made in their street (an officer handling a case of someone who
  has since moved still needs the whole file; a person of another street and none of its
  applications is "not found", the same 404 as an id that does not exist);
- the district reviewer (区残联) and civil affairs (区民政): every person;
- anyone else: none (the routes answer 403, as every staff page does for another role).
Within a file everything is shown (that is the point of one file per person); a link to a
case page is offered only where the case page itself would open (portal.applications.queues).

Every opening, every search and every reveal of the full ID number is in the audit log
(committed before the page is made): "person.view", "person.search" (the kind of search,
the ID number and phone masked), "identity.reveal" on the person.

The person themselves – an account with an active proven link ("self", or "guardian" for a
ward: portal.accounts.person_links) – reads the same file ("person.data_view") and downloads
it ("person.data_download"). Without a link: nothing, whatever id is typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.exceptions import NotFound

from portal.accounts.models import Account, PersonLink
from portal.applications import queues, references
from portal.applications.models import Application
from portal.audit import log as audit
from portal.extensions import db
from portal.people import identity, phone_numbers, record
from portal.people.models import Person

STAFF_ROLES = ("street_officer", "district_reviewer", "civil_affairs")
# Links that open a person's own data: the person, and their legal guardian.
OWN_ROLES = ("self", "guardian")
SEARCH_LIMIT = 50
PHONE = re.compile(r"^1[3-9]\d{9}$")
# How the search page says what it looked for.
SEARCH_KIND_TEXTS = {
    "reference": _l("按受理编号查找。"),
    "id_number": _l("按身份证号码查找。"),
    "id_last4": _l("按身份证号码后4位查找。"),
    "phone": _l("按手机号码查找。"),
    "name": _l("按姓名开头查找。"),
}


# ── staff ─────────────────────────────────────────────────────────────────────────────────

def visible(actor: Account) -> ColumnElement[bool]:
    """A WHERE clause: the people `actor` may open."""
    role = getattr(actor, "role", None)
    if role == "street_officer":
        if not actor.street:
            return false()
        return or_(Person.street == actor.street, exists().where(
            Application.person_id == Person.id, Application.street == actor.street))
    if role in ("district_reviewer", "civil_affairs"):
        return true()
    return false()


def find_visible(actor: Account, person_id: int) -> Person:
    """The person if `actor` may open their file; else 404 (missing or not theirs alike)."""
    person = db.session.scalar(select(Person).where(Person.id == person_id, visible(actor)))
    if person is None:
        raise NotFound()
    return person


def open_file(actor: Account, person_id: int, kinds: tuple[str, ...] = ()):
    """(person, their file): the viewing recorded (committed) first."""
    person = find_visible(actor, person_id)
    audit.record(actor, "person.view", "person", str(person.id),
                 {"kinds": list(kinds)} if kinds else None)
    db.session.commit()
    return person, record.assemble(person)


def case_openable(actor: Account, row: record.ApplicationRow) -> bool:
    """May the actor open this application's case page (the queue's own rule)?"""
    return queues.can_see(actor, row.application)


def reveal_id_number(actor: Account, person_id: int):
    """(person, the full ID number with its birth date) – recorded (committed) first; the
    number None when none is kept."""
    person = find_visible(actor, person_id)
    if not person.id_number_encrypted:
        return person, None
    audit.record(actor, "identity.reveal", "person", str(person.id), {"person_id": person.id})
    db.session.commit()
    return person, identity.read(person.id_number_encrypted)


@dataclass(frozen=True)
class Search:
    kind: str       # reference | id_number | id_last4 | phone | name
    value: str


def parse_search(raw: str | None) -> Search | None:
    """What was typed: the queue's kinds (reference, ID number, its last four, a name's
    beginning) and a mobile number."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        phone = phone_numbers.normalise(text)
    except ValueError:
        phone = None
    if phone is not None and PHONE.match(phone) and not queues.FULL_ID.match(
            references.normalise(text)):
        return Search("phone", phone)
    found = queues.parse_search(text)
    return Search(found.kind, found.value)


def _clause(search: Search) -> ColumnElement[bool]:
    if search.kind == "reference":
        return exists().where(Application.person_id == Person.id,
                              Application.reference == search.value)
    if search.kind == "id_number":
        return Person.id_number_hash.in_(identity.lookup_hashes(search.value))
    if search.kind == "id_last4":
        return Person.id_number_last4_hash.in_(identity.last_four_hashes(search.value))
    if search.kind == "phone":
        return Person.phone == search.value
    return Person.full_name.startswith(search.value, autoescape=True)


@dataclass(frozen=True)
class Found:
    person_id: int
    name: str
    masked_id: str
    age: str
    street: str | None


def search(actor: Account, text: str | None) -> tuple[Search | None, list[Found]]:
    """The people the actor may open matching `text` (at most SEARCH_LIMIT); the search is
    recorded (the ID number and phone masked – never what was typed in full)."""
    parsed = parse_search(text)
    if parsed is None:
        return None, []
    shown = parsed.value
    if parsed.kind == "id_number":
        shown = identity.mask(parsed.value)
    elif parsed.kind == "phone":
        shown = phone_numbers.mask(parsed.value)
    audit.record(actor, "person.search", "person", None,
                 {"search": {"kind": parsed.kind, "value": shown}})
    db.session.commit()
    people = db.session.scalars(select(Person).where(visible(actor), _clause(parsed))
                                .order_by(Person.full_name, Person.id).limit(SEARCH_LIMIT))
    found = []
    for person in people:
        number = identity.of(person)
        found.append(Found(person.id, person.full_name, identity.masked(number),
                           identity.age_text(number), person.street))
    return parsed, found


# ── the person themselves ───────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Own:
    person_id: int
    name: str
    role: str        # self | guardian


def own_people(account: Account | None) -> list[Own]:
    """The people whose data the account may read: its proven self link and its wards."""
    if account is None or not getattr(account, "is_authenticated", False) or account.is_staff:
        return []
    rows = db.session.execute(
        select(PersonLink.role, Person.id, Person.full_name)
        .join(Person, Person.id == PersonLink.person_id)
        .where(PersonLink.account_id == account.id, PersonLink.ended_at.is_(None),
               PersonLink.role.in_(OWN_ROLES))
        .order_by(PersonLink.role != "self", PersonLink.id)).all()
    seen: dict[int, Own] = {}
    for role, person_id, name in rows:
        seen.setdefault(person_id, Own(person_id, name, role))
    return list(seen.values())


def _own(account: Account, person_id: int) -> Person:
    if not any(own.person_id == person_id for own in own_people(account)):
        raise NotFound()
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound()
    return person


def open_own(account: Account, person_id: int, *, download: bool = False) -> record.PersonFile:
    """The file of a person the account is proven to be (or the guardian of), the reading or
    the download recorded (committed) first. 404 for anyone else's."""
    person = _own(account, person_id)
    audit.record(account, "person.data_download" if download else "person.data_view",
                 "person", str(person.id))
    db.session.commit()
    return record.assemble(person)
