"""An application for a programme, its status history and its documents.

Also: An application in progress: saved at every step, it survives sign-out and time-outs.
Also: A possible second claim: two applications for the same person and programme.
Also: Answers a person typed on a page that could not take them, kept for a short while.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database.columns import created_at_column, utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE

RELATIONSHIPS = ("self", "guardian", "family", "agent", "village_staff")


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        # The staff queues: per street and status, soonest deadline first, keyset on id.
        Index("ix_application_queue_street", "street", "status", "due_at", "id"),
        Index("ix_application_queue_status", "status", "due_at", "id"),
        # "Waiting for you: N, of which M overdue" – counted from the index alone.
        Index("ix_application_queue_count", "status", "programme", "due_at"),
        Index("ix_application_person_programme", "person_id", "programme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    programme: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    applicant_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    relationship_to_person: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(12), default=DEFAULT_LOCALE)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    person = relationship("Person")
    applicant = relationship("Account")
    events = relationship(
        "StatusEvent", order_by="StatusEvent.id", back_populates="application"
    )
    documents = relationship(
        "Document", order_by="Document.id", back_populates="application"
    )


class StatusEvent(db.Model):
    """One transition in an application's life: who, when, what the applicant is told."""

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    message_to_applicant: Mapped[str | None] = mapped_column(Text)
    internal_note: Mapped[str | None] = mapped_column(Text)
    # What the decision recorded, structured (portal.applications.decisions): the street check's
    # visit (date, how, who, what was found), the approval's amount and first month paid, a
    # duplicate's resolution. None for a plain transition.
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    application = relationship("Application", back_populates="events")


class Document(db.Model):
    """An uploaded file, stored outside static/ under a random name."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id"), index=True
    )
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application = relationship("Application", back_populates="documents")

# -------------------- An application in progress: saved at every step, it survives sign-out and time-outs.

class Draft(db.Model):
    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    current_step: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

# -------------------- A possible second claim: two applications for the same person and programme.

# How an officer settles a flag (portal.applications.duplicates).
RESOLUTIONS = ("merged", "rejected", "legitimate")


class DuplicateFlag(db.Model):
    """Raised when `application` (the newer) was submitted while `other` (the older) for the
    same person and programme was in progress, approved, in public notice or being paid.
    Both cases show it; neither may be approved while it stands unresolved."""

    __tablename__ = "duplicate_flag"
    __table_args__ = (UniqueConstraint("application_id", "other_application_id",
                                       name="uq_duplicate_flag_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    other_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"),
                                                      index=True)
    created_at: Mapped[datetime] = created_at_column()
    resolution: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    resolved_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application = relationship("Application", foreign_keys=[application_id])
    other = relationship("Application", foreign_keys=[other_application_id])
    resolved_by = relationship("Account", foreign_keys=[resolved_by_account_id])

    @property
    def open(self) -> bool:
        return self.resolution is None

# -------------------- Answers a person typed on a page that could not take them, kept for a short while.

class KeptAnswers(db.Model):
    __tablename__ = "kept_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"),
                                                 index=True)
    holder_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(500))
    answers_encrypted: Mapped[str] = mapped_column(Text)
    files_left_out: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(10))   # "timed_out" or "settings"
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
