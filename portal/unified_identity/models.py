"""Which account a unified-identity login (the provider's issuer and stable subject) is."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db


class UnifiedIdentityLink(db.Model):
    """One provider identity (issuer, sub) belongs to one resident's account. Made at the first
    verified login; found again by (issuer, sub), never by a name, phone or ID number."""

    __tablename__ = "unified_identity_link"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_unified_identity_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at_column()
