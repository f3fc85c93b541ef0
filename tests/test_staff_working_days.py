"""Working days: weekends, public holidays and make-up working days; deadlines; time left."""
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.applications import status_machine as sm
from portal.applications import working_days as wd


def test_weekends_and_holidays_are_not_working_days():
    assert wd.is_working_day(date(2026, 11, 27))          # Friday
    assert not wd.is_working_day(date(2026, 11, 28))      # Saturday
    assert not wd.is_working_day(date(2026, 10, 1))       # National Day, a Thursday
    assert wd.is_working_day(date(2026, 10, 10))          # a Saturday worked instead (调休)


@pytest.mark.parametrize("start, days, expected", [
    (date(2026, 11, 27), 1, date(2026, 11, 30)),   # Friday + 1 → Monday
    (date(2026, 11, 28), 3, date(2026, 12, 2)),    # Saturday + 3 → Wednesday
    (date(2026, 9, 30), 1, date(2026, 10, 8)),     # over the National Day week
    (date(2026, 10, 9), 1, date(2026, 10, 10)),    # the make-up Saturday counts
    (date(2026, 2, 13), 2, date(2026, 2, 24)),     # Spring Festival: 14th is worked, then 9 days off
    (date(2026, 11, 27), 0, date(2026, 11, 27)),
])
def test_adding_working_days(start, days, expected):
    assert wd.add_working_days(start, days) == expected


def test_working_days_between_counts_after_start_up_to_end():
    assert wd.working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert wd.working_days_between(date(2026, 11, 30), date(2026, 11, 27)) == -1
    assert wd.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    with pytest.raises(ValueError):
        wd.add_working_days(date(2026, 11, 27), -1)


def test_working_days_between_agrees_with_counting_day_by_day():
    """The count is arithmetic (fast for a queue page); it must equal walking the calendar,
    over holidays, make-up Saturdays and every weekday a range may start or end on."""
    def walked(start, end):
        return sum(1 for n in range(1, (end - start).days + 1)
                   if wd.is_working_day(start + timedelta(days=n)))

    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 330, 3)]
    for start in days:
        for end in days:
            if end >= start:
                assert wd.working_days_between(start, end) == walked(start, end), (start, end)
                assert wd.working_days_between(end, start) == -walked(start, end)


def test_deadline_is_the_end_of_the_last_working_day_in_the_district():
    # 2026-11-27 20:00 UTC is already Saturday the 28th in Huyi.
    due = wd.deadline(datetime(2026, 11, 27, 20, 0, tzinfo=timezone.utc), 3)
    assert wd.local_date(due) == date(2026, 12, 2)
    assert due == datetime(2026, 12, 2, 15, 59, 59, tzinfo=timezone.utc)


def test_time_limits_come_from_configuration():
    assert sm.time_limit("submitted") == 3
    assert sm.time_limit("rejected") is None
    assert wd.due_at_for("rejected", datetime.now(timezone.utc)) is None
    assert set(sm.DEFAULT_TIME_LIMITS) <= set(sm.STATUSES)


def _at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in Huyi on `day`, as UTC."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=timezone.utc)


def test_time_left_on_time_due_soon_today_and_overdue():
    due = wd.end_of_day(date(2026, 12, 4))  # Friday
    on_time = wd.time_left(due, now=_at(date(2026, 11, 30)))
    assert (on_time.state, on_time.working_days) == ("on_time", 4)
    soon = wd.time_left(due, now=_at(date(2026, 12, 2)))
    assert (soon.state, soon.working_days) == ("due_soon", 2)
    assert wd.time_left(due, now=_at(date(2026, 12, 4), 23)).state == "due_today"
    late = wd.time_left(due, now=_at(date(2026, 12, 9)))   # Wednesday after
    assert (late.state, late.working_days) == ("overdue", 3)
    weekend = wd.time_left(due, now=_at(date(2026, 12, 5)))  # the Saturday after
    assert (weekend.state, weekend.working_days) == ("overdue", 1)
    assert wd.time_left(None) is None
