"""The follow-up of a named 差评, by the office that handled the step ("谁办理、谁负责").

国办发〔2019〕51号 asks that every named 差评 is called back and verified, fixed (at once, or by
a set date) or explained, and the result told to the rater; the deadlines are configuration
(RATING_FOLLOW_UP_CALL_BACK_WORKING_DAYS, RATING_FOLLOW_UP_WORKING_DAYS, portal/config.py, where
the sources are cited), counted in working days (portal.applications.working_days).

Whose worklist: the office of the rated step – a street's officers for a step their street
handled (accepting, the street check, a request or refusal they made), 区残联's reviewers for
the district review and the decisions of its programmes, 区民政's for the decisions of 两项补贴.
The admin sees every follow-up, and the overdue ones on their own page. Staff record the
call-back and what was done; the rating itself they can neither change nor delete.

Closing a follow-up texts the rater (the outcome's label, never the staff's words: a text is
read on a lock screen) with a link to rate the follow-up – itself a service event, "follow_up".
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import ColumnElement, and_, select, true

from portal.accounts.models import Account
from portal.applications import working_days
from portal.audit import log as audit
from portal.database.columns import aware
from portal.extensions import db
from portal.labels import CONTACT_METHODS, FOLLOW_UP_OUTCOMES
from portal.messages import notifications
from portal.ratings import invitations
from portal.ratings.models import FollowUp, Rating

MAX_TEXT = 2000
ROLES = ("street_officer", "district_reviewer", "civil_affairs", "admin")


class FollowUpRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def of_event(kind: str, event_id: int) -> FollowUp | None:
    return db.session.scalar(select(FollowUp).where(
        FollowUp.event_kind == kind, FollowUp.event_id == event_id))


def open_for(rating: Rating, now: datetime) -> FollowUp:
    """Open the follow-up of a named 差评 (in the caller's transaction)."""
    config = current_app.config
    follow_up = FollowUp(
        rating_id=rating.id, event_kind=rating.event_kind, event_id=rating.event_id,
        rater_account_id=rating.rater_account_id, programme=rating.programme,
        office_role=rating.office_role, street=rating.street, opened_at=now,
        call_back_due_at=working_days.deadline(
            now, int(config["RATING_FOLLOW_UP_CALL_BACK_WORKING_DAYS"])),
        due_at=working_days.deadline(now, int(config["RATING_FOLLOW_UP_WORKING_DAYS"])))
    db.session.add(follow_up)
    return follow_up


def visible(actor: Account) -> ColumnElement[bool]:
    """The follow-ups `actor` works on (the admin: all)."""
    role = getattr(actor, "role", None)
    if role == "admin":
        return true()
    if role == "street_officer":
        return and_(FollowUp.office_role == role, FollowUp.street == actor.street) \
            if actor.street else FollowUp.id.is_(None)
    if role in ("district_reviewer", "civil_affairs"):
        return FollowUp.office_role == role
    return FollowUp.id.is_(None)


def worklist(actor: Account, *, closed: bool = False) -> list[FollowUp]:
    """Open follow-ups, soonest deadline first (or the closed ones, newest first)."""
    query = select(FollowUp).where(visible(actor))
    if closed:
        query = query.where(FollowUp.closed_at.is_not(None)).order_by(FollowUp.closed_at.desc())
    else:
        query = query.where(FollowUp.closed_at.is_(None)).order_by(FollowUp.due_at, FollowUp.id)
    return list(db.session.scalars(query.limit(500)))


def overdue(now: datetime | None = None) -> list[FollowUp]:
    """Every follow-up past its deadline: still open, or closed late (the admin's view)."""
    now = now or datetime.now(timezone.utc)
    return list(db.session.scalars(
        select(FollowUp).where(
            (FollowUp.closed_at.is_(None) & (FollowUp.due_at < now))
            | (FollowUp.closed_at > FollowUp.due_at))
        .order_by(FollowUp.due_at, FollowUp.id).limit(500)))


def find(actor: Account, follow_up_id: int) -> FollowUp | None:
    return db.session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id,
                                                    visible(actor)))


def is_overdue(follow_up: FollowUp, now: datetime | None = None) -> bool:
    end = aware(follow_up.closed_at) or now or datetime.now(timezone.utc)
    return end > aware(follow_up.due_at)


def rating_of(follow_up: FollowUp) -> Rating:
    return db.session.get(Rating, follow_up.rating_id)


def rater_of(follow_up: FollowUp) -> Account:
    return db.session.get(Account, follow_up.rater_account_id)


def viewed(actor: Account, follow_up: FollowUp) -> None:
    """Audit a staff view of the follow-up (it shows the rater's number; commits)."""
    audit.record(actor, "follow_up.view", "follow_up", str(follow_up.id))
    db.session.commit()


def record_call_back(follow_up: FollowUp, actor: Account, method: str, finding: str,
                     now: datetime | None = None) -> None:
    """What the call-back found (commits). Raises FollowUpRefused."""
    finding = (finding or "").strip()[:MAX_TEXT]
    if follow_up.closed_at is not None:
        raise FollowUpRefused("closed")
    if method not in CONTACT_METHODS or not finding:
        raise FollowUpRefused("invalid")
    follow_up.contacted_at = now or datetime.now(timezone.utc)
    follow_up.contact_method = method
    follow_up.finding = finding
    audit.record(actor, "follow_up.call_back", "follow_up", str(follow_up.id),
                 {"method": method})
    db.session.commit()


def close(follow_up: FollowUp, actor: Account, outcome: str, action_taken: str,
          message_to_rater: str, now: datetime | None = None) -> FollowUp:
    """Record what was done and tell the rater: the outcome on their pages, a text with a link
    to rate the follow-up (commits). Needs the call-back first. Raises FollowUpRefused."""
    now = now or datetime.now(timezone.utc)
    action_taken = (action_taken or "").strip()[:MAX_TEXT]
    message_to_rater = (message_to_rater or "").strip()[:MAX_TEXT]
    if follow_up.closed_at is not None:
        raise FollowUpRefused("closed")
    if follow_up.contacted_at is None:
        raise FollowUpRefused("call_back_first")
    if outcome not in FOLLOW_UP_OUTCOMES or not action_taken or not message_to_rater:
        raise FollowUpRefused("invalid")
    follow_up.outcome = outcome
    follow_up.action_taken = action_taken
    follow_up.message_to_rater = message_to_rater
    follow_up.closed_at = now
    follow_up.closed_by_account_id = actor.id
    db.session.flush()
    audit.record(actor, "follow_up.close", "follow_up", str(follow_up.id),
                 {"outcome": outcome, "late": is_overdue(follow_up)})
    from portal.ratings import service_events

    event = service_events.load("follow_up", follow_up.id)
    token = invitations.invite(event)
    rater = rater_of(follow_up)
    if rater is not None and rater.phone:
        notifications.queue_follow_up_done(rater, outcome, invitations.link(token)
                                           if token else None)
    db.session.commit()
    return follow_up
