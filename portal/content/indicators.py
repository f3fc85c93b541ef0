"""The plan's main indicators (专栏1) from data/indicators.yaml, and what the portal's own data
can add: applications received and approved this year for the programmes behind an indicator.

The portal's counts cover only applications made through the portal; they are shown beside
the plan's figures, never as the district's official rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import cache

import yaml
from sqlalchemy import func, select

from portal.applications import working_days
from portal.applications.models import Application, StatusEvent
from portal.config import DATA
from portal.eligibility import Text
from portal.eligibility.text import text_from
from portal.extensions import db

FILE = DATA / "indicators.yaml"
UNITS = ("percent", "people", "person_times")
QUALIFIERS = ("", ">", "≥")


@dataclass(frozen=True)
class Figure:
    """A baseline or target: a number with an optional qualifier, or words."""

    value: float | None
    qualifier: str = ""
    text: Text | None = None

    def display(self, unit: str, locale: str | None) -> str:
        if self.value is None:
            return self.text.in_locale(locale) if self.text else ""
        number = f"{self.value:g}"
        suffix = "%" if unit == "percent" else ""
        return f"{self.qualifier}{number}{suffix}"


@dataclass(frozen=True)
class Indicator:
    number: int
    name: Text
    unit: str
    baseline: Figure
    target: Figure
    binding: bool
    programmes: tuple[str, ...] = ()
    comparable: bool = False
    final: Figure | None = None       # the published final result, once there is one


@dataclass(frozen=True)
class Period:
    start: int
    end: int

    def ended(self, today: date) -> bool:
        """True from the first day after the plan's last year."""
        return today.year > self.end


def _bilingual(node) -> Text:
    """A {zh, en} mapping as the portal's one bilingual text (the programme files' Text)."""
    try:
        return text_from(node)
    except ValueError as problem:
        raise ValueError(f"{FILE.name}: {problem}, got {node!r}") from None


def _figure(node) -> Figure:
    if "text" in node:
        return Figure(None, text=_bilingual(node["text"]))
    qualifier = node.get("qualifier", "")
    if qualifier not in QUALIFIERS:
        raise ValueError(f"{FILE.name}: unknown qualifier {qualifier!r}")
    return Figure(float(node["value"]), qualifier)


@cache
def _load() -> tuple[Text, tuple[Indicator, ...], Period, Text | None]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    found = []
    for node in data["indicators"]:
        if node["unit"] not in UNITS:
            raise ValueError(f"{FILE.name}: unknown unit {node['unit']!r}")
        portal = node.get("portal") or {}
        found.append(Indicator(
            number=int(node["number"]), name=_bilingual(node["name"]), unit=node["unit"],
            baseline=_figure(node["baseline"]), target=_figure(node["target"]),
            binding=bool(node["binding"]), programmes=tuple(portal.get("programmes", ())),
            comparable=bool(portal.get("comparable", False)),
            final=_figure(node["final"]) if node.get("final") else None))
    period = Period(int(data["period"]["start"]), int(data["period"]["end"]))
    final_source = _bilingual(data["final_source"]) if data.get("final_source") else None
    if any(i.final for i in found) and final_source is None:
        raise ValueError(f"{FILE.name}: final results need their final_source")
    return _bilingual(data["source"]), tuple(found), period, final_source


def indicators() -> tuple[Indicator, ...]:
    return _load()[1]


def source() -> Text:
    return _load()[0]


def period() -> Period:
    return _load()[2]


def final_source() -> Text | None:
    return _load()[3]


APPROVED = "approved"


@dataclass(frozen=True)
class PortalCount:
    received: int   # applications submitted this year
    approved: int   # applications approved this year


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = working_days.calendar().zone

    def start(y: int) -> datetime:
        return datetime.combine(date(y, 1, 1), time(), tzinfo=zone).astimezone(timezone.utc)

    return start(year), start(year + 1)


def portal_counts(year: int) -> dict[int, PortalCount]:
    """For each indicator the portal can measure: this year's applications and approvals for
    its programmes. Two queries, whatever the number of indicators."""
    measured = [i for i in indicators() if i.programmes]
    codes = sorted({code for i in measured for code in i.programmes})
    start, end = _year_bounds(year)
    received = dict(db.session.execute(
        select(Application.programme, func.count())
        .where(Application.programme.in_(codes),
               Application.submitted_at >= start, Application.submitted_at < end)
        .group_by(Application.programme)).all())
    approved = dict(db.session.execute(
        select(Application.programme, func.count(func.distinct(Application.id)))
        .join(StatusEvent, StatusEvent.application_id == Application.id)
        .where(Application.programme.in_(codes), StatusEvent.to_status == APPROVED,
               StatusEvent.created_at >= start, StatusEvent.created_at < end)
        .group_by(Application.programme)).all())
    return {i.number: PortalCount(sum(received.get(c, 0) for c in i.programmes),
                                  sum(approved.get(c, 0) for c in i.programmes))
            for i in measured}
