"""A written question (在线咨询) and its answer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (
        Index("ix_question_queue", "answered_at", "due_at", "id"),
        Index("ix_question_published", "programme", "published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The private link of whoever asked (signed in or not): a SHA-256 of its token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str] = mapped_column(Text)   # encrypted: for the answer's text link
    asker_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    about: Mapped[str] = mapped_column(String(20))           # QUESTION_TOPICS
    programme: Mapped[str | None] = mapped_column(String(40))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    street: Mapped[str | None] = mapped_column(String(40))   # the application's, for the queue
    text: Mapped[str] = mapped_column(Text)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)   # for the text reply
    locale: Mapped[str] = mapped_column(String(12), default=DEFAULT_LOCALE)
    video_name: Mapped[str | None] = mapped_column(String(64))
    video_type: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at_column()
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    answered_by_role: Mapped[str | None] = mapped_column(String(30))
    # A frequent question, published (by a content editor) on the programme's guide, in
    # words with nothing of the asker.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_question: Mapped[str | None] = mapped_column(Text)
    published_answer: Mapped[str | None] = mapped_column(Text)
