"""An application for a programme, its status history and its documents."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._columns import created_at_column, utcnow

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
    locale: Mapped[str] = mapped_column(String(12), default="zh_Hans_CN")
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
    # What the decision recorded, structured (portal.services.decisions): the street check's
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
