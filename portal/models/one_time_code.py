"""One-time codes sent by SMS (registration, password reset, look-ups). Stored hashed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._columns import created_at_column


class OneTimeCode(db.Model):
    __tablename__ = "one_time_code"
    __table_args__ = (Index("ix_one_time_code_phone_purpose", "phone", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    # A keyed hash (HMAC-SHA256) of the code: a copy of the table does not reveal codes.
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
