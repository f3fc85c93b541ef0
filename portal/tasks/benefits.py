"""Payments as tasks: the month's payment rolls built as drafts, ready for civil affairs; the
daily check of recipients' 残疾人证 (CERTIFICATE_CHECK_CRONTAB: portal.benefits.lifecycle.
certificate_check – texts 60 and 30 days before expiry, suspension from next month once lapsed);
the daily yearly-review job (REVIEW_CHECK_CRONTAB: portal.benefits.reviews.review_check – opens
the year's reviews in their window, texts the first notice, the reminder and the last notice,
suspends those missed after the grace period).

At the start of each month (ROLLS_BUILD_CRONTAB, portal/tasks/schedule.py) the draft roll of
every programme that pays monthly (its file has `rates`) is built for that month
(portal.benefits.rolls.build): every paying recipient's months due, back months and months
whose payment failed included. A draft only – nothing is paid until an officer of civil
affairs checks and confirms it (/staff/payments); a roll already confirmed is left as it is.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from celery import shared_task
from flask import current_app

from portal.benefits import lifecycle, rates, reviews, rolls
from portal.eligibility import programmes

BUILD_MONTHLY_ROLLS = "benefits.build_monthly_rolls"
CHECK_CERTIFICATES = "benefits.check_certificates"
CHECK_REVIEWS = "benefits.check_reviews"


def this_month() -> date:
    """The first day of the current month in the district's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return rates.first_of_month(datetime.now(zone).date())


@shared_task(name=BUILD_MONTHLY_ROLLS)
def build_monthly_rolls(month: str | None = None) -> dict[str, str]:
    """Build (or build again) the draft roll of `month` (ISO date; default: this month) for
    every programme paying monthly. Returns programme → what happened, for the worker's log."""
    on = date.fromisoformat(month) if month else this_month()
    done: dict[str, str] = {}
    for programme in programmes():
        if not rates.pays_monthly(programme.code):
            continue
        try:
            roll = rolls.build(programme.code, on, actor=None)
        except rolls.RollNotDraft:
            done[programme.code] = "already confirmed"
            continue
        done[programme.code] = f"draft {roll.id}: {roll.line_count} lines"
    return done


@shared_task(name=CHECK_CERTIFICATES)
def check_certificates() -> dict[str, int]:
    """The daily check of paying recipients' certificates (district's today)."""
    report = lifecycle.certificate_check()
    return {"reminded": report.reminded, "suspended": report.suspended}


@shared_task(name=CHECK_REVIEWS)
def check_reviews() -> dict[str, int]:
    """The daily yearly-review job (district's today): idempotent, so a second run the same
    day sends nothing twice."""
    report = reviews.review_check()
    return {"opened": report.opened, "first_notices": report.first_notices,
            "reminders": report.reminders, "last_notices": report.last_notices,
            "suspended": report.suspended}
