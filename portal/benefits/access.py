"""Who among staff sees a recipient's yearly review and re-evaluations: civil affairs every
recipient, a street officer their own street's (as the queues: portal.applications.queues)."""
from __future__ import annotations

from portal.accounts.models import Account
from portal.benefits.models import Recipient

STAFF_ROLES = ("street_officer", "civil_affairs")


def sees_recipient(actor: Account, recipient: Recipient) -> bool:
    """Staff: civil affairs every recipient, a street officer their street's."""
    if actor.role == "civil_affairs":
        return True
    return actor.role == "street_officer" and bool(actor.street) \
        and recipient.street == actor.street


def scoped_street(actor: Account, street: str | None) -> str | None:
    """The street a worklist shows `actor` (one of STAFF_ROLES): a street officer's own
    whatever was asked, civil affairs' choice (None: every street)."""
    if actor.role == "street_officer":
        return actor.street or "\0"
    return street
