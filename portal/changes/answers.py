"""A change request's answers as people read them (the check page, the request's page, the
staff page): one (question, answer) row per field – a card by its last four only."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portal import dates
from portal.changes.kinds import CARD, CHOICE, DATE, FIELD_TYPES, KINDS, STREET, TEXT
from portal.changes.models import ChangeRequest
from portal.labels import (
    CARE_PLACES,
    HOUSEHOLD_CHANGES,
    PAYMENT_METHODS,
    change_field_label,
    street_name,
)

CHOICES = {"method": PAYMENT_METHODS, "household_change": HOUSEHOLD_CHANGES,
           "place": CARE_PLACES}


def shown(name: str, details: dict) -> str:
    value = details.get(name)
    kind = FIELD_TYPES[name]
    if value in (None, ""):
        return ""
    if kind == DATE:
        return dates.date_text(date.fromisoformat(value))
    if kind == STREET:
        return street_name(value)
    if kind == CHOICE:
        return str(CHOICES[name].get(value, value))
    if kind == CARD:
        return _("尾号%(last)s", last=details.get("card_last4") or "")
    return str(value)


def rows(request: ChangeRequest) -> list[tuple[str, str, bool]]:
    """(question, answer, typed: the answer is what the resident typed, in Chinese) for each of
    the kind's fields."""
    details = request.details or {}
    return [(change_field_label(name), shown(name, details), FIELD_TYPES[name] == TEXT)
            for name in KINDS[request.kind].fields]
