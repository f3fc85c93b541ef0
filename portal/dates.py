"""Dates and times as people write them – the one place for it (the template filters
`long_date`, `date_time` and `clock_time`, and Python code that words a date into a message).

- 中文: 2026年12月4日, 2026年12月4日 09:10, 09:10
- English: 4 December 2026, 4 December 2026, 09:10, 09:10

Times are shown in the district's time (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai) without a zone
or seconds: everyone using the portal is in it. A stored time without a zone (SQLite gives them
back so) is UTC, as everything is stored.
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

# CLDR patterns per language; Chinese is the default for any other.
DATE = {"zh": "y年M月d日", "en": "d MMMM y"}
DATE_TIME = {"zh": "y年M月d日 HH:mm", "en": "d MMMM y, HH:mm"}
TIME = "HH:mm"


def _language() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def date_text(value: date | datetime | None) -> str:
    """A day: 2026年12月4日 / 4 December 2026. A datetime gives its day in the district."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DATE[_language()])
    return format_date(value, DATE[_language()])


def date_time_text(value: datetime | None) -> str:
    """A moment: 2026年12月4日 09:10 / 4 December 2026, 09:10."""
    if value is None:
        return ""
    return format_datetime(value, DATE_TIME[_language()])


def time_text(value: datetime | None) -> str:
    """The time of day only: 09:10."""
    if value is None:
        return ""
    return format_datetime(value, TIME)


def month_label(month) -> str:
    """"2026-12" (or a date in that month) as people write it: 2026年12月 / December 2026."""
    if isinstance(month, date):
        month = month.strftime("%Y-%m")
    try:
        year, number = (int(part) for part in month.split("-"))
        return format_skeleton("yMMMM", date(year, number, 1), locale=get_locale())
    except (AttributeError, ValueError):
        return str(month)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = date_text
    app.jinja_env.filters["month_label"] = month_label
    app.jinja_env.filters["date_time"] = date_time_text
    app.jinja_env.filters["clock_time"] = time_text
