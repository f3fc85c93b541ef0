"""The outbox: a text message is added, then delivered by the configured backend
(portal.messages.sms) by a task queued once the message is committed.

Sending
-------
Adding a message to the outbox queues the task "deliver the due messages"
(portal/tasks/messages.py) after the transaction commits (portal/tasks/after_commit.py) – run
by a Celery worker, or in-process at once where no broker is configured. The same task runs on
the schedule (portal/tasks/schedule.py) as the sweep that sends what is due for a retry;
`flask send-outbox` runs one pass by hand. A pass is `deliver_due()`: each pending message whose
time has come is handed to the configured backend (SMS_BACKEND), one message per transaction:

- the backend returns: the message is sent (unless the backend marked it otherwise); a
  delivery receipt may later mark it delivered or failed (portal.messages.receipts);
- the backend raises `sms.Rejected` (the gateway will never send it: a number or template it
  refuses): the message is marked "failed" at once, `last_error` says why;
- the backend raises `sms.Throttled` (a rate or daily limit) or anything else: the attempt
  failed; the message is tried again after
  SMS_RETRY_BASE_SECONDS × 2^(attempts − 1) (at most SMS_RETRY_MAX_SECONDS; a throttled
  try waits at least as long as the gateway asked), and after
  SMS_MAX_ATTEMPTS failed attempts it is marked "failed" and left for a person to look at
  (`flask outbox`). `last_error` keeps the latest reason.

A failed send only ever changes the outbox row: the status change it reports was committed
before and stays as it is. With SMS_BACKEND=outbox (development) nothing leaves the machine and
a pass sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, or_, select, update

from portal.database.columns import aware
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import sms, templates
from portal.messages.models import CODE_MASK, OutboxMessage
from portal.people import crypto


def compose(recipient: str, kind: str, params: dict | None = None, *,
            locale: str | None = None, application_id: int | None = None) -> OutboxMessage:
    """A text message from the template `kind` (portal.messages.templates) with `params`
    (language-neutral values), in `locale` (default: the current language) – not yet added."""
    params = {name: str(value) for name, value in (params or {}).items()}
    templates.check(kind, params)
    locale = locale or str(get_locale() or DEFAULT_LOCALE)
    return OutboxMessage(channel="sms", recipient=recipient, locale=locale, kind=kind,
                         params=params, body=templates.render(kind, params, locale),
                         application_id=application_id)


def send(recipient: str, kind: str, params: dict | None = None, *, locale: str | None = None,
         application_id: int | None = None, code: str | None = None,
         code_expires_at=None) -> OutboxMessage:
    """Record a text message to `recipient` from the template `kind`. Commits: the commit
    queues its delivery.

    With `code`: the template's code parameter is CODE_MASK (so is the body where the code
    goes); the code is stored only sealed, until `code_expires_at` at the latest."""
    sms.current_backend()   # an unknown SMS_BACKEND is refused here, not later by the task
    message = compose(recipient, kind, params, locale=locale, application_id=application_id)
    if code is not None and CODE_MASK not in message.body:
        raise ValueError("a message carrying a code needs CODE_MASK in its body")
    if code is not None:
        message.sealed_code = crypto.encrypt(code)
        message.code_expires_at = code_expires_at
    db.session.add(message)
    db.session.commit()
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    kept_in_outbox: bool = False   # SMS_BACKEND=outbox: nothing is sent

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, …)."""
    base = float(current_app.config["SMS_RETRY_BASE_SECONDS"])
    longest = float(current_app.config["SMS_RETRY_MAX_SECONDS"])
    return timedelta(seconds=min(longest, base * 2 ** max(0, attempts - 1)))


def due_messages(now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


CODE_EXPIRED = "the code expired before it was sent"


def purge_codes(now: datetime | None = None) -> int:
    """Remove the sealed code of every message that no longer needs it: delivered, failed for
    good, or past the code's expiry (such a message is not sent any more: it is marked failed).
    Commits; returns how many codes were removed."""
    now = now or datetime.now(timezone.utc)
    table = OutboxMessage.__table__
    expired = db.session.execute(
        update(table)
        .where(table.c.sealed_code.is_not(None), table.c.status == "pending",
               table.c.code_expires_at <= now)
        .values(sealed_code=None, status="failed", last_error=CODE_EXPIRED)).rowcount
    done = db.session.execute(
        update(table)
        .where(table.c.sealed_code.is_not(None),
               or_(table.c.status != "pending", table.c.code_expires_at.is_(None)))
        .values(sealed_code=None)).rowcount
    db.session.commit()
    return expired + done


def deliver_due(now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """One pass: remove codes no longer needed, then try every pending message whose time has
    come (at most `limit`)."""
    report = DeliveryReport()
    purge_codes(now)
    backend = sms.current_backend()
    if isinstance(backend, sms.OutboxOnly):
        report.kept_in_outbox = True
        return report
    for message_id in due_messages(now or datetime.now(timezone.utc), limit):
        outcome = _deliver_one(backend, message_id, now)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retrying":
            report.retrying += 1
        elif outcome == "failed":
            report.failed += 1
    return report


def _deliver_one(backend, message_id: int, now: datetime | None) -> str | None:
    """Send one message in its own transaction. The row is locked while it is sent, so two
    workers never send it twice (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite has one writer)."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True,
                             with_for_update={"skip_locked": True})
    if message is None or message.status != "pending":
        db.session.rollback()
        return None
    moment = now or datetime.now(timezone.utc)
    if message.sealed_code and message.code_expires_at is not None \
            and aware(message.code_expires_at) <= moment:
        message.sealed_code, message.status, message.last_error = None, "failed", CODE_EXPIRED
        db.session.commit()
        return "failed"
    message.attempts += 1
    error, rejected, wait = None, False, None
    message.__dict__["_readable_text"] = sms.readable_text(message)   # never stored
    try:
        backend.deliver(message)
    except Exception as problem:  # noqa: BLE001 – any failure of the gateway is a failed try
        rejected = isinstance(problem, sms.Rejected)
        wait = getattr(problem, "retry_after", None) if isinstance(problem, sms.Throttled) \
            else None
        problem_kind = type(problem).__name__
        error = f"{problem_kind}: {problem}"
        if message.sealed_code:  # a gateway's error may quote the text: never keep the code
            error = error.replace(crypto.decrypt(message.sealed_code), CODE_MASK)
        error = error[:1000]
    finally:
        message.__dict__.pop("_readable_text", None)
    if error is None and message.status in ("pending", "sent"):
        message.status = "sent"
        message.sent_at = message.sent_at or moment
        message.last_error = None
        outcome = "sent"
    elif error is None:  # the backend itself marked it failed: it cannot be delivered
        outcome = "failed"
    else:
        message.last_error = error
        if rejected or message.attempts >= int(current_app.config["SMS_MAX_ATTEMPTS"]):
            message.status = "failed"
            outcome = "failed"
        else:
            message.status = "pending"
            delay = retry_delay(message.attempts)
            if wait:
                delay = max(delay, timedelta(seconds=float(wait)))
            message.next_attempt_at = moment + delay
            outcome = "retrying"
        # The kind of error only: a gateway's message may quote the number or the text (the
        # whole reason is kept in the outbox's last_error, which `flask outbox` shows).
        current_app.logger.warning("Text message %s not sent (attempt %s): %s",
                                   message.id, message.attempts, problem_kind)
    if message.status != "pending":
        message.sealed_code = None   # delivered or failed for good: the code is not needed
    db.session.commit()
    return outcome


def backlog() -> dict[str, int]:
    """How many messages wait to be sent ("pending", retries included) and how many failed
    for good ("failed", left for a person to look at) – for the metrics (one grouped count)."""
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(BACKLOG_STATES))
        .group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in BACKLOG_STATES}


BACKLOG_STATES = ("pending", "failed")


def recent(limit: int = 20, recipient: str | None = None) -> list[OutboxMessage]:
    """The newest messages first (for `flask outbox` and tests)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))

