"""A recipient's life after enrolment (动态监管): suspend, resume, end; the 残疾人证's validity.

    suspend(recipient, reason, since_month, actor)        paying → suspended from since_month
    resume(recipient, from_month, back_pay, actor)        suspended → paying from from_month
    end(recipient, reason, last_month, actor)             paying/suspended → ended after last_month
    record_certificate(recipient, valid_until, actor)     a renewed certificate (resumes a
                                                          recipient suspended for its lapse)
    certificate_check(today)                              the daily job: reminders, lapses
    end_after(recipient, reason, last_month, actor)       end, not before what the bank has
    change_card / move_street / record                    a change of circumstances applied
                                                          (portal.changes)

Each change is one transaction (committed here): a RecipientEvent, an audit row and a text to
the numbers that get the application's status texts (portal.messages.notifications) – and it
shows in the next roll (portal.benefits.rolls): months from a suspension's or an end's stop
month are not paid; a resumption with back pay lets the months in between come back as back
months (补发), one without back pay records them as an unpaid period (never paid). Draft rolls
of the programme are then built again so that no draft pays what was just stopped.

Reasons are data (portal.labels.SUSPEND_REASONS, END_REASONS). Civil affairs (who confirm the
rolls) change a recipient; the street officer of the recipient's street only as ALLOWED says
(what a change of circumstances reports); the scheduler (actor None) suspends for a lapsed
certificate.
Sources: recipients are reviewed yearly (动态管理) and the 残疾人证 is valid 10 years –
program-facts.md (两项补贴 Workflow; Identity data, 《残疾人证管理办法》); suspension from the
next roll and resumption paying the months in between "when the rules say so" – issue 18.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, exists, or_, select

from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import working_days
from portal.audit import log as audit
from portal.benefits import rates as rate_data
from portal.benefits.models import (
    PaymentMonth,
    PaymentRoll,
    Recipient,
    RecipientEvent,
    UnpaidPeriod,
)
from portal.benefits.recipients import parse_valid_until
from portal.extensions import db
from portal.labels import STAFF_END_REASONS, SUSPEND_REASONS
from portal.messages import notifications

log = logging.getLogger(__name__)

# Who may change a recipient: per role, the operations and, where limited, the reasons (None:
# any). Civil affairs confirm the rolls and decide (county 民政 decides, program-facts.md,
# 两项补贴 Workflow): every operation. The street officer of the recipient's own street – the
# 乡镇（街道） of the 户籍, who accepts and checks (初审, the same Workflow) – verifies what a
# change of circumstances reports (portal.changes.kinds) and applies it: a new card, a new
# street, a stay in hospital or a care home (suspend and resume for it), a death or a move out
# of the district (an end for those reasons only). Eligibility (低保, work) stays civil
# affairs' decision: the street officer only records those facts.
ALLOWED = {
    "civil_affairs": None,
    "street_officer": {"suspend": ("hospital_stay",), "resume": ("hospital_stay",),
                       "end": ("death", "moved_away"), "card": None, "street": None,
                       "record": None},
}
REMINDER_DAYS = (60, 30)       # before the certificate's last valid day (issue 18)


class LifecycleError(Exception):
    """Nothing was changed. `problem`: not_allowed | state | reason | before_start |
    already_paid | before_suspension | not_valid | street."""

    def __init__(self, problem: str, month: date | None = None):
        super().__init__(problem)
        self.problem = problem
        self.month = month    # already_paid: the first month that may still be stopped


def _now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return working_days.local_date(_now())


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def may(actor: Account | None, operation: str, recipient: Recipient,
        reason: str | None = None) -> bool:
    """Whether `actor` may do `operation` (for `reason`) to `recipient` (ALLOWED); the
    scheduler (None) may."""
    if actor is None:
        return True
    role = getattr(actor, "role", None)
    if role not in ALLOWED:
        return False
    operations = ALLOWED[role]
    if operations is None:
        return True
    if role == "street_officer" and (not actor.street or actor.street != recipient.street):
        return False
    if operation not in operations:
        return False
    reasons = operations[operation]
    return reasons is None or reason in reasons


def _check_actor(actor: Account | None, operation: str, recipient: Recipient,
                 reason: str | None = None) -> None:
    if not may(actor, operation, recipient, reason):
        raise LifecycleError("not_allowed")


def find(recipient_id: int) -> Recipient | None:
    return db.session.get(Recipient, recipient_id)


def recipients_page(after: int = 0, limit: int = 200, *where) -> list[Recipient]:
    """A page of recipients (keyset on id); `where`: more conditions
    (portal.benefits.access.recipients_visible)."""
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        select(Recipient).where(Recipient.id > after, *where)
        .options(selectinload(Recipient.person), selectinload(Recipient.application))
        .order_by(Recipient.id).limit(limit)))


def first_unpaid_month(recipient: Recipient) -> date:
    """The first month after every month of the recipient on a confirmed or locked roll and
    not failed: payment can be stopped from there on, not before (what went to the bank went)."""
    last = db.session.scalar(
        select(PaymentMonth.month)
        .join(PaymentRoll, PaymentRoll.id == PaymentMonth.roll_id)
        .where(PaymentMonth.recipient_id == recipient.id, PaymentMonth.state != "failed",
               PaymentRoll.status != "draft")
        .order_by(PaymentMonth.month.desc()).limit(1))
    return max(recipient.start_month,
               rate_data.next_month(last) if last is not None else recipient.start_month)


def _event(recipient: Recipient, kind: str, to_status: str | None, reason: str | None,
           effective: date, actor: Account | None, details: dict | None = None) -> None:
    db.session.add(RecipientEvent(
        recipient=recipient, kind=kind, from_status=recipient.status, to_status=to_status,
        reason=reason, effective=effective, actor_account_id=actor.id if actor else None,
        details=details, created_at=_now()))


def _commit_and_rebuild(recipient: Recipient, actor: Account | None,
                        rebuild: bool = True) -> None:
    programme = recipient.programme
    db.session.commit()
    if rebuild:
        rebuild_drafts(programme, actor)


def rebuild_drafts(programme: str, actor: Account | None) -> None:
    """Build every draft roll of `programme` again (a change must not leave a stale draft)."""
    from portal.benefits import rolls

    for month in db.session.scalars(select(PaymentRoll.month).where(
            PaymentRoll.programme == programme, PaymentRoll.status == "draft")).all():
        try:
            rolls.build(programme, month, actor)
        except (rolls.RollBusy, rolls.RollNotDraft):
            log.warning("draft roll %s %s not built again", programme, month)


def suspend(recipient: Recipient, reason: str, since_month: date, actor: Account | None,
            *, rebuild: bool = True) -> None:
    _check_actor(actor, "suspend", recipient, reason)
    since_month = rate_data.first_of_month(since_month)
    if recipient.status != "paying":
        raise LifecycleError("state")
    if reason not in SUSPEND_REASONS:
        raise LifecycleError("reason")
    if since_month < recipient.start_month:
        raise LifecycleError("before_start", recipient.start_month)
    first = first_unpaid_month(recipient)
    if since_month < first:
        raise LifecycleError("already_paid", first)
    _event(recipient, "suspended", "suspended", reason, since_month, actor)
    recipient.status, recipient.status_reason = "suspended", reason
    recipient.status_since, recipient.stop_month = since_month, since_month
    db.session.flush()
    audit.record(actor, "benefit.suspend", "recipient", str(recipient.id),
                 {"reason": reason, "since_month": since_month.isoformat()[:7]})
    # What the person must act on is said: a lapsed certificate, a missed yearly review.
    key = {"certificate_lapsed": "suspended_certificate",
           "review_missed": "suspended_review"}.get(reason, "suspended")
    notifications.queue_benefit_text(recipient.application, key, month=since_month)
    _commit_and_rebuild(recipient, actor, rebuild)


def resume(recipient: Recipient, from_month: date, back_pay: bool, actor: Account | None,
           *, rebuild: bool = True) -> None:
    _check_actor(actor, "resume", recipient, recipient.status_reason)
    from_month = rate_data.first_of_month(from_month)
    if recipient.status != "suspended" or recipient.stop_month is None:
        raise LifecycleError("state")
    stopped = recipient.stop_month
    if from_month < stopped:
        raise LifecycleError("before_suspension", stopped)
    unpaid = None
    if not back_pay and from_month > stopped:
        unpaid = (stopped, previous_month(from_month))
        db.session.add(UnpaidPeriod(recipient_id=recipient.id, first_month=unpaid[0],
                                    last_month=unpaid[1], created_at=_now()))
    _event(recipient, "resumed", "paying", recipient.status_reason, from_month, actor,
           {"back_pay": back_pay, "suspended_from": stopped.isoformat()[:7]})
    recipient.status, recipient.status_reason = "paying", None
    recipient.status_since, recipient.stop_month = from_month, None
    db.session.flush()
    audit.record(actor, "benefit.resume", "recipient", str(recipient.id),
                 {"from_month": from_month.isoformat()[:7], "back_pay": back_pay,
                  "unpaid": [m.isoformat()[:7] for m in unpaid] if unpaid else None})
    notifications.queue_benefit_text(recipient.application,
                                     "resumed_back_pay" if back_pay and from_month > stopped
                                     else "resumed", month=from_month)
    _commit_and_rebuild(recipient, actor, rebuild)


def end(recipient: Recipient, reason: str, last_month: date, actor: Account | None,
        *, rebuild: bool = True, details: dict | None = None) -> None:
    """Nothing is paid after `last_month` (a death reported: the month of death is the last)."""
    _check_actor(actor, "end", recipient, reason)
    last_month = rate_data.first_of_month(last_month)
    if recipient.status not in ("paying", "suspended"):
        raise LifecycleError("state")
    if reason not in STAFF_END_REASONS:
        raise LifecycleError("reason")
    stop = rate_data.next_month(last_month)
    if stop < recipient.start_month:
        raise LifecycleError("before_start", recipient.start_month)
    first = first_unpaid_month(recipient)
    if stop < first:
        raise LifecycleError("already_paid", previous_month(first))
    _event(recipient, "ended", "ended", reason, last_month, actor, details)
    if recipient.stop_month is not None:      # suspended: nothing after the suspension either
        stop = min(stop, recipient.stop_month)
    recipient.status, recipient.status_reason = "ended", reason
    recipient.status_since, recipient.stop_month = last_month, stop
    db.session.flush()
    audit.record(actor, "benefit.end", "recipient", str(recipient.id),
                 {"reason": reason, "last_month": last_month.isoformat()[:7]})
    notifications.queue_benefit_text(recipient.application, "ended",
                                     month=previous_month(stop))
    _commit_and_rebuild(recipient, actor, rebuild)


def months_paid_from(recipient: Recipient, month: date) -> list[date]:
    """The recipient's months from `month` on that went to the bank (on a confirmed or locked
    roll, not failed): after a death or a move away, what was paid for months not due – shown
    to staff to recover by hand, never taken back silently."""
    return list(db.session.scalars(
        select(PaymentMonth.month)
        .join(PaymentRoll, PaymentRoll.id == PaymentMonth.roll_id)
        .where(PaymentMonth.recipient_id == recipient.id, PaymentMonth.state != "failed",
               PaymentRoll.status != "draft", PaymentMonth.month >= month)
        .order_by(PaymentMonth.month)))


def end_after(recipient: Recipient, reason: str, last_month: date, actor: Account | None,
              details: dict | None = None) -> list[date]:
    """End payment after `last_month` (a death: its month; a move away: the month moved) – or,
    where later months already went to the bank, after the last of them. Returns the months
    paid after `last_month` (staff see them; nothing is clawed back here)."""
    last_month = rate_data.first_of_month(last_month)
    paid_after = months_paid_from(recipient, rate_data.next_month(last_month))
    last = max(last_month, previous_month(first_unpaid_month(recipient)))
    end(recipient, reason, last, actor, details={
        **(details or {}), "paid_after": [m.isoformat()[:7] for m in paid_after]})
    return paid_after


# ── changes of circumstances (portal.changes) ─────────────────────────────────────────────

def change_card(recipient: Recipient, payment: dict, actor: Account | None,
                on: date | None = None) -> date:
    """The account paid from now on: `payment` as the application's answers keep it (sealed:
    method, bank_name, account_holder, card_number encrypted, card_hash, card_last4). The old
    card stays in the history by its last four only. Every roll built from now on – the next
    month not yet sent to the bank – pays the new card. Returns that month."""
    _check_actor(actor, "card", recipient)
    if recipient.status == "ended":
        raise LifecycleError("state")
    from_month = first_unpaid_month(recipient)
    _event(recipient, "card_changed", recipient.status, None, from_month, actor, {
        "old": {"method": recipient.card_method, "bank_name": recipient.card_bank_name,
                "last4": recipient.card_last4},
        "new": {"method": payment.get("method"), "bank_name": payment.get("bank_name"),
                "last4": payment.get("card_last4")}})
    recipient.card_method = payment.get("method")
    recipient.card_bank_name = payment.get("bank_name")
    recipient.card_holder = payment.get("account_holder")
    recipient.card_number_encrypted = payment.get("card_number")
    recipient.card_hash = payment.get("card_hash")
    recipient.card_last4 = payment.get("card_last4")
    db.session.flush()
    audit.record(actor, "benefit.card", "recipient", str(recipient.id),
                 {"from_month": from_month.isoformat()[:7]})
    _commit_and_rebuild(recipient, actor)
    return from_month


def move_street(recipient: Recipient, street: str, on: date, actor: Account | None) -> None:
    """The recipient moved within the district: their case belongs to `street` from now on
    (its officer's worklists), and so does the person (a new application starts from it).
    Lines already on a roll keep the street they were paid in."""
    _check_actor(actor, "street", recipient)
    if recipient.status == "ended":
        raise LifecycleError("state")
    if street == recipient.street:
        raise LifecycleError("street")
    _event(recipient, "street_changed", recipient.status, None, on, actor,
           {"from": recipient.street, "to": street})
    audit.record(actor, "benefit.street", "recipient", str(recipient.id),
                 {"from": recipient.street, "to": street})
    recipient.street = street
    recipient.person.street = street
    db.session.flush()
    _commit_and_rebuild(recipient, actor)


def record(recipient: Recipient, kind: str, on: date, actor: Account | None,
           details: dict | None = None) -> None:
    """A fact that matters for eligibility, recorded in the recipient's history (低保 entered
    or left, work started, a stay in hospital or a care home) – payment is not changed here:
    staff decide."""
    _check_actor(actor, "record", recipient)
    _event(recipient, kind, recipient.status, None, on, actor, details)
    db.session.flush()
    audit.record(actor, "benefit.record", "recipient", str(recipient.id), {"kind": kind})
    db.session.commit()


# ── the 残疾人证 ─────────────────────────────────────────────────────────────────────────

def certificate_valid_until(recipient: Recipient) -> date | None:
    """The certificate's last valid day: a renewal recorded, else the application's answers."""
    if recipient.certificate_valid_until is not None:
        return recipient.certificate_valid_until
    return parse_valid_until(stored.read(recipient.application).certificate.valid_until)


def record_certificate(recipient: Recipient, valid_until: date, actor: Account | None,
                       on: date | None = None) -> bool:
    """A renewed certificate valid until `valid_until`; resumes (with back pay) a recipient
    suspended because the old one lapsed. Returns whether it resumed."""
    _check_actor(actor, "renewal", recipient)
    on = on or today()
    if valid_until < on:
        raise LifecycleError("not_valid")
    if recipient.status == "ended":
        raise LifecycleError("state")
    _event(recipient, "certificate_renewed", recipient.status, None, on, actor,
           {"valid_until": valid_until.isoformat()})
    recipient.certificate_valid_until = valid_until
    db.session.flush()
    audit.record(actor, "benefit.certificate", "recipient", str(recipient.id),
                 {"valid_until": valid_until.isoformat()})
    if recipient.status == "suspended" and recipient.status_reason == "certificate_lapsed":
        resume(recipient, max(rate_data.first_of_month(on), recipient.stop_month), True, actor)
        return True
    db.session.commit()
    return False


@dataclass
class CheckReport:
    reminded: int = 0
    suspended: int = 0


def _reminded(recipient: Recipient, days: int, valid_until: date) -> bool:
    return db.session.scalar(select(exists().where(and_(
        RecipientEvent.recipient_id == recipient.id,
        RecipientEvent.kind == f"reminder_{days}",
        RecipientEvent.effective == valid_until)))) or False


def certificate_check(on: date | None = None) -> CheckReport:
    """The daily job: text paying recipients 60 and 30 days before their certificate's last
    valid day (each once per certificate: an event records it), and suspend from next month
    those whose certificate has lapsed with no renewal recorded."""
    on = on or today()
    report = CheckReport()
    touched: set[str] = set()
    # Only those whose certificate ends within the reminders' reach, or is not read yet from
    # the answers (a recipient enrolled before the date was kept on the recipient).
    horizon = on + timedelta(days=max(REMINDER_DAYS))
    ids = db.session.scalars(select(Recipient.id).where(
        Recipient.status == "paying",
        or_(Recipient.certificate_valid_until.is_(None),
            Recipient.certificate_valid_until <= horizon)).order_by(Recipient.id)).all()
    for recipient_id in ids:
        recipient = db.session.get(Recipient, recipient_id)
        if recipient.certificate_valid_until is None:
            valid_until = certificate_valid_until(recipient)
            if valid_until is None:
                continue
            recipient.certificate_valid_until = valid_until
        valid_until = recipient.certificate_valid_until
        if valid_until < on:
            try:
                suspend(recipient, "certificate_lapsed", rate_data.next_month(on), None,
                        rebuild=False)
            except LifecycleError as error:
                log.warning("recipient %s not suspended: %s", recipient.id, error.problem)
                db.session.rollback()
                continue
            touched.add(recipient.programme)
            report.suspended += 1
            continue
        left = (valid_until - on).days
        due = [d for d in sorted(REMINDER_DAYS) if left <= d]
        if due and not _reminded(recipient, due[0], valid_until):
            _event(recipient, f"reminder_{due[0]}", None, None, valid_until, None,
                   {"days": left})
            audit.record(None, "benefit.certificate_reminder", "recipient", str(recipient.id),
                         {"days": due[0], "valid_until": valid_until.isoformat()})
            notifications.queue_benefit_text(recipient.application, "certificate_reminder",
                                             date=valid_until)
            report.reminded += 1
        db.session.commit()
    for programme in sorted(touched):
        rebuild_drafts(programme, None)
    return report
