"""Who may open the staff pages: the accounts area's `staff_required` (signed-out → the staff
sign-in page; a resident or another role → 403), and the roles that work the queues."""
from __future__ import annotations

from portal.staff_auth.access import staff_required

# The roles that handle applications (street, district review, civil-affairs decision).
QUEUE_ROLES = ("street_officer", "district_reviewer", "civil_affairs")

__all__ = ["QUEUE_ROLES", "staff_required"]
