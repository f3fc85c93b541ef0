"""A possible second claim: two applications for the same person and programme."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._columns import created_at_column

# How an officer settles a flag (portal.services.duplicates).
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
