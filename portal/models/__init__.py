"""The data model. One module per aggregate; import them all here so Alembic sees them."""
from .account import (LINK_PROOFS, LINK_ROLES, RESIDENT, ROLES, STAFF_ROLES, AccessGrant,
                      Account, PersonLink, RecoveryCode)
from .application import RELATIONSHIPS, Application, Document, StatusEvent
from .audit import AuditEvent
from .conflict import CONFLICT_RELATIONS, StaffConflict
from .draft import Draft
from .duplicate import RESOLUTIONS, DuplicateFlag
from .kept_answers import KeptAnswers
from .media import AccessibilityReport, MediaAsset
from .one_time_code import OneTimeCode
from .outbox import OutboxMessage
from .person import Person

__all__ = [
    "AccessGrant", "Account", "AccessibilityReport", "Application", "AuditEvent", "Document",
    "Draft", "DuplicateFlag", "KeptAnswers", "MediaAsset", "OneTimeCode", "OutboxMessage",
    "Person", "PersonLink",
    "RecoveryCode", "StaffConflict", "StatusEvent", "CONFLICT_RELATIONS", "LINK_PROOFS",
    "LINK_ROLES",
    "RELATIONSHIPS", "RESOLUTIONS", "RESIDENT", "ROLES", "STAFF_ROLES",
]
