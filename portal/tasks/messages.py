"""Text messages as tasks: delivering what is due, and removing one-time codes no longer needed.

Both only call portal/messages/outbox.py, which keeps every rule of sending: one message per
transaction, locked while it is sent, retried after `retry_delay` up to SMS_MAX_ATTEMPTS, codes
sealed until sent and then removed.

- DELIVER_DUE is queued after every commit that added a message to the outbox
  (portal/tasks/after_commit.py), and runs on the schedule as the sweep that sends messages
  whose retry has come (and any whose queuing was lost);
- PURGE_CODES runs on the schedule (portal/tasks/schedule.py).
"""
from __future__ import annotations

from celery import shared_task

from portal.messages import outbox
from portal.messages.models import OutboxMessage
from portal.tasks import after_commit

DELIVER_DUE = "messages.deliver_due"
PURGE_CODES = "messages.purge_codes"


@shared_task(name=DELIVER_DUE)
def deliver_due() -> dict:
    """One pass over the outbox: send every pending message whose time has come."""
    report = outbox.deliver_due()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@shared_task(name=PURGE_CODES)
def purge_codes() -> int:
    """Remove the sealed codes the outbox no longer needs (sent, failed or expired)."""
    return outbox.purge_codes()


after_commit.on_insert(OutboxMessage, DELIVER_DUE)
