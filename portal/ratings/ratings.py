"""Rating a service event (一事一评): one rating per event, the five national levels, an
optional comment, reasons for the two lowest; changeable by the rater for RATING_CHANGE_DAYS
after first giving it; never required to go on with anything.

A change is a new revision (rows are never changed, portal/ratings/models.py). A named 差评 –
level 1 or 2 from a signed-in account or through the text's link (which names the account it
was sent to) – opens a follow-up (portal.ratings.follow_ups) for the office that handled the
step, once per event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from portal.database.columns import aware
from portal.extensions import db
from portal.labels import POOR_LEVELS, RATING_LEVELS, RATING_REASONS
from portal.ratings import follow_ups, invitations, service_events
from portal.ratings.models import FollowUp, Rating, RatingInvitation
from portal.ratings.service_events import ServiceEvent

MAX_COMMENT = 500


class RatingRefused(Exception):
    """Nothing saved; `reason`: too_late (the event may no longer be rated), change_closed
    (the rating may no longer be changed), reasons_required, invalid."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Standing:
    """Where an event stands for the person who may rate it."""
    event: ServiceEvent
    rating: Rating | None         # the newest revision
    may_rate: bool                # a first rating may be given now
    may_change: bool              # the rating may be changed now
    change_until: datetime | None
    follow_up: FollowUp | None


def current(kind: str, event_id: int) -> Rating | None:
    return db.session.scalar(select(Rating).where(
        Rating.event_kind == kind, Rating.event_id == event_id)
        .order_by(Rating.revision.desc()).limit(1))


def _first(kind: str, event_id: int) -> Rating | None:
    return db.session.scalar(select(Rating).where(
        Rating.event_kind == kind, Rating.event_id == event_id, Rating.revision == 1))


def open_until(event: ServiceEvent) -> datetime:
    return event.occurred_at + timedelta(days=int(current_app.config["RATING_OPEN_DAYS"]))


def change_until(first: Rating) -> datetime:
    return aware(first.created_at) + timedelta(days=int(current_app.config["RATING_CHANGE_DAYS"]))


def standing(event: ServiceEvent, now: datetime | None = None) -> Standing:
    now = now or datetime.now(timezone.utc)
    rating = current(event.kind, event.id)
    if rating is None:
        return Standing(event, None, now <= open_until(event), False, None, None)
    until = change_until(_first(event.kind, event.id) or rating)
    return Standing(event, rating, False, now <= until, until,
                    follow_ups.of_event(event.kind, event.id))


def _checked(level, reasons, comment) -> tuple[int, list[str], str | None]:
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise RatingRefused("invalid") from None
    if level not in RATING_LEVELS:
        raise RatingRefused("invalid")
    reasons = [code for code in dict.fromkeys(reasons or ()) if code in RATING_REASONS]
    if level in POOR_LEVELS and not reasons:
        raise RatingRefused("reasons_required")
    if level not in POOR_LEVELS:
        reasons = []
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    return level, reasons, comment


def rate(event: ServiceEvent, rater_account_id: int | None, level, reasons=(),
         comment: str | None = None, channel: str = "portal",
         now: datetime | None = None) -> Rating:
    """Give or change the rating of `event` (commits). The caller has checked who rates
    (ServiceEvent.may_rate, or the text's token). Raises RatingRefused."""
    now = now or datetime.now(timezone.utc)
    level, reasons, comment = _checked(level, reasons, comment)
    state = standing(event, now)
    if state.rating is None and not state.may_rate:
        raise RatingRefused("too_late")
    if state.rating is not None and not state.may_change:
        raise RatingRefused("change_closed")
    revision = (db.session.scalar(select(func.max(Rating.revision)).where(
        Rating.event_kind == event.kind, Rating.event_id == event.id)) or 0) + 1
    rating = Rating(event_kind=event.kind, event_id=event.id, revision=revision, level=level,
                    reasons=reasons, comment=comment, rater_account_id=rater_account_id,
                    channel=channel, programme=event.programme, office_role=event.office_role,
                    street=event.street, created_at=now)
    db.session.add(rating)
    db.session.flush()
    if level in POOR_LEVELS and rater_account_id is not None and state.follow_up is None:
        follow_ups.open_for(rating, now)
    db.session.commit()
    return rating


def rate_by_link(invitation: RatingInvitation, event: ServiceEvent, level, reasons=(),
                 comment: str | None = None, now: datetime | None = None) -> Rating:
    """The first rating of `event` through its text's link: on behalf of the account the text
    was sent to, and the link is used up (commits both, or neither)."""
    if current(event.kind, event.id) is not None:
        raise RatingRefused("change_closed")
    invitations.use(invitation, now)
    try:
        return rate(event, invitation.account_id, level, reasons, comment, channel="link",
                    now=now)
    except RatingRefused:
        db.session.rollback()
        raise


def for_application(application, account, now: datetime | None = None) -> list[Standing]:
    """The application's finished steps `account` may rate, each with its rating (the
    invitation on the status page)."""
    return [standing(event, now) for event in service_events.of_application(application)
            if event.may_rate(account)]
