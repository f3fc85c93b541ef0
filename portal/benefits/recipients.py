"""The recipient record (在册): made when an application's payment starts.

`enrol(application, actor, now)` is called by portal.applications.status_changes.apply_action –
the one place a status changes – when the action `start_payment` moves an application of a
programme that pays monthly cash (a `rates` section in its file) to `paying`, in that action's
transaction. It records:

- the band and the monthly amount the approval recorded (portal.applications.decisions: the
  approval of a programme that pays money records the rate, the amount and its source, and the
  first month);
- the first month paid: the approval's first month, which the rules keep at or after the month
  of application (program-facts.md, 两项补贴, Workflow: "counted from the month of
  application"); the month of application when the approval recorded none. Months between it and
  the roll's month come back on the next roll as back months (补发);
- the bank or 社保卡 account from the application's typed answers, still encrypted;
- the street, the status `paying`, and an event in the recipient's history (audited).

择高: when the person is already paid an allowance that a programme file names as similar
(`rates.higher_of`), only the higher is kept (portal.benefits.rates.higher_taken).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import decisions, working_days
from portal.applications.models import Application, StatusEvent
from portal.audit import log as audit
from portal.benefits import rates as rate_data
from portal.benefits.models import Recipient, RecipientEvent
from portal.extensions import db


class NoAmount(Exception):
    """The recipient's monthly amount cannot be found (no approval amount, no known rate)."""


def _approval(application: Application) -> dict | None:
    details = db.session.scalar(
        select(StatusEvent.details)
        .where(StatusEvent.application_id == application.id,
               StatusEvent.to_status == "approved")
        .order_by(StatusEvent.id.desc()).limit(1))
    return details if isinstance(details, dict) and details.get("kind") == "approval" else None


def _fen(amount) -> int | None:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    return int((value * 100).to_integral_value()) if value > 0 else None


def _band_and_amount(application: Application, approval: dict | None,
                     start: date) -> tuple[str, int, dict]:
    rates = rate_data.rates_of(application.programme)
    if approval is not None and approval.get("rate") and _fen(approval.get("amount")):
        return approval["rate"], _fen(approval["amount"]), approval.get("source") or {}
    # No amount recorded (an application approved before approvals recorded one): the band
    # that fits the case, at the last rate the file knows for it.
    from portal.applications.casefile import facts_for

    facts = facts_for(application, start)
    for band in rates.bands:
        if not decisions.fits_case(band.id, facts):
            continue
        known = [v for v in band.values if v.amount_fen is not None and v.since <= start]
        if known:
            return band.id, known[-1].amount_fen, {"zh": known[-1].source.zh,
                                                   "en": known[-1].source.en}
    raise NoAmount(application.reference)


def start_month_of(application: Application, approval: dict | None) -> date:
    applied = rate_data.first_of_month(working_days.local_date(application.submitted_at))
    first = (approval or {}).get("first_month")
    if first:
        try:
            chosen = date.fromisoformat(f"{first}-01")
        except ValueError:
            chosen = applied
        return max(chosen, applied)
    return applied


def enrol(application: Application, actor: Account | None, now: datetime) -> Recipient | None:
    """The recipient record for `application` (added to the session, not committed), or None
    when its programme pays no monthly cash. Raises NoAmount when no amount can be found."""
    if not rate_data.pays_monthly(application.programme):
        return None
    existing = db.session.scalar(select(Recipient).where(
        Recipient.application_id == application.id))
    if existing is not None:
        return existing
    approval = _approval(application)
    start = start_month_of(application, approval)
    band, fen, source = _band_and_amount(application, approval, start)
    answers = stored.read(application)
    payment = answers.payment
    today = working_days.local_date(now)
    recipient = Recipient(
        programme=application.programme, person_id=application.person_id,
        application_id=application.id, band=band, monthly_amount_fen=fen,
        amount_source=source, start_month=start, street=application.street,
        card_method=payment.method, card_bank_name=payment.bank_name,
        card_holder=payment.account_holder, card_number_encrypted=payment.card_number,
        card_hash=payment.card_hash, card_last4=payment.card_last4,
        status="paying", status_since=today, created_at=now,
        certificate_valid_until=parse_valid_until(answers.certificate.valid_until),
    )
    db.session.add(recipient)
    db.session.add(RecipientEvent(recipient=recipient, kind="enrolled", from_status=None,
                                  to_status="paying", effective=start,
                                  actor_account_id=actor.id if actor else None,
                                  details={"band": band, "amount_fen": fen}, created_at=now))
    _take_higher(recipient, actor, now)
    db.session.flush()
    audit.record(actor, "benefit.enrol", "recipient", str(recipient.id),
                 {"application": application.reference, "programme": application.programme,
                  "band": band, "amount_fen": fen, "start_month": start.isoformat()})
    return recipient


def parse_valid_until(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def end(recipient: Recipient, reason: str, effective: date, actor: Account | None,
        now: datetime) -> None:
    """End payment from `effective`'s month (in the caller's transaction; audited)."""
    db.session.add(RecipientEvent(recipient=recipient, kind="ended",
                                  from_status=recipient.status, to_status="ended",
                                  reason=reason, effective=effective,
                                  actor_account_id=actor.id if actor else None, created_at=now))
    recipient.status, recipient.status_reason, recipient.status_since = "ended", reason, effective
    db.session.flush()
    audit.record(actor, "benefit.end", "recipient", str(recipient.id),
                 {"reason": reason, "effective": effective.isoformat()})


def _take_higher(recipient: Recipient, actor: Account | None, now: datetime) -> None:
    others = db.session.scalars(select(Recipient).where(
        Recipient.person_id == recipient.person_id, Recipient.status != "ended",
        Recipient.programme != recipient.programme)).all()
    group = [o for o in others if rate_data.similar(o.programme, recipient.programme)]
    if not group:
        return
    month = recipient.start_month
    claims = {rate_data.Claim(r.programme, rate_data.month_amount_fen(
        r.programme, r.band, month, r.monthly_amount_fen)): r for r in [recipient, *group]}
    kept, set_aside = rate_data.higher_taken(list(claims))
    for claim in set_aside:
        loser = claims[claim]
        if loser is recipient:
            recipient.status, recipient.status_reason = "ended", "higher_taken"
            db.session.add(RecipientEvent(recipient=recipient, kind="ended",
                                          from_status="paying", to_status="ended",
                                          reason="higher_taken", effective=month,
                                          details={"kept": kept.programme}, created_at=now,
                                          actor_account_id=actor.id if actor else None))
        else:
            end(loser, "higher_taken", month, actor, now)


def of_account_application(application_id: int) -> Recipient | None:
    return db.session.scalar(select(Recipient).where(
        Recipient.application_id == application_id))


# ── what the resident sees: their benefit and every payment ──────────────────────────────

@dataclass(frozen=True)
class PaymentRow:
    first_month: date
    last_month: date
    months: int
    amount_fen: int
    state: str                 # pending | paid | failed
    reason: str | None         # the bank's, when failed (paid again on the next roll)


@dataclass(frozen=True)
class Statement:
    programme: str
    band: str
    monthly_amount_fen: int    # this month's: the file's rate in force, else the approved
    start_month: date
    status: str
    status_reason: str | None  # why suspended or ended (portal.labels; the texts say to look)
    stop_month: date | None    # suspended or ended: the first month not paid
    payments: tuple[PaymentRow, ...]


def statement(application: Application, today: date | None = None) -> Statement | None:
    """The benefit paid on `application` with every payment on a confirmed roll, newest first;
    None when it has none. The caller has proven the reader may see the application."""
    from portal.benefits.rolls import payments_of

    recipient = of_account_application(application.id)
    if recipient is None:
        return None
    month = rate_data.first_of_month(today or working_days.local_date(datetime.now(timezone.utc)))
    return Statement(
        programme=recipient.programme, band=recipient.band,
        monthly_amount_fen=rate_data.month_amount_fen(
            recipient.programme, recipient.band, max(month, recipient.start_month),
            recipient.monthly_amount_fen),
        start_month=recipient.start_month, status=recipient.status,
        status_reason=recipient.status_reason, stop_month=recipient.stop_month,
        payments=tuple(PaymentRow(line.first_month, line.last_month, line.months,
                                  line.amount_fen, line.state, line.reason)
                       for line in payments_of(recipient.id)))
