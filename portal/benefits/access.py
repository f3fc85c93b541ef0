"""Who sees which recipients and payment lines, and who changes them.

Civil affairs (民政) build, confirm and send the rolls and change recipients – every street.
A street officer (街道) sees, read-only, the rolls' lines and the recipients of their own
street: the people they visit, check and help (the street checks and reports, civil affairs
decide and pay – program-facts.md, 两项补贴 Workflow). Another street's recipient is "not
found" to them, never "forbidden", so that no page says the record exists.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from portal.accounts.models import Account
from portal.benefits.models import PaymentLine, Recipient

CHANGING_ROLES = ("civil_affairs",)
READING_ROLES = ("civil_affairs", "street_officer")


def changes(actor: Account) -> bool:
    """May `actor` build, confirm and send rolls and change recipients?"""
    return getattr(actor, "role", None) in CHANGING_ROLES


def street_of(actor: Account) -> str | None:
    """The one street `actor` reads, or None for every street (civil affairs)."""
    return actor.street if getattr(actor, "role", None) == "street_officer" else None


def _scope(actor: Account, street_column) -> ColumnElement[bool]:
    role = getattr(actor, "role", None)
    if role in CHANGING_ROLES:
        return true()
    if role == "street_officer" and actor.street:
        return street_column == actor.street
    return false()


def recipients_visible(actor: Account) -> ColumnElement[bool]:
    """A WHERE clause: the recipients `actor` may see."""
    return _scope(actor, Recipient.street)


def lines_visible(actor: Account) -> ColumnElement[bool]:
    """A WHERE clause: the payment lines `actor` may see (a line keeps the street it was
    paid in, so a person who moved shows on the old street's past lines)."""
    return _scope(actor, PaymentLine.street)


def can_see(actor: Account, recipient: Recipient) -> bool:
    """The same rule as `recipients_visible`, for one recipient already loaded."""
    role = getattr(actor, "role", None)
    if role in CHANGING_ROLES:
        return True
    return role == "street_officer" and bool(actor.street) and recipient.street == actor.street


def scoped_street(actor: Account, street: str | None) -> str | None:
    """The street a worklist (the yearly reviews, the re-evaluations) shows `actor`: a street
    officer's own whatever was asked, civil affairs' choice (None: every street)."""
    if getattr(actor, "role", None) == "street_officer":
        return actor.street or "\0"
    return street
