"""Sign-language video, captions and transcript attached to a page, and accessibility reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db


class MediaAsset(db.Model):
    __tablename__ = "media_asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_key: Mapped[str] = mapped_column(String(60), index=True)  # e.g. guide:nursing_allowance
    title: Mapped[str] = mapped_column(String(120))
    video_file: Mapped[str] = mapped_column(String(80))
    video_type: Mapped[str] = mapped_column(String(20))  # video/webm | video/mp4
    captions_file: Mapped[str] = mapped_column(String(80))
    transcript: Mapped[str] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    uploaded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()


class AccessibilityReport(db.Model):
    """A problem someone reported from the accessibility statement."""

    __tablename__ = "accessibility_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="new")
    created_at: Mapped[datetime] = created_at_column()
