"""/indicators: the plan's main indicators (专栏1), with what the portal's own data shows."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.applications import working_days
from portal.benefits import figures
from portal.content import indicators as plan
from portal.indicators import charts
from portal.labels import office_label, programme_name
from portal.ratings import figures as rating_figures
from portal.web.i18n import localized

bp = Blueprint("indicators", __name__)


def _amount(indicator: plan.Indicator, figure: plan.Figure, locale: str) -> str:
    shown = figure.display(indicator.unit, locale)
    if figure.value is None or indicator.unit == "percent":
        return shown
    if indicator.unit == "people":
        return _("%(number)s人", number=shown)
    return _("%(number)s人次", number=shown)


def _count(indicator: plan.Indicator, number: int) -> str:
    if indicator.unit == "person_times":
        return _("%(number)s人次", number=number)
    return _("%(number)s件", number=number) if not indicator.comparable else _(
        "%(number)s人", number=number)


def today() -> date:
    """The district's date (tests replace it to fix the day)."""
    return working_days.local_date(datetime.now(timezone.utc))


# Not a kept page (portal.web.page_cache): the portal's counts of this year are read from the
# database at each request; the payments' figures are kept in the cache until a commit changes
# them (portal.benefits.figures), so what the page says is true when it is read.
@bp.get("/indicators")
def index():
    locale = str(get_locale())
    day = today()
    year = day.year
    period = plan.period()
    final_source = plan.final_source()
    indicators = plan.indicators()
    counts = plan.portal_counts(year)
    baseline = charts.Series("baseline", _("2021年基数"), "baseline")
    target = charts.Series("target", _("2025年目标"), "target", fill="hatch")
    received = charts.Series("received", _("%(year)s年本平台收到的申请", year=year), "received")
    approved = charts.Series("approved", _("%(year)s年本平台批准的申请", year=year), "approved",
                             fill="dots")

    def label(i):
        return _("%(number)s. %(name)s", number=i.number, name=localized(i.name))

    def plan_bars(i):
        return [("baseline", i.baseline.value, _("2021年：%(value)s", value=_amount(i, i.baseline, locale))),
                ("target", i.target.value, _("2025年：%(value)s", value=_amount(i, i.target, locale)))]

    percent = [i for i in indicators if i.unit == "percent"
               and i.baseline.value is not None and i.target.value is not None]
    counted = [i for i in indicators if i.unit != "percent"]
    measured = [i for i in indicators if i.programmes]

    percent_chart = charts.bar_chart(
        "chart-percent", _("百分比指标：2021年基数和2025年目标"),
        _("横条图。%(count)s项百分比指标，每项两条：2021年基数和2025年目标。具体数字见图下的表格。",
          count=len(percent)),
        [baseline, target], [(label(i), plan_bars(i)) for i in percent], max_value=100)
    count_rows = []
    for i in counted:
        bars = plan_bars(i)
        if i.comparable:
            bars.append(("approved", counts[i.number].approved, _(
                "%(year)s年本平台批准：%(value)s", year=year,
                value=_count(i, counts[i.number].approved))))
        count_rows.append((label(i), bars))
    count_chart = charts.bar_chart(
        "chart-counts", _("人数指标：2021年基数、2025年目标和本平台今年的数字"),
        _("横条图。%(count)s项按人数计的指标，每项有2021年基数、2025年目标，以及本平台今年批准的申请数。具体数字见图下的表格。",
          count=len(counted)),
        [baseline, target, approved], count_rows)
    portal_chart = charts.bar_chart(
        "chart-portal", _("%(year)s年本平台办理情况", year=year),
        _("横条图。与规划指标有关的各项服务，每项两条：今年通过本平台收到的申请数和批准的申请数。具体数字见图下的表格。"),
        [received, approved],
        [(label(i), [("received", counts[i.number].received,
                      _("收到：%(value)s", value=_count(i, counts[i.number].received))),
                     ("approved", counts[i.number].approved,
                      _("批准：%(value)s", value=_count(i, counts[i.number].approved)))])
         for i in measured])
    rated = _ratings_chart()
    return render_template(
        "indicators/index.html", rated=rated, rated_by_programme=rating_figures.per_programme(),
        rated_by_office=rating_figures.per_office(),
        timeliness=rating_figures.follow_up_timeliness(), percent_text=_percent,
        rated_name=rated_name, indicators=indicators, counts=counts, year=year,
        source=localized(plan.source()), amount=lambda i, f: _amount(i, f, locale),
        count=_count, percent=percent, counted=counted, measured=measured,
        percent_chart=percent_chart, count_chart=count_chart, portal_chart=portal_chart,
        locale=locale, paid=figures.paid_per_month(day), recipients=figures.recipient_counts(),
        period=period, plan_ended=period.ended(day),
        final_source=localized(final_source) if final_source else None)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


def rated_name(row: rating_figures.RatingCounts) -> str:
    """A row of the ratings' figures by name: the programme, or the office."""
    if row.office_role is not None:
        return office_label(row.office_role, row.street)
    return programme_name(row.programme) if row.programme else _("不涉及具体事项（如在线咨询）")


def _ratings_chart() -> charts.Chart:
    """好差评: the share of rated services people were satisfied with (非常满意, 满意, 基本满意),
    per programme; the same numbers in the table beneath it."""
    satisfied = charts.Series("satisfied", _("满意的比例"), "approved")
    rows = [(rated_name(row), [("satisfied", row.satisfied_percent, _(
        "%(percent)s（共%(count)s件评价）", percent=_percent(row.satisfied_percent),
        count=row.total))]) for row in rating_figures.per_programme()]
    return charts.bar_chart(
        "chart-ratings", _("各项服务的满意比例"),
        _("横条图。每项服务一条：评价为“非常满意”“满意”或“基本满意”的比例。具体数字见图下的表格。"),
        [satisfied], rows, max_value=100)
