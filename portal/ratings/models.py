"""Ratings (好差评), their invitations, the follow-up of a 差评, and "was this page useful?".

A rating is append-only: changing it (by the rater, within RATING_CHANGE_DAYS) adds a new
revision; the newest revision of a service event is its rating. Nobody – staff included – can
change or delete a row: the ORM refuses (below) and, on PostgreSQL, a trigger refuses too
(migration 0021_feedback).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db


class Rating(db.Model):
    """One revision of the rating of one service event (portal.ratings.service_events)."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("event_kind", "event_id", "revision", name="uq_rating_revision"),
        Index("ix_rating_event", "event_kind", "event_id"),
        CheckConstraint("level BETWEEN 1 AND 5", name="ck_rating_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_kind: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    level: Mapped[int]                                # 5 非常满意 … 1 非常不满意
    reasons: Mapped[list] = mapped_column(JSON, default=list)   # codes, for levels 1 and 2
    comment: Mapped[str | None] = mapped_column(Text)
    rater_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # portal | link (the text's link)
    # Copied from the service event when rated, for the public figures (no person in them).
    programme: Mapped[str | None] = mapped_column(String(40))
    office_role: Mapped[str] = mapped_column(String(30))
    street: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at_column()


@event.listens_for(Rating, "before_update")
@event.listens_for(Rating, "before_delete")
def _ratings_are_immutable(mapper, connection, target):
    raise PermissionError("Ratings cannot be changed or deleted; a change is a new revision.")


class RatingInvitation(db.Model):
    """The link in a text message: its token (kept as a SHA-256 digest) rates one service
    event, once, without signing in."""

    __tablename__ = "rating_invitation"
    __table_args__ = (UniqueConstraint("event_kind", "event_id", name="uq_rating_invitation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_kind: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[int]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FollowUp(db.Model):
    """The follow-up of a named 差评 (levels 1–2) by the office responsible for the step."""

    __tablename__ = "rating_follow_up"
    __table_args__ = (
        UniqueConstraint("event_kind", "event_id", name="uq_rating_follow_up_event"),
        Index("ix_rating_follow_up_open", "closed_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id"))
    event_kind: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[int]
    rater_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    programme: Mapped[str | None] = mapped_column(String(40))
    office_role: Mapped[str] = mapped_column(String(30))
    street: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[datetime] = created_at_column()
    call_back_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    contacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contact_method: Mapped[str | None] = mapped_column(String(20))
    finding: Mapped[str | None] = mapped_column(Text)        # what the call-back verified
    outcome: Mapped[str | None] = mapped_column(String(20))  # FOLLOW_UP_OUTCOMES
    action_taken: Mapped[str | None] = mapped_column(Text)   # what was done (internal)
    message_to_rater: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))


class PageVote(db.Model):
    """An anonymous "这个页面有用吗？" answer: the page and yes/no, nothing about who."""

    __tablename__ = "page_vote"
    __table_args__ = (Index("ix_page_vote_page", "page", "useful"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(60))
    useful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = created_at_column()
