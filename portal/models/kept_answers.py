"""Answers a person typed on a page that could not take them, kept for a short while.

Two cases put a row here (portal/services/kept_answers.py):
- a resident sent a page of their application after their session had ended: what they sent
  is kept, tied to the account and the draft, and put back into the form once the same account
  has signed in again (`account_id` and `draft_id`);
- someone changed a display setting in the bar of a form page: the bar sends the page's answers
  along, and they are put back when the page shows again in the new setting (`holder_hash`,
  the hash of a random value kept in that browser's session, and the account if signed in).

The answers are encrypted (portal/services/crypto.py) and the row ends at `expires_at`, once
put back, or with its draft or account.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._columns import created_at_column


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
