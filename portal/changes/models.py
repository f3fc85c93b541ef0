"""A change of circumstances reported online (变更申报): one row per request.

draft (the account that started it, nothing sent yet) → submitted (it has its reference, the
street officer's worklist shows it) → approved | refused (staff; a refusal says why).
What each kind asks and what approving it does: portal.changes.kinds.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database.columns import created_at_column
from portal.extensions import db

CHANGE_STATES = ("draft", "submitted", "approved", "refused")


class ChangeRequest(db.Model):
    __tablename__ = "change_request"
    __table_args__ = (Index("ix_change_request_worklist", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # BG-2026-7K3QX9 once submitted (portal.applications.references, its own prefix).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # What was reported, by field (portal.changes.kinds): dates as ISO text; a card number
    # only encrypted, with its look-up hash and last four (portal.people.crypto).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))    # the approving outcome chosen
    refusal_reason: Mapped[str | None] = mapped_column(Text)    # shown to the resident
    # What approving found: months already paid after a death or a move (never clawed back
    # silently: staff see them), the months the change took effect from.
    effect: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    recipient = relationship("Recipient")
    account = relationship("Account", foreign_keys=[account_id])
