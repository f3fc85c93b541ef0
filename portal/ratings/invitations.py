"""The link in a text message that rates one service event without signing in.

The token is random (128 bits), kept only as its SHA-256 digest, made once per event, and
works for that event's first rating only (then it is used). The page it opens names the kind
of service, the programme and the date – never the person, the reference or the office's
words. Signing in is the way to change a rating later.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.messages import notifications
from portal.ratings.models import RatingInvitation
from portal.ratings.service_events import ServiceEvent

PATH = "/rate/t/"     # the rating blueprint's route for a token (portal/rate/routes.py)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(event: ServiceEvent) -> str | None:
    """A new token for `event` (added to the caller's transaction), or None when the event
    already has one (its token cannot be read back)."""
    exists = db.session.scalar(select(RatingInvitation.id).where(
        RatingInvitation.event_kind == event.kind, RatingInvitation.event_id == event.id))
    if exists is not None:
        return None
    token = secrets.token_urlsafe(16)
    db.session.add(RatingInvitation(event_kind=event.kind, event_id=event.id,
                                    token_hash=digest(token),
                                    account_id=event.invitee_account_id))
    return token


def link(token: str) -> str:
    """The whole address of the token's page, for a text message."""
    return notifications.portal_link(PATH + token)


def find(token: str) -> RatingInvitation | None:
    """The unused invitation of `token`, or None (unknown, malformed or used)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(RatingInvitation).where(
        RatingInvitation.token_hash == digest(token), RatingInvitation.used_at.is_(None)))


def use(invitation: RatingInvitation, now: datetime | None = None) -> None:
    invitation.used_at = now or datetime.now(timezone.utc)
