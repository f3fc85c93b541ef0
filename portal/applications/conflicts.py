"""Staff who are too close to an application may not decide on it: another officer must.

The rule itself – which applications a member of staff may not act on – is
conflict_of(); this module keeps the rule and what it reads:

- the applications a staff account submitted itself (Application.applicant_account_id: staff
  can use the resident journey like anyone, e.g. for their own family);
- the person they applied for "for myself" (as a resident would: relationship "self");
- people they are related to: anyone they filed an application for, and anyone they declared
  (StaffConflict, recorded by an admin with `flask declare-conflict`, by the relative's ID
  number – kept only as its keyed hash and encrypted).
"""
from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import literal, select, union

from portal.accounts.models import CONFLICT_RELATIONS, Account, StaffConflict
from portal.applications.models import Application
from portal.extensions import db
from portal.people import crypto, identity
from portal.people.models import Person

# Within one web request, each actor's related people are read once (a case page asks several
# times: its actions, each possible duplicate). portal/web/request_context.py gives every
# request its own dict; elsewhere (commands, background work) nothing is kept.
RELATED_MEMO: ContextVar[dict[int, dict[int, str]] | None] = ContextVar("related_memo",
                                                                        default=None)


def related_person_ids(actor: Account) -> dict[int, str]:
    """person id → why (self | family) for the people `actor` may not decide about. One
    statement, whatever the number of applications (the queue marks a whole page with it),
    read once per web request (RELATED_MEMO)."""
    memo = RELATED_MEMO.get()
    if memo is not None and actor.id in memo:
        return memo[actor.id]
    filed_for = select(Application.person_id.label("person_id"),
                       Application.relationship_to_person.label("relationship")).where(
        Application.applicant_account_id == actor.id)
    declared = select(Person.id.label("person_id"), literal("family").label("relationship")
                      ).join(StaffConflict, StaffConflict.id_number_hash == Person.id_number_hash
                             ).where(StaffConflict.account_id == actor.id)
    related: dict[int, str] = {}
    for person_id, relationship in db.session.execute(union(filed_for, declared)):
        if relationship == "self" or related.get(person_id) != "self":
            related[person_id] = "self" if relationship == "self" else "family"
    if memo is not None:
        memo[actor.id] = related
    return related


def conflict_of(actor: Account, application: Application,
                related: dict[int, str] | None = None) -> str | None:
    """Why staff member `actor` may not act on `application`, or None: "submitted" (their own
    account filed it), "self" (it is about the person linked to their account) or "family" (a
    person they filed an application for, or declared as a relative). `related`:
    related_person_ids(actor), when already read (a queue page)."""
    if actor is None or not actor.is_staff:
        return None
    if application.applicant_account_id == actor.id:
        return "submitted"
    if related is None:
        related = related_person_ids(actor)
    return related.get(application.person_id)


def declare(staff: Account, id_number: str, relation: str,
            recorded_by: Account | None = None) -> StaffConflict:
    """Record that `staff` is related to the person with `id_number`. Commits."""
    if not staff.is_staff:
        raise ValueError("only staff declare conflicts")
    if relation not in CONFLICT_RELATIONS:
        raise ValueError(f"relation must be one of {', '.join(CONFLICT_RELATIONS)}")
    number = identity.parse_id_number(id_number).value
    digest = identity.lookup_hash(number)
    record = db.session.scalar(select(StaffConflict).where(
        StaffConflict.account_id == staff.id, StaffConflict.id_number_hash == digest))
    if record is None:
        record = StaffConflict(account_id=staff.id, id_number_hash=digest,
                               id_number_encrypted=crypto.encrypt(number), relation=relation,
                               recorded_by_account_id=recorded_by.id if recorded_by else None)
        db.session.add(record)
    else:
        record.relation = relation
    if (memo := RELATED_MEMO.get()) is not None:
        memo.pop(staff.id, None)
    from portal.audit import log as audit

    audit.record(recorded_by, "conflict.declare", "account", str(staff.id),
                 {"relation": relation})
    db.session.commit()
    return record


def of_staff(staff: Account) -> list[StaffConflict]:
    return list(db.session.scalars(select(StaffConflict).where(
        StaffConflict.account_id == staff.id).order_by(StaffConflict.id)))
