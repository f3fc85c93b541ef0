"""Working days: deadlines and what is left of them, in the district's calendar.

Weekends are not working days, nor are the public holidays listed in data/time_limits.yaml;
make-up working days (调休上班) are, although they fall on a weekend. Days are counted in the
district's time zone (Asia/Shanghai). A deadline is the end of its last working day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from portal.applications import status_machine


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date]
    extra_working_days: frozenset[date]
    zone: ZoneInfo


@cache
def calendar() -> Calendar:
    config = status_machine.time_limit_settings()
    return Calendar(
        holidays=frozenset(config.get("public_holidays") or ()),
        extra_working_days=frozenset(config.get("extra_working_days") or ()),
        zone=ZoneInfo(config.get("time_zone", "Asia/Shanghai")),
    )


def is_working_day(day: date, cal: Calendar | None = None) -> bool:
    cal = cal or calendar()
    if day in cal.extra_working_days:
        return True
    return day.weekday() < 5 and day not in cal.holidays


def add_working_days(start: date, days: int, cal: Calendar | None = None) -> date:
    """The day that is `days` working days after `start` (`start` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    cal = cal or calendar()
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, cal):
            days -= 1
    return day


def working_days_between(start: date, end: date, cal: Calendar | None = None) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start, cal)
    cal = cal or calendar()
    # Counted, not walked (a queue page asks for every row): the weekdays in (start, end], less
    # the holidays among them, plus the make-up working days that fall on a weekend.
    count = _weekdays_after(start, end)
    count -= sum(1 for day in cal.holidays - cal.extra_working_days
                 if start < day <= end and day.weekday() < 5)
    count += sum(1 for day in cal.extra_working_days if start < day <= end and day.weekday() >= 5)
    return count


def _weekdays_after(start: date, end: date) -> int:
    """Monday to Friday days in (start, end], for start <= end."""
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (first + offset) % 7 < 5)


def local_date(moment: datetime) -> date:
    """The district's calendar date at `moment` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(calendar().zone).date()


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in the district, as an aware UTC datetime."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=calendar().zone)
    return local.astimezone(timezone.utc)


def deadline(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start`."""
    return end_of_day(add_working_days(local_date(start), days))


def due_at_for(status: str, start: datetime) -> datetime | None:
    """When an application that entered `status` at `start` becomes overdue (None: never)."""
    days = status_machine.time_limit(status)
    return None if days is None else deadline(start, days)


OVERDUE, DUE_TODAY, DUE_SOON, ON_TIME = "overdue", "due_today", "due_soon", "on_time"


@dataclass(frozen=True)
class TimeLeft:
    state: str              # overdue | due_today | due_soon | on_time
    working_days: int       # overdue: working days late (at least 1); else working days left
    due_date: date

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def needs_attention(self) -> bool:
        return self.state in (OVERDUE, DUE_TODAY, DUE_SOON)


def time_left(due_at: datetime | None, now: datetime | None = None) -> TimeLeft | None:
    """How an application stands against its deadline; None when it has none."""
    if due_at is None:
        return None
    today = local_date(now or datetime.now(timezone.utc))
    due = local_date(due_at)
    if today > due:
        return TimeLeft(OVERDUE, max(1, working_days_between(due, today)), due)
    if today == due:
        return TimeLeft(DUE_TODAY, 0, due)
    left = working_days_between(today, due)
    state = DUE_SOON if left <= status_machine.due_soon_working_days() else ON_TIME
    return TimeLeft(state, left, due)
