"""What a recipient's recorded events (an approved change of circumstances records one,
portal.changes) tell the eligibility engine when the recipient is re-evaluated
(portal.benefits.reevaluation.facts_as_of): the facts the events state, as of a day, the latest
event last.

Rules as data: (the event's kind, its recorded change) → the facts it states. A household that
left 低保 or 低收入 is recorded as "none of these" – if it is still 低收入, the re-evaluation may
list someone who still qualifies; staff decide (the engine never stops a payment by itself).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.benefits.models import Recipient, RecipientEvent
from portal.extensions import db

EVENT_FACTS: dict[tuple[str, str | None], dict] = {
    ("household_changed", "entered_dibao"): {"household": "dibao"},
    ("household_changed", "left_dibao"): {"household": "none"},
    ("household_changed", "entered_low_income"): {"household": "low_income"},
    ("household_changed", "left_low_income"): {"household": "none"},
    ("work_started", None): {"employment": "employed"},
}
# The detail that says which change an event of each kind recorded (portal.changes.kinds).
DETAIL_OF = {"household_changed": "household_change"}


def recorded(recipient: Recipient, on: date) -> dict:
    """The facts recorded by the recipient's change events effective by `on`."""
    facts: dict = {}
    events = db.session.scalars(
        select(RecipientEvent).where(
            RecipientEvent.recipient_id == recipient.id,
            RecipientEvent.kind.in_({kind for kind, _ in EVENT_FACTS}),
            RecipientEvent.effective <= on)
        .order_by(RecipientEvent.effective, RecipientEvent.id))
    for event in events:
        detail = DETAIL_OF.get(event.kind)
        change = (event.details or {}).get(detail) if detail else None
        facts.update(EVENT_FACTS.get((event.kind, change), {}))
    return facts
