"""Change requests (变更申报): drafted, submitted and read by residents; worked by staff.

Residents reach a recipient only through its application, found by the status pages' one rule
(portal.accounts.access_grants: the applicant, the person or their guardian, a granted family
member); a draft only by the account that started it. Staff see the requests of the recipients
of their own street (street officer) or all of them (civil affairs); what they may not see is
"not found" (404). Every staff view is audited; deciding applies the kind's effect through
portal.benefits.lifecycle (portal.changes.kinds).

    save_draft(account, recipient, kind, answers, draft)   the kind's page, kept server-side
    submit(draft, account)                                 reference, text, worklist
    decide(request, actor, outcome | None, reason, version) approve (the effect) or refuse
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import false, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.exceptions import NotFound

from portal.accounts.models import Account
from portal.applications import references, working_days
from portal.audit import log as audit
from portal.benefits import lifecycle, reevaluation
from portal.benefits.models import Recipient
from portal.changes.kinds import CARD_FIELDS, DATE, FIELD_TYPES, KINDS, Kind
from portal.changes.models import ChangeRequest
from portal.extensions import db
from portal.messages import notifications
from portal.people import crypto

PREFIX = "BG"           # 变更: its own prefix beside the applications' HY
PAGE_SIZE = 50
MAX_REASON = 500


class ChangeError(Exception):
    """Nothing was changed. `problem`: state | stale | not_allowed | outcome | reason |
    lifecycle (then `lifecycle_error` says which)."""

    def __init__(self, problem: str, lifecycle_error: lifecycle.LifecycleError | None = None):
        super().__init__(problem)
        self.problem = problem
        self.lifecycle_error = lifecycle_error


def _now() -> datetime:
    return datetime.now(timezone.utc)


def kind_of(request: ChangeRequest) -> Kind:
    return KINDS[request.kind]


def reported_on(request: ChangeRequest) -> date | None:
    """The day the change happened (the kind's date question)."""
    names = [n for n in kind_of(request).fields if FIELD_TYPES[n] == DATE]
    value = (request.details or {}).get(names[-1]) if names else None
    return date.fromisoformat(value) if value else None


# ── residents ─────────────────────────────────────────────────────────────────────────────

def reportable(recipient: Recipient | None) -> bool:
    """A change may be reported while the benefit is paid or suspended (在册)."""
    return recipient is not None and recipient.status != "ended"


def stored_details(kind: Kind, answers: dict) -> dict:
    """The answers as a request keeps them: dates as ISO text, a card number sealed."""
    details = {}
    for name in kind.fields:
        value = answers.get(name)
        details[name] = value.isoformat() if isinstance(value, date) else value
    if kind.fields == CARD_FIELDS:
        details["card_number"] = crypto.encrypt(details["card_number"])
        details = crypto.seal_payment(details)
    return details


def save_draft(account: Account, recipient: Recipient, kind: Kind, answers: dict,
               draft: ChangeRequest | None = None) -> ChangeRequest:
    """The answers of the kind's page, kept as a draft of `account` (nothing sent); commits."""
    if draft is None:
        draft = ChangeRequest(kind=kind.code, recipient_id=recipient.id, account_id=account.id,
                              status="draft", created_at=_now())
        db.session.add(draft)
    draft.details = stored_details(kind, answers)
    db.session.commit()
    return draft


def draft_of(account: Account, recipient: Recipient, draft_id: int) -> ChangeRequest | None:
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.id == draft_id, ChangeRequest.account_id == account.id,
        ChangeRequest.recipient_id == recipient.id, ChangeRequest.status == "draft"))


def sent_from_draft(account: Account, recipient: Recipient,
                    draft_id: int) -> ChangeRequest | None:
    """The request the account's draft became (a second click on "submit" finds it)."""
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.id == draft_id, ChangeRequest.account_id == account.id,
        ChangeRequest.recipient_id == recipient.id, ChangeRequest.status != "draft"))


def submit(draft: ChangeRequest, account: Account) -> ChangeRequest:
    """Send the draft: its reference (BG-2026-…), the worklist of the street, a text; commits."""
    if draft.status != "draft" or not reportable(draft.recipient):
        raise ChangeError("state")
    for _attempt in range(5):
        draft.reference = references.new_reference(
            working_days.local_date(_now()), prefix=PREFIX)
        draft.status, draft.submitted_at = "submitted", _now()
        try:
            with db.session.begin_nested():
                db.session.flush()
            break
        except IntegrityError:     # the same reference drawn twice: draw again
            continue
    audit.record(account, "change.submit", "change_request", draft.reference,
                 {"kind": draft.kind, "recipient": draft.recipient_id})
    notifications.queue_benefit_text(draft.recipient.application, "change_submitted",
                                     change_ref=draft.reference)
    db.session.commit()
    return draft


def of_recipient(recipient: Recipient) -> list[ChangeRequest]:
    """The recipient's submitted requests, newest first (drafts are nobody else's business)."""
    return list(db.session.scalars(
        select(ChangeRequest).where(ChangeRequest.recipient_id == recipient.id,
                                    ChangeRequest.status != "draft")
        .order_by(ChangeRequest.submitted_at.desc(), ChangeRequest.id.desc())))


def find_of_recipient(recipient: Recipient, reference: str) -> ChangeRequest | None:
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.recipient_id == recipient.id, ChangeRequest.status != "draft",
        ChangeRequest.reference == references.normalise(reference)))


# ── staff ─────────────────────────────────────────────────────────────────────────────────

STAFF_ROLES = ("street_officer", "civil_affairs")


def visible(actor: Account) -> ColumnElement[bool]:
    """A WHERE clause (over Recipient): the recipients whose requests `actor` may see – a
    street officer's own street (the recipient's street now), civil affairs all."""
    role = getattr(actor, "role", None)
    if role == "street_officer":
        return Recipient.street == actor.street if actor.street else false()
    if role == "civil_affairs":
        return true()
    return false()


def may_decide(actor: Account, request: ChangeRequest) -> bool:
    return request.status == "submitted" and \
        getattr(actor, "role", None) in kind_of(request).deciders


def worklist(actor: Account, open_only: bool = True, after: int = 0,
             limit: int = PAGE_SIZE) -> list[ChangeRequest]:
    """A page of the requests `actor` may see: waiting ones (oldest first) or all."""
    query = (select(ChangeRequest).join(Recipient, Recipient.id == ChangeRequest.recipient_id)
             .where(visible(actor), ChangeRequest.status != "draft", ChangeRequest.id > after)
             .options(selectinload(ChangeRequest.recipient).selectinload(Recipient.person))
             .order_by(ChangeRequest.id).limit(limit))
    if open_only:
        query = query.where(ChangeRequest.status == "submitted")
    found = list(db.session.scalars(query))
    audit.record(actor, "change.list", "change_request", None,
                 {"open_only": open_only, "after": after, "rows": len(found)})
    db.session.commit()
    return found


def open_request(actor: Account, reference: str) -> ChangeRequest:
    """The request if `actor` may see it, its viewing recorded (committed); else 404."""
    found = db.session.scalar(
        select(ChangeRequest).join(Recipient, Recipient.id == ChangeRequest.recipient_id)
        .where(ChangeRequest.reference == references.normalise(reference),
               ChangeRequest.status != "draft", visible(actor)))
    if found is None:
        raise NotFound()
    audit.record(actor, "change.view", "change_request", found.reference,
                 {"status": found.status})
    db.session.commit()
    return found


@dataclass(frozen=True)
class Decided:
    request: ChangeRequest
    effect: dict


def decide(request: ChangeRequest, actor: Account, outcome: str | None, reason: str | None,
           expected_version: int | None = None) -> Decided:
    """Approve with `outcome` (the kind's; its effect applied through lifecycle) or, with
    `outcome` None, refuse for `reason` (told to the resident). Audited, texted; commits."""
    if expected_version is not None and expected_version != request.version:
        raise ChangeError("stale")
    if request.status != "submitted":
        raise ChangeError("state")
    if not may_decide(actor, request):
        raise ChangeError("not_allowed")
    kind = kind_of(request)
    chosen = kind.outcome(outcome) if outcome else None
    if outcome and chosen is None:
        raise ChangeError("outcome")
    reason = (reason or "").strip()
    if chosen is None and not reason:
        raise ChangeError("reason")
    request.decided_at, request.decided_by_account_id = _now(), actor.id
    recipient = request.recipient
    if chosen is None:
        request.status, request.refusal_reason = "refused", reason[:MAX_REASON]
        audit.record(actor, "change.refuse", "change_request", request.reference,
                     {"kind": request.kind})
        notifications.queue_benefit_text(recipient.application, "change_refused",
                                         change_ref=request.reference)
        db.session.commit()
        return Decided(request, {})
    request.status, request.outcome = "approved", chosen.code
    audit.record(actor, "change.approve", "change_request", request.reference,
                 {"kind": request.kind, "outcome": chosen.code})
    notifications.queue_benefit_text(recipient.application, "change_approved",
                                     change_ref=request.reference)
    try:
        effect = chosen.effect(recipient, request.details, actor)   # commits with the request
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        raise ChangeError("lifecycle", error) from None
    request.effect = effect
    db.session.commit()
    # Does the person still qualify, with what the change recorded? A worklist row for staff
    # if not – never a stop by itself (portal.benefits.reevaluation).
    reevaluation.reevaluate(db.session.get(Recipient, recipient.id),
                            on=reported_on(request) or working_days.local_date(_now()),
                            cause="change", cause_id=request.id)
    db.session.commit()
    return Decided(request, effect)
