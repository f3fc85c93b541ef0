"""The retention task: every kind past its period (portal/data/retention.yaml) is deleted or
anonymised through portal.retention.erasure, in one transaction, with one audit row
("retention.run") carrying the counts per kind; the files go after the commit.

A dry run selects the same rows and reports the same counts, and changes nothing (no audit row
either: nothing was done). Kinds kept by law ("keep") are never touched; for the audit log the
report says how many rows are past its minimum period (the chain is never cut by the portal).
Run daily by the scheduler (RETENTION_CRONTAB) and by `flask retention [--dry-run]`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, or_, select

from portal.accounts.models import OneTimeCode
from portal.applications.models import Application, Document, Draft, KeptAnswers
from portal.audit import log as audit
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.messages.models import OutboxMessage
from portal.questions.models import Question
from portal.ratings.models import Rating
from portal.retention import erasure, policy
from portal.retention.erasure import CLOSED_STATUSES


def _due(kind: str, cutoff: datetime):
    """A SELECT of the ids of `kind` past their period (cutoff: the period's start)."""
    if kind == "draft":
        return select(Draft.id).where(Draft.updated_at < cutoff)
    if kind == "kept_answers":
        return select(KeptAnswers.id).where(KeptAnswers.expires_at < cutoff)
    if kind == "one_time_code":
        return select(OneTimeCode.id).where(OneTimeCode.created_at < cutoff)
    if kind == "outbox_message":
        return select(OutboxMessage.id).where(OutboxMessage.created_at < cutoff,
                                              OutboxMessage.status != "pending")
    if kind == "document":
        return select(Document.id).join(Application, Application.id == Document.application_id) \
            .where(Application.status.in_(CLOSED_STATUSES),
                   Application.status_changed_at < cutoff)
    if kind == "refused_application":
        return select(Application.id).where(Application.status.in_(CLOSED_STATUSES),
                                            Application.status_changed_at < cutoff,
                                            Application.id.not_in(
                                                erasure.anonymised("refused_application")))
    if kind == "question":
        return select(Question.id).where(
            Question.id.not_in(erasure.anonymised("question")),
            func.coalesce(Question.answered_at, Question.created_at) < cutoff)
    if kind == "rating":
        return select(Rating.id).where(Rating.created_at < cutoff, or_(
            Rating.comment.is_not(None), Rating.rater_account_id.is_not(None)))
    raise ValueError(kind)


@dataclass
class Report:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)        # kind → rows (to be) done
    kept_past_period: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def run(*, dry_run: bool = False, now: datetime | None = None,
        kinds: tuple[str, ...] | None = None) -> Report:
    """One pass over `kinds` (default: every kind that is deleted or anonymised). Commits."""
    now = now or datetime.now(timezone.utc)
    rules = policy.rules()
    report = Report(dry_run=dry_run)
    files = erasure.Files()
    for kind in erasure.ORDER:
        if kinds is not None and kind not in kinds:
            continue
        ids = list(db.session.scalars(_due(kind, rules[kind].cutoff(now))))
        report.counts[kind] = len(ids)
        if not dry_run:
            erasure.apply(kind, ids, files, now)
    if kinds is None or "audit_event" in kinds:
        report.kept_past_period["audit_event"] = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.created_at < rules["audit_event"].cutoff(now)))
    if dry_run:
        db.session.rollback()
        return report
    audit.record(None, "retention.run", "retention", None,
                 {"counts": report.counts, "kept_past_period": report.kept_past_period})
    db.session.commit()
    files.remove()
    return report
