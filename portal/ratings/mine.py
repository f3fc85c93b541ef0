"""A resident's own ratings, newest first, each with what became of a 差评."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.ratings import follow_ups, ratings
from portal.ratings.models import FollowUp, Rating


@dataclass(frozen=True)
class MyRating:
    rating: Rating                # the event's newest revision
    follow_up: FollowUp | None
    follow_up_rating: Rating | None   # the rating of the follow-up itself


def my_ratings(account_id: int, limit: int = 100) -> list[MyRating]:
    events = list(dict.fromkeys(tuple(row) for row in db.session.execute(
        select(Rating.event_kind, Rating.event_id).where(Rating.rater_account_id == account_id)
        .order_by(Rating.id.desc()).limit(limit))))
    found = []
    for kind, event_id in events:
        rating = ratings.current(kind, event_id)
        follow_up = follow_ups.of_event(kind, event_id)
        follow_up_rating = ratings.current("follow_up", follow_up.id) if follow_up else None
        found.append(MyRating(rating, follow_up, follow_up_rating))
    return found
