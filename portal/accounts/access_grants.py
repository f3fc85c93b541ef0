"""Which applications a resident's account may see and act on, and the access a person (or
their recorded guardian) gives a family member.

Seeing – one rule, used by every resident's status page (and proved by the IDOR tests):
- the applications the account submitted itself, for its holder or for someone else;
- every application about a person the account holds a *proven* link to – it is that person
  or their legal guardian (portal.accounts.person_links: a code to the phone on record, or
  staff at the counter). Typing someone's ID number into an application is no such proof;
- every application about a person who granted the account access, while the grant stands and
  whoever made it still holds a proven link to the person.
Anything else is "not found": the pages answer 404, so nobody learns that it exists.

Acting (withdrawing, answering a request for more information) is for the account that
submitted the application and for the person or guardian with a proven link. A family member
who was granted access sees; they do not act.

Granting is for the person and their guardian only (a proven link): they name a family
member's mobile number, and the resident's account registered with that number – now or later
– may see all of the person's applications. The form answers the same whether or not the
number is registered. The person (or guardian) may end the grant, and so may the family member.
Every grant and revocation is written to the audit log and both sides are told by text message.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from portal.accounts import consent_rules, person_links
from portal.accounts.models import AccessGrant, Account, PersonLink
from portal.applications import references
from portal.applications.models import Application
from portal.audit import log as audit
from portal.extensions import db
from portal.messages import notifications
from portal.people.models import Person


class GrantError(Exception):
    """The grant was not made. `reason`: self, exists, not_allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _resident(account: Account | None) -> bool:
    return account is not None and getattr(account, "is_authenticated", False) \
        and account.is_resident


def _worker(account: Account | None) -> bool:
    return account is not None and getattr(account, "is_authenticated", False) \
        and account.is_intermediary


# ── seeing ────────────────────────────────────────────────────────────────────────────────

def _standing_grants():
    """Grants not revoked whose granter still holds a proven link to the person."""
    return (select(AccessGrant)
            .join(PersonLink, and_(PersonLink.account_id == AccessGrant.granted_by_account_id,
                                   PersonLink.person_id == AccessGrant.person_id,
                                   PersonLink.ended_at.is_(None)))
            .where(AccessGrant.revoked_at.is_(None)))


def _granted_people(account: Account):
    return (_standing_grants().where(AccessGrant.grantee_phone == account.phone)
            .with_only_columns(AccessGrant.person_id))


def visible_to(account: Account | None, need: str = "see") -> ColumnElement[bool]:
    """A WHERE clause: the applications `account` may see on the residents' pages. A village
    worker (intermediary) sees only the applications of people whose consent, standing now,
    covers `need` (portal.accounts.consents.NEEDS) – those they submitted themselves too."""
    if _worker(account):
        return consent_rules.covered(account, need)
    if not _resident(account):
        return false()
    return or_(Application.applicant_account_id == account.id,
               Application.person_id.in_(person_links.linked_person_ids(account.id)),
               Application.person_id.in_(_granted_people(account)))


def find_visible(account: Account | None, reference: str,
                 need: str = "see") -> Application | None:
    """The application with this reference if `account` may see it (a village worker: for
    `need`); else None."""
    return db.session.scalar(select(Application).where(
        Application.reference == references.normalise(reference), visible_to(account, need)))


def own_submission(account: Account) -> ColumnElement[bool]:
    """A WHERE clause: applications the account submitted itself and may still see – a
    village worker's only while the person's consent stands."""
    mine = Application.applicant_account_id == account.id
    return and_(mine, consent_rules.covered(account, "see")) if _worker(account) else mine


def can_view(account: Account | None, application: Application) -> bool:
    return db.session.scalar(select(Application.id).where(
        Application.id == application.id, visible_to(account))) is not None


def can_act(account: Account | None, application: Application) -> bool:
    """Withdrawing and answering requests: the account that submitted the application, and
    the person or guardian with a proven link."""
    if _worker(account):
        return consent_rules.covers(account, application.person_id, "act")
    if not _resident(account):
        return False
    return application.applicant_account_id == account.id or \
        person_links.link_of(account, application.person_id) is not None


def is_granted(account: Account, application: Application) -> bool:
    return db.session.scalar(_granted_people(account).where(
        AccessGrant.person_id == application.person_id).limit(1)) is not None


@dataclass(frozen=True)
class Listed:
    """The account's applications, in three groups; in each, those waiting for more
    information first, then the newest first. With what the page offers next."""
    own: list[Application]          # about the account holder (proven, or filed "for myself")
    for_others: list[Application]   # submitted by the account for someone else, or about a
                                    # person it is the proven guardian of
    granted: list[Application]      # shown because a family member granted access
    can_grant: bool = False         # it holds a proven link: it may let family see
    can_prove: bool = False         # it applied "for myself" and may prove it is that person

    @property
    def empty(self) -> bool:
        return not (self.own or self.for_others or self.granted)


def applications_for(account: Account) -> Listed:
    links = person_links.links_of(account)
    found = list(db.session.scalars(
        select(Application).where(visible_to(account))
        .options(joinedload(Application.person))  # each row shows the person's name
        .order_by(Application.submitted_at.desc(), Application.id.desc())))
    can_prove = bool(person_links.provable_among(account, found, links))
    # Those waiting for the applicant's answer first, then the newest first.
    found.sort(key=lambda application: application.status != "needs_info")
    me = person_links.self_person_id(account, links)
    guarded = {link.person_id for link in links} - {me}
    own, for_others, granted = [], [], []
    for application in found:
        if application.person_id == me or (
                application.applicant_account_id == account.id
                and application.relationship_to_person == "self"):
            own.append(application)
        elif application.applicant_account_id == account.id or \
                application.person_id in guarded:
            for_others.append(application)
        else:
            granted.append(application)
    return Listed(own, for_others, granted, can_grant=bool(links), can_prove=can_prove)


# ── granting ──────────────────────────────────────────────────────────────────────────────

def grantable_people(account: Account) -> list[Person]:
    """The people whose applications `account` may let a family member see: those it is
    proven to be, or to be the legal guardian of."""
    if not _resident(account):
        return []
    return person_links.linked_people(account)


def may_grant_for(account: Account, person_id: int) -> bool:
    return _resident(account) and person_links.link_of(account, person_id) is not None


def _active_grant(person_id: int, phone: str) -> AccessGrant | None:
    return db.session.scalar(select(AccessGrant).where(
        AccessGrant.person_id == person_id, AccessGrant.grantee_phone == phone,
        AccessGrant.revoked_at.is_(None)).limit(1))


def grant(granter: Account, person_id: int, phone: str, *,
          locale: str | None = None) -> AccessGrant:
    """Let the resident's account registered with `phone` (11 digits) – now or later – see
    the applications of person `person_id`. The same work and answer whether or not `phone`
    is registered. Audited, both told by text message; commits. Raises GrantError."""
    if not may_grant_for(granter, person_id):
        raise GrantError("not_allowed")
    if phone == granter.phone:
        raise GrantError("self")
    if _active_grant(person_id, phone) is not None:
        raise GrantError("exists")   # the granter's own grant: nothing about the number
    access = AccessGrant(person_id=person_id, grantee_phone=phone,
                         granted_by_account_id=granter.id)
    try:
        with db.session.begin_nested():
            db.session.add(access)
            db.session.flush()
    except IntegrityError:      # the same grant, made a moment ago by a click sent twice
        raise GrantError("exists") from None
    audit.record(granter, "access.grant", "access_grant", access.id,
                 {"person": person_id, "grantee_phone_tail": phone[-4:]})
    notifications.queue_access_granted(access, granter, locale=locale)
    db.session.commit()
    return access


@dataclass(frozen=True)
class GrantRow:
    grant: AccessGrant
    person: Person
    # given: the family member's mobile number; received: who granted it (their account)
    other: Account | None

    @property
    def phone(self) -> str:
        return self.grant.grantee_phone


def grants_given(account: Account) -> list[GrantRow]:
    """Active grants for the people `account` may grant for (whoever of them made them)."""
    people = [person.id for person in grantable_people(account)]
    if not people:
        return []
    rows = db.session.execute(
        select(AccessGrant, Person)
        .join(Person, Person.id == AccessGrant.person_id)
        .where(AccessGrant.person_id.in_(people), AccessGrant.revoked_at.is_(None))
        .order_by(AccessGrant.id)).all()
    return [GrantRow(access, person, None) for access, person in rows]


def grants_received(account: Account) -> list[GrantRow]:
    """Standing grants to the account's mobile number, with who made them."""
    if not _resident(account):
        return []
    rows = db.session.execute(
        _standing_grants().add_columns(Person, Account)
        .join(Person, Person.id == AccessGrant.person_id)
        .join(Account, Account.id == AccessGrant.granted_by_account_id)
        .where(AccessGrant.grantee_phone == account.phone)
        .order_by(AccessGrant.id)).all()
    return [GrantRow(*row) for row in rows]


def revocable(account: Account, grant_id: int) -> AccessGrant | None:
    """The active grant if `account` may end it: the person or guardian (a proven link), or
    the family member who holds it. None otherwise (the page answers 404)."""
    access = db.session.get(AccessGrant, grant_id)
    if access is None or access.revoked_at is not None or not _resident(account):
        return None
    if access.grantee_phone == account.phone or may_grant_for(account, access.person_id):
        return access
    return None


def revoke(actor: Account, access: AccessGrant, *, locale: str | None = None) -> None:
    """End the grant. Audited, both sides told by text message; commits."""
    if access.revoked_at is not None:
        return
    access.revoked_at = datetime.now(timezone.utc)
    by_grantee = actor.phone == access.grantee_phone
    audit.record(actor, "access.revoke", "access_grant", access.id,
                 {"person": access.person_id, "grantee_phone_tail": access.grantee_phone[-4:],
                  "by_grantee": by_grantee})
    granter = db.session.get(Account, access.granted_by_account_id)
    notifications.queue_access_revoked(access, granter,
                                       locale=None if by_grantee else locale)
    db.session.commit()
