"""The public figures of 好差评 for the 规划指标 page: ratings per programme and per office,
and the share of 差评 followed up on time. Only counts leave here – never a rating's comment,
its rater or its event. Each figure is one GROUP BY query over the events' newest ratings.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, func, select

from portal.extensions import db
from portal.labels import POOR_LEVELS, RATING_LEVELS
from portal.ratings.models import FollowUp, Rating

LEVELS = tuple(RATING_LEVELS)          # 5 … 1
SATISFIED = (5, 4, 3)                  # 非常满意, 满意, 基本满意


@dataclass(frozen=True)
class RatingCounts:
    """How many events were rated at each level, for one programme or one office."""
    programme: str | None
    office_role: str | None
    street: str | None
    by_level: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_level.values())

    def count(self, level: int) -> int:
        return self.by_level.get(level, 0)

    @property
    def poor(self) -> int:
        return sum(self.count(level) for level in POOR_LEVELS)

    @property
    def satisfied_percent(self) -> float:
        return 100 * sum(self.count(level) for level in SATISFIED) / self.total \
            if self.total else 0.0


def _newest():
    """The newest revision of each rated event."""
    latest = (select(Rating.event_kind, Rating.event_id,
                     func.max(Rating.revision).label("revision"))
              .group_by(Rating.event_kind, Rating.event_id).subquery())
    return and_(Rating.event_kind == latest.c.event_kind, Rating.event_id == latest.c.event_id,
                Rating.revision == latest.c.revision), latest


def per_programme() -> list[RatingCounts]:
    """Rated events per programme (events of no programme – e.g. a question about the portal
    – under None), most rated first."""
    on, latest = _newest()
    rows = db.session.execute(select(Rating.programme, Rating.level, func.count())
                              .join(latest, on).group_by(Rating.programme, Rating.level))
    found: dict[str | None, dict[int, int]] = {}
    for programme, level, count in rows:
        found.setdefault(programme, {})[level] = count
    return sorted((RatingCounts(code, None, None, levels) for code, levels in found.items()),
                  key=lambda row: (-row.total, row.programme or ""))


def per_office() -> list[RatingCounts]:
    on, latest = _newest()
    rows = db.session.execute(
        select(Rating.office_role, Rating.street, Rating.level, func.count())
        .join(latest, on).group_by(Rating.office_role, Rating.street, Rating.level))
    found: dict[tuple[str, str | None], dict[int, int]] = {}
    for role, street, level, count in rows:
        found.setdefault((role, street), {})[level] = count
    return sorted((RatingCounts(None, role, street, levels)
                   for (role, street), levels in found.items()),
                  key=lambda row: (-row.total, row.office_role or "", row.street or ""))


@dataclass(frozen=True)
class Timeliness:
    due: int          # follow-ups closed, or open past their deadline
    on_time: int      # closed by their deadline
    open_in_time: int  # still open, deadline not passed (not counted yet)

    @property
    def percent(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None


def follow_up_timeliness(now: datetime | None = None) -> Timeliness:
    now = now or datetime.now(timezone.utc)
    closed = FollowUp.closed_at.is_not(None)
    on_time = and_(closed, FollowUp.closed_at <= FollowUp.due_at)
    still_open = and_(FollowUp.closed_at.is_(None), FollowUp.due_at >= now)
    row = db.session.execute(select(
        func.count().filter(~still_open), func.count().filter(on_time),
        func.count().filter(still_open)).select_from(FollowUp)).one()
    return Timeliness(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
