"""Which applications a resident's account may see and act on, and the access a person (or
whoever applies for them) gives a family member's account.

Seeing – one rule, used by every resident's status page (and proved by the IDOR tests):
- the applications the account made, for its holder or for someone else;
- the applications about the account holder themselves (Account.person_id);
- the applications about a person whose access was granted to the account and not revoked.
Anything else is "not found": the pages answer 404, so nobody learns that it exists.

Acting (withdrawing, answering a request for more information) is for the account that made
the application. A family member who was granted access sees; they do not act.

Granting: the person's own account, or an account that applied for the person as themselves,
as their guardian or as a family member, may let another resident's account – found by its
registered mobile number – see all of the person's applications, and may take that back.
(An agent or village staff member applies for one application and cannot hand out access.)
The family member may also give the access up themselves. Every grant and revocation is
written to the audit log and both sides are told by text message.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import AccessGrant, Account, Application, Person
from . import audit, notifications, references

GRANTING_RELATIONSHIPS = ("self", "guardian", "family")


class GrantError(Exception):
    """The grant was not made. `reason`: no_account, self, person_has_own, exists,
    not_allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ── seeing ────────────────────────────────────────────────────────────────────────────────

def _granted_people(account_id: int):
    return (select(AccessGrant.person_id)
            .where(AccessGrant.grantee_account_id == account_id,
                   AccessGrant.revoked_at.is_(None)))


def visible_to(account: Account | None) -> ColumnElement[bool]:
    """A WHERE clause: the applications `account` may see on the residents' pages."""
    if account is None or not getattr(account, "is_authenticated", False) or account.is_staff:
        return false()
    clauses = [Application.applicant_account_id == account.id,
               Application.person_id.in_(_granted_people(account.id))]
    if account.person_id is not None:
        clauses.append(Application.person_id == account.person_id)
    return or_(*clauses)


def find_visible(account: Account | None, reference: str) -> Application | None:
    """The application with this reference if `account` may see it; else None."""
    return db.session.scalar(select(Application).where(
        Application.reference == references.normalise(reference), visible_to(account)))


def can_view(account: Account | None, application: Application) -> bool:
    return db.session.scalar(select(Application.id).where(
        Application.id == application.id, visible_to(account))) is not None


def can_act(account: Account | None, application: Application) -> bool:
    """Withdrawing and answering requests are for the account that made the application."""
    return (account is not None and getattr(account, "is_authenticated", False)
            and not account.is_staff and application.applicant_account_id == account.id)


def is_granted(account: Account, application: Application) -> bool:
    return db.session.scalar(_granted_people(account.id).where(
        AccessGrant.person_id == application.person_id).limit(1)) is not None


@dataclass(frozen=True)
class Listed:
    """The account's applications, in three groups; in each, those waiting for more
    information first, then the newest first."""
    own: list[Application]          # about the account holder
    for_others: list[Application]   # made by the account for someone else
    granted: list[Application]      # shown because a family member granted access

    @property
    def empty(self) -> bool:
        return not (self.own or self.for_others or self.granted)


def applications_for(account: Account) -> Listed:
    found = list(db.session.scalars(
        select(Application).where(visible_to(account))
        .options(joinedload(Application.person))  # each row shows the person's name
        .order_by(Application.submitted_at.desc(), Application.id.desc())))
    # Those waiting for the applicant's answer first, then the newest first.
    found.sort(key=lambda application: application.status != "needs_info")
    own, for_others, granted = [], [], []
    for application in found:
        if application.person_id == account.person_id or (
                application.applicant_account_id == account.id
                and application.relationship_to_person == "self"):
            own.append(application)
        elif application.applicant_account_id == account.id:
            for_others.append(application)
        else:
            granted.append(application)
    return Listed(own, for_others, granted)


# ── granting ──────────────────────────────────────────────────────────────────────────────

def grantable_people(account: Account) -> list[Person]:
    """The people whose applications `account` may let a family member see."""
    if account is None or account.is_staff:
        return []
    people: dict[int, Person] = {}
    if account.person_id is not None and account.person is not None:
        people[account.person_id] = account.person
    rows = db.session.scalars(
        select(Person).join(Application, Application.person_id == Person.id)
        .where(Application.applicant_account_id == account.id,
               Application.relationship_to_person.in_(GRANTING_RELATIONSHIPS))
        .order_by(Application.id.desc()))
    for person in rows:
        people.setdefault(person.id, person)
    return list(people.values())


def may_grant_for(account: Account, person_id: int) -> bool:
    return any(person.id == person_id for person in grantable_people(account))


def _active_grant(person_id: int, grantee_id: int) -> AccessGrant | None:
    return db.session.scalar(select(AccessGrant).where(
        AccessGrant.person_id == person_id, AccessGrant.grantee_account_id == grantee_id,
        AccessGrant.revoked_at.is_(None)).limit(1))


def grant(granter: Account, person_id: int, phone: str, *,
          locale: str | None = None) -> AccessGrant:
    """Let the resident's account registered with `phone` (11 digits) see the applications of
    person `person_id`. Audited, both told by text message; commits. Raises GrantError."""
    if not may_grant_for(granter, person_id):
        raise GrantError("not_allowed")
    grantee = db.session.scalar(select(Account).where(Account.phone == phone))
    if grantee is None or grantee.is_staff or not grantee.active:
        raise GrantError("no_account")
    if grantee.id == granter.id:
        raise GrantError("self")
    if grantee.person_id == person_id:
        raise GrantError("person_has_own")
    if _active_grant(person_id, grantee.id) is not None:
        raise GrantError("exists")
    access = AccessGrant(person_id=person_id, grantee_account_id=grantee.id,
                         granted_by_account_id=granter.id)
    db.session.add(access)
    db.session.flush()
    audit.record(granter, "access.grant", "access_grant", access.id,
                 {"person": person_id, "grantee": grantee.id})
    notifications.queue_access_granted(access, granter, grantee, locale=locale)
    db.session.commit()
    return access


@dataclass(frozen=True)
class GrantRow:
    grant: AccessGrant
    person: Person
    other: Account      # given: the family member; received: who granted it


def grants_given(account: Account) -> list[GrantRow]:
    """Active grants for the people `account` may grant for (whoever made them)."""
    people = [person.id for person in grantable_people(account)]
    if not people:
        return []
    rows = db.session.execute(
        select(AccessGrant, Person, Account)
        .join(Person, Person.id == AccessGrant.person_id)
        .join(Account, Account.id == AccessGrant.grantee_account_id)
        .where(AccessGrant.person_id.in_(people), AccessGrant.revoked_at.is_(None))
        .order_by(AccessGrant.id)).all()
    return [GrantRow(*row) for row in rows]


def grants_received(account: Account) -> list[GrantRow]:
    rows = db.session.execute(
        select(AccessGrant, Person, Account)
        .join(Person, Person.id == AccessGrant.person_id)
        .join(Account, Account.id == AccessGrant.granted_by_account_id)
        .where(AccessGrant.grantee_account_id == account.id,
               AccessGrant.revoked_at.is_(None))
        .order_by(AccessGrant.id)).all()
    return [GrantRow(*row) for row in rows]


def revocable(account: Account, grant_id: int) -> AccessGrant | None:
    """The active grant if `account` may end it: someone who may grant for the person, or the
    family member who holds it. None otherwise (the page answers 404)."""
    access = db.session.get(AccessGrant, grant_id)
    if access is None or access.revoked_at is not None or account is None or account.is_staff:
        return None
    if access.grantee_account_id == account.id or may_grant_for(account, access.person_id):
        return access
    return None


def revoke(actor: Account, access: AccessGrant, *, locale: str | None = None) -> None:
    """End the grant. Audited, both sides told by text message; commits."""
    if access.revoked_at is not None:
        return
    access.revoked_at = datetime.now(timezone.utc)
    audit.record(actor, "access.revoke", "access_grant", access.id,
                 {"person": access.person_id, "grantee": access.grantee_account_id,
                  "by_grantee": actor.id == access.grantee_account_id})
    granter = db.session.get(Account, access.granted_by_account_id)
    grantee = db.session.get(Account, access.grantee_account_id)
    notifications.queue_access_revoked(access, granter, grantee,
                                       locale=locale if actor.id == granter.id else None)
    db.session.commit()
