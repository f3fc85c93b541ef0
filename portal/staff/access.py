"""Who may open the staff pages: the accounts area's `staff_required` (signed-out → the staff
sign-in page; a resident or another role → 403), and the roles that work the queues."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..staff_auth.access import staff_required
from ..staff_auth.roles import ROLE_LABELS as STAFF_ROLE_LABELS

ROLE_LABELS = {**STAFF_ROLE_LABELS, "resident": _l("居民")}

# The roles that handle applications (street, district review, civil-affairs decision).
QUEUE_ROLES = ("street_officer", "district_reviewer", "civil_affairs")

__all__ = ["QUEUE_ROLES", "ROLE_LABELS", "staff_required"]
