"""Re-evaluation (动态监管): the rules run again on a recipient's facts, as of a day, after a
yearly review or a change of circumstances – and a row on the staff worklist when the person
may no longer qualify. Staff decide (dismiss it with a note, or suspend or end payment on the
recipient's page); the engine never stops a payment by itself (issue 18).

    reevaluate(recipient, *, on, cause, cause_id=None)  -> Reevaluation | None
    facts_as_of(recipient, on)                          -> the eligibility facts
    dismiss(row, note, actor)                           staff: checked, nothing to do

The facts as of `on`: what the application's answers say (portal.applications.casefile.
facts_for – the journey's own reading, with the age on `on`), updated with what was recorded
since, oldest first: every yearly review done by `on` (portal.benefits.reviews), then what the
recipient's recorded events state (portal.benefits.event_facts: an approved change of
circumstances records one). The 残疾人证 counts as held while its last valid day (a
renewal recorded on the recipient, a date a review recorded, else the answers') is not before
`on`.

The engine is called through its public contract only (portal.eligibility.evaluate, see
docs/eligibility.md). "May no longer qualify" is its `ineligible` for the recipient's
programme: some condition certainly fails. A `maybe` (a fact not known) is not a row – the
contract never makes anyone ineligible for a fact missing. The row keeps the failed
conditions' texts with their citations, in both languages, as the engine gave them.
Facts that contradict each other (FactError) make no row and are logged.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timezone

from sqlalchemy import select

from portal.accounts.models import Account
from portal.audit import log as audit
from portal.benefits import event_facts, lifecycle
from portal.benefits.access import can_see, scoped_street
from portal.benefits.models import Recipient, Reevaluation, Review
from portal.extensions import db

log = logging.getLogger(__name__)

ROLES = ("civil_affairs", "street_officer")
CAUSES = ("review", "change")


class ReevaluationError(Exception):
    """Nothing was changed. `problem`: not_allowed | state | note."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def facts_as_of(recipient: Recipient, on: date) -> dict:
    from portal.applications.casefile import facts_for
    from portal.eligibility import FACTS

    facts = facts_for(recipient.application, today=on)
    recorded = recorded_facts(recipient, on)
    recorded.update(event_facts.recorded(recipient, on))
    for name, value in recorded.items():
        if name in FACTS and value is not None:
            facts[name] = value
    valid_until = certificate_until(recipient, on)
    if valid_until is not None:
        facts["has_certificate"] = valid_until >= on
    return facts


def _done_reviews(recipient: Recipient, on: date | None = None) -> list[Review]:
    statement = select(Review).where(Review.recipient_id == recipient.id,
                                     Review.status == "done")
    if on is not None:
        statement = statement.where(Review.completed_on <= on)
    return list(db.session.scalars(statement.order_by(Review.completed_on, Review.id)))


def recorded_facts(recipient: Recipient, on: date) -> dict:
    """What the reviews done by `on` recorded as changed, the latest winning."""
    recorded: dict = {}
    for review in _done_reviews(recipient, on):
        recorded.update(review.changes or {})
    return recorded


def certificate_until(recipient: Recipient, on: date) -> date | None:
    """The certificate's last valid day as known on `on`: a renewal civil affairs recorded,
    else one a review recorded, else the application's answers."""
    if recipient.certificate_valid_until is not None:
        return recipient.certificate_valid_until
    recorded = recorded_facts(recipient, on).get("certificate_valid_until")
    if recorded:
        return date.fromisoformat(recorded)
    return lifecycle.certificate_valid_until(recipient)


def _text(value) -> dict:
    return {"zh": str(value), "en": getattr(value, "en", str(value))}


def outcome_for(recipient: Recipient, on: date, facts: dict | None = None):
    """The engine's outcome for the recipient's programme on `on` (its public contract), from
    `facts` or the recipient's facts as of `on`; None when the facts contradict each other."""
    from portal.eligibility import FactError, evaluate

    try:
        outcomes = evaluate(facts if facts is not None else facts_as_of(recipient, on), on=on)
    except FactError as error:
        log.warning("recipient %s not re-evaluated: %s", recipient.id, error)
        return None
    return next((o for o in outcomes if o.programme == recipient.programme), None)


def reevaluate(recipient: Recipient, *, on: date, cause: str,
               cause_id: int | None = None) -> Reevaluation | None:
    """Run the rules on the recipient's facts as of `on`; when they say the person may no
    longer qualify, add a worklist row (in the caller's transaction, flushed, not committed)
    and return it – the same open row when this cause already made one. Never changes the
    recipient."""
    if cause not in CAUSES:
        raise ValueError(f"unknown cause {cause!r}")
    outcome = outcome_for(recipient, on)
    if outcome is None or outcome.result != "ineligible":
        return None
    existing = db.session.scalar(select(Reevaluation).where(
        Reevaluation.recipient_id == recipient.id, Reevaluation.status == "open",
        Reevaluation.cause == cause, Reevaluation.cause_id == cause_id
        if cause_id is not None else Reevaluation.cause_id.is_(None)))
    if existing is not None:
        return existing
    return add_row(recipient, outcome, on=on, cause=cause, cause_id=cause_id)


def add_row(recipient: Recipient, outcome, *, on: date, cause: str,
            cause_id: int | None) -> Reevaluation:
    """The worklist row of an outcome (flushed and audited, not committed)."""
    row = Reevaluation(
        recipient_id=recipient.id, as_of=on, cause=cause, cause_id=cause_id,
        result=outcome.result, status="open", created_at=datetime.now(timezone.utc),
        reasons=[{"text": _text(reason.text), "citation": _text(reason.citation)}
                 for reason in outcome.reasons if reason.passed is False])
    db.session.add(row)
    db.session.flush()
    audit.record(None, "benefit.reevaluate", "recipient", str(recipient.id),
                 {"reevaluation": row.id, "cause": cause, "cause_id": cause_id,
                  "on": on.isoformat()})
    return row


# ── the worklist ──────────────────────────────────────────────────────────────────────────

def may_see(actor: Account, row: Reevaluation) -> bool:
    """Civil affairs see every row; a street officer their street's."""
    return can_see(actor, row.recipient)


def find(actor: Account, row_id: int) -> Reevaluation | None:
    row = db.session.get(Reevaluation, row_id)
    return row if row is not None and may_see(actor, row) else None


def worklist(actor: Account, *, street: str | None = None, status: str = "open",
             limit: int = 200) -> list[Reevaluation]:
    from sqlalchemy.orm import selectinload

    statement = (select(Reevaluation).join(Recipient, Recipient.id == Reevaluation.recipient_id)
                 .where(Reevaluation.status == status)
                 .options(selectinload(Reevaluation.recipient).selectinload(Recipient.person),
                          selectinload(Reevaluation.recipient)
                          .selectinload(Recipient.application))
                 .order_by(Reevaluation.id).limit(limit))
    if actor.role not in ROLES:
        return []
    street = scoped_street(actor, street)
    if street:
        statement = statement.where(Recipient.street == street)
    return list(db.session.scalars(statement))


def dismiss(row: Reevaluation, note: str, actor: Account) -> None:
    """Checked: the person still qualifies (or it is handled elsewhere). Committed."""
    if actor.role not in ROLES or not may_see(actor, row):
        raise ReevaluationError("not_allowed")
    if row.status != "open":
        raise ReevaluationError("state")
    if not (note or "").strip():
        raise ReevaluationError("note")
    row.status, row.note = "dismissed", note.strip()
    row.decided_by_account_id, row.decided_at = actor.id, datetime.now(timezone.utc)
    db.session.flush()
    audit.record(actor, "reevaluation.dismiss", "recipient", str(row.recipient_id),
                 {"reevaluation": row.id})
    db.session.commit()
