"""Proving that an account is a person, or their legal guardian (PersonLink).

Typing an ID number into an application proves nothing: anyone can type anyone's number. So an
account sees what it submitted itself, and reaches a person's *other* records – applications
filed at the counter, by family or by a village worker – only through a proven link:

- "self", proven by a one-time code texted to the person's **phone on record**, or confirmed
  by staff who saw the person's ID card at the counter;
- "guardian", recorded only by staff, who saw the guardianship papers.

The phone on record (Person.phone) is the mobile number of the person's most recent application
that staff accepted (受理 includes checking the identity documents) – never a number someone
merely typed (`record_phone`, called by the status change "accept").

Asking for a code answers the same, in the same time, whether or not the person has a phone
on record and whether or not a code was sent: the page never tells whether records exist.
Every link made or ended is audited, and the person's phone on record gets a text saying that
an account was linked – nothing else about them.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts import one_time_codes
from portal.accounts.models import Account, PersonLink
from portal.applications import answers as stored
from portal.applications.models import Application
from portal.audit import log as audit
from portal.extensions import db
from portal.messages import notifications
from portal.people.models import Person

PURPOSE = "link"
# Which link the counter confirms, by the relationship the applicant gave.
COUNTER_ROLES = {"self": "self", "guardian": "guardian"}
# Staff who may confirm a link in person: those who meet residents at the counter.
COUNTER_STAFF = ("street_officer", "district_reviewer")


class LinkError(Exception):
    """The link was not made. `reason`: not_allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ── reading ───────────────────────────────────────────────────────────────────────────────

def linked_person_ids(account_id: int):
    """A SELECT of the ids of the people `account_id` holds an active proven link to."""
    return select(PersonLink.person_id).where(PersonLink.account_id == account_id,
                                              PersonLink.ended_at.is_(None))


def link_of(account: Account | None, person_id: int | None) -> PersonLink | None:
    """The account's active link to the person, or None."""
    if account is None or person_id is None or not getattr(account, "is_authenticated", True):
        return None
    return db.session.scalar(select(PersonLink).where(
        PersonLink.account_id == account.id, PersonLink.person_id == person_id,
        PersonLink.ended_at.is_(None)).order_by(PersonLink.id.desc()).limit(1))


def links_of(account: Account | None) -> list[PersonLink]:
    """The account's active links, oldest first (one query)."""
    if account is None or not getattr(account, "is_authenticated", True) \
            or not account.is_resident:
        return []
    return list(db.session.scalars(select(PersonLink).where(
        PersonLink.account_id == account.id, PersonLink.ended_at.is_(None))
        .order_by(PersonLink.id)))


def self_person_id(account: Account | None,
                   links: list[PersonLink] | None = None) -> int | None:
    """The person this account is proven to be, or None."""
    links = links_of(account) if links is None else links
    return next((link.person_id for link in reversed(links) if link.role == "self"), None)


def linked_people(account: Account) -> list[Person]:
    """The people `account` is proven to be or to be the guardian of, oldest link first."""
    people: dict[int, Person] = {}
    for person in db.session.scalars(
            select(Person).join(PersonLink, PersonLink.person_id == Person.id)
            .where(PersonLink.account_id == account.id, PersonLink.ended_at.is_(None))
            .order_by(PersonLink.id)):
        people.setdefault(person.id, person)
    return list(people.values())


@dataclass(frozen=True)
class Provable:
    """A person the account may prove it is: it applied for them "for myself". `name` is what
    the account itself typed – never anything from the person's record."""
    person_id: int
    name: str


def provable(account: Account) -> list[Provable]:
    """People this account applied for as themselves and holds no link to (newest first)."""
    if account is None or not account.is_resident:     # staff and village workers: no links
        return []
    return provable_among(account, db.session.scalars(
        select(Application).where(Application.applicant_account_id == account.id,
                                  Application.relationship_to_person == "self")
        .order_by(Application.id.desc())), links_of(account))


def provable_among(account: Account, applications, links: list[PersonLink]) -> list[Provable]:
    """`provable`, from applications (newest first) and links already read."""
    linked = {link.person_id for link in links}
    seen: dict[int, Provable] = {}
    for application in applications:
        if application.applicant_account_id != account.id or \
                application.relationship_to_person != "self" or \
                application.person_id in linked or application.person_id in seen:
            continue
        name = stored.read(application).personal.full_name or ""
        seen[application.person_id] = Provable(application.person_id, name)
    return list(seen.values())


# ── proving by a code to the phone on record ──────────────────────────────────────────────

def _provable_person(account: Account, person_id: int) -> Person | None:
    if not any(row.person_id == person_id for row in provable(account)):
        return None
    return db.session.get(Person, person_id)


def send_code(account: Account, person_id: int, *, locale: str | None = None) -> None:
    """Text a code to the person's phone on record, if the account may try and the person has
    one. Says nothing either way (the caller shows one message, paced)."""
    person = _provable_person(account, person_id)
    if person is None or not person.phone:
        return
    one_time_codes.send(person.phone, PURPOSE, locale=locale)


def prove(account: Account, person_id: int, typed: str, *,
          locale: str | None = None) -> PersonLink | None:
    """The new link when `typed` is the code sent to the person's phone on record; None for
    every failure alike (no code sent, wrong, expired, used up, not the account's to try)."""
    person = _provable_person(account, person_id)
    if person is None or not person.phone:
        hmac.compare_digest("0" * 64, "1" * 64)   # the same small work as a code check
        return None
    if not one_time_codes.verify(person.phone, PURPOSE, typed).ok:
        return None
    return _make(account, person, "self", "sms", actor=account, locale=locale)


# ── proving by a verified unified-identity login ─────────────────────────────────────────

def prove_by_unified_identity(account: Account, person: Person) -> PersonLink:
    """The provider verified the person's real name and ID number (a signed ID token,
    portal/unified_identity): the account is that person. Audited; the person is told."""
    return link_of(account, person.id) or _make(account, person, "self", "unified",
                                                actor=account)


# ── confirming at the counter ─────────────────────────────────────────────────────────────

def may_manage(staff: Account | None, application: Application) -> bool:
    """Counter staff who may see `application` may confirm and end links to its person."""
    from portal.applications import queues

    return staff is not None and staff.role in COUNTER_STAFF and \
        queues.can_see(staff, application)


def counter_role(staff: Account, application: Application,
                 links: list[tuple[PersonLink, Account]] | None = None) -> str | None:
    """The link staff may confirm for the applicant of `application`: "self" or "guardian" by
    the relationship given, or None (not a counter role, not their case, already linked).
    `links`: the person's links, if already read (linked_accounts)."""
    role = COUNTER_ROLES.get(application.relationship_to_person)
    if role is None or not may_manage(staff, application):
        return None
    applicant = application.applicant      # already loaded for the case page
    if applicant is None or not applicant.is_resident:
        return None
    links = linked_accounts(application.person_id) if links is None else links
    if any(account.id == applicant.id for _link, account in links):
        return None
    return role


def confirm_at_counter(staff: Account, application: Application) -> PersonLink:
    """Staff saw the applicant's (or guardian's) papers in person: link the account that
    submitted `application` to its person. Audited; the person is told. Commits."""
    role = counter_role(staff, application)
    if role is None:
        raise LinkError("not_allowed")
    applicant = db.session.get(Account, application.applicant_account_id)
    person = db.session.get(Person, application.person_id)
    return _make(applicant, person, role, "counter", actor=staff,
                 reference=application.reference)


# ── making and ending links ───────────────────────────────────────────────────────────────

def _make(account: Account, person: Person, role: str, proven_by: str, *, actor: Account,
          reference: str | None = None, locale: str | None = None) -> PersonLink:
    link = PersonLink(account_id=account.id, person_id=person.id, role=role,
                      proven_by=proven_by,
                      confirmed_by_account_id=actor.id if actor.is_staff else None)
    try:
        with db.session.begin_nested():
            db.session.add(link)
            db.session.flush()
    except IntegrityError:      # made a moment ago by the same click, sent twice
        return link_of(account, person.id)
    audit.record(actor, "person.link", "person_link", link.id,
                 {"person": person.id, "account": account.id, "role": role,
                  "proven_by": proven_by, **({"reference": reference} if reference else {})})
    notifications.queue_person_linked(person, locale=locale)
    db.session.commit()
    return link


def end(actor: Account, link: PersonLink) -> None:
    """End a link (staff correcting a wrong one). Audited; the account holder is told;
    commits. Grants the account made for the person stop counting with it."""
    if link.ended_at is not None:
        return
    link.ended_at = datetime.now(timezone.utc)
    link.ended_by_account_id = actor.id
    audit.record(actor, "person.unlink", "person_link", link.id,
                 {"person": link.person_id, "account": link.account_id, "role": link.role})
    account = db.session.get(Account, link.account_id)
    if account is not None:
        notifications.queue_person_unlinked(account)
    db.session.commit()


def link_for(application: Application, link_id: int) -> PersonLink | None:
    """An active link to the person of `application`, by its id; else None."""
    link = db.session.get(PersonLink, link_id)
    if link is None or link.ended_at is not None or link.person_id != application.person_id:
        return None
    return link


def record_phone(application: Application) -> None:
    """Staff accepted `application` after checking the identity documents: its mobile number
    becomes the person's phone on record (in the caller's transaction)."""
    phone = stored.read(application).personal.phone
    person = application.person or db.session.get(Person, application.person_id)
    if phone and person is not None:
        person.phone = phone


def linked_accounts(person_id: int) -> list[tuple[PersonLink, Account]]:
    """Active links to a person with their accounts (for staff)."""
    return [(link, account) for link, account in db.session.execute(
        select(PersonLink, Account).join(Account, Account.id == PersonLink.account_id)
        .where(PersonLink.person_id == person_id, PersonLink.ended_at.is_(None))
        .order_by(PersonLink.id)).all()]
