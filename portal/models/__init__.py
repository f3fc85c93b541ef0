"""The data model. One module per aggregate; import them all here so Alembic sees them."""
from portal.models.account import (LINK_PROOFS, LINK_ROLES, RESIDENT, ROLES, STAFF_ROLES, AccessGrant,
                      Account, PersonLink, RecoveryCode)
from portal.models.application import RELATIONSHIPS, Application, Document, StatusEvent
from portal.models.audit import AuditEvent
from portal.models.conflict import CONFLICT_RELATIONS, StaffConflict
from portal.models.draft import Draft
from portal.models.duplicate import RESOLUTIONS, DuplicateFlag
from portal.models.kept_answers import KeptAnswers
from portal.models.media import AccessibilityReport, MediaAsset
from portal.models.one_time_code import OneTimeCode
from portal.models.outbox import OutboxMessage
from portal.models.person import Person

__all__ = [
    "AccessGrant", "Account", "AccessibilityReport", "Application", "AuditEvent", "Document",
    "Draft", "DuplicateFlag", "KeptAnswers", "MediaAsset", "OneTimeCode", "OutboxMessage",
    "Person", "PersonLink",
    "RecoveryCode", "StaffConflict", "StatusEvent", "CONFLICT_RELATIONS", "LINK_PROOFS",
    "LINK_ROLES",
    "RELATIONSHIPS", "RESOLUTIONS", "RESIDENT", "ROLES", "STAFF_ROLES",
]
