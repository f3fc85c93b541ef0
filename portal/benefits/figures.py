"""Public aggregate figures of the monthly payments, for the 规划指标 page: the money the bank
reported paid per month and programme, and how many recipients each programme has.

Only sums and counts leave here – never a person, a street or an amount of one recipient.
Each figure is one GROUP BY query, whatever the number of recipients – which is still a read of
every month paid in the last year (1.2 million rows for 100,000 recipients; 0.19 s on
PostgreSQL for 800,000): too much for each view of a public page. So the figures are kept in
the portal's cache (Flask-Caching, `memoize`) and dropped when they change: when a commit
added a recipient's event (enrolled, suspended, resumed, ended – every change of a recipient's
state adds one: portal.benefits.lifecycle, recipients) or changed a payment line (the bank's
result). With a cache of each process's own (SimpleCache, the default) another process keeps
its copy until FIGURES_SECONDS have passed; with Redis (CACHE_TYPE=RedisCache) every process
sees the change at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask import has_app_context
from sqlalchemy import func, select

from portal.benefits.models import (
    PaymentLine,
    PaymentMonth,
    PaymentRoll,
    Recipient,
    RecipientEvent,
)
from portal.benefits.rates import next_month
from portal.eligibility import programmes
from portal.extensions import cache, db
from portal.tasks import after_commit

log = logging.getLogger(__name__)

MONTHS_SHOWN = 12
FIGURES_SECONDS = 600            # the longest another process's cache may keep old figures
PAID = "paid"                    # a month the bank reported paid (LINE_STATES)
COUNTED_STATES = ("paying", "suspended")   # RECIPIENT_STATES counted on the page


def monthly_programmes() -> tuple[str, ...]:
    """The programmes that pay monthly cash (their file has `rates`), in catalogue order."""
    return tuple(p.code for p in programmes() if p.rates is not None)


def recent_months(today: date, count: int = MONTHS_SHOWN) -> tuple[date, ...]:
    """The first days of the `count` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1 - (count - 1)    # months since year 0
    months = [date(index // 12, index % 12 + 1, 1)]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return tuple(months)


@dataclass(frozen=True)
class MonthlyPaid:
    """Yuan paid (as fen) per month covered and programme, over `months`."""

    months: tuple[date, ...]
    programmes: tuple[str, ...]
    fen: dict[tuple[date, str], int]

    def amount(self, month: date, programme: str) -> int:
        return self.fen.get((month, programme), 0)

    def month_total(self, month: date) -> int:
        return sum(self.amount(month, code) for code in self.programmes)

    @property
    def anything_paid(self) -> bool:
        return any(self.fen.values())


@cache.memoize(timeout=FIGURES_SECONDS)
def paid_per_month(today: date) -> MonthlyPaid:
    """The money the bank reported paid, by the month it is for (PaymentMonth.month: a back
    month paid later, 补发, counts in its own month), per programme that pays monthly, over the
    last MONTHS_SHOWN months up to today's. Failed months and months the bank has not answered
    for yet are not counted. One query: a month covered is never later than its roll's month,
    so only the rolls of the window are read (the roll's unique (programme, month) index)."""
    months = recent_months(today)
    codes = monthly_programmes()
    start, end = months[0], next_month(months[-1])
    rows = db.session.execute(
        select(PaymentRoll.programme, PaymentMonth.month, func.sum(PaymentMonth.amount_fen))
        .join(PaymentRoll, PaymentRoll.id == PaymentMonth.roll_id)
        .where(PaymentRoll.programme.in_(codes), PaymentRoll.month >= start,
               PaymentMonth.state == PAID,
               PaymentMonth.month >= start, PaymentMonth.month < end)
        .group_by(PaymentRoll.programme, PaymentMonth.month))
    return MonthlyPaid(months, codes,
                       {(month, code): int(total or 0) for code, month, total in rows})


@dataclass(frozen=True)
class RecipientCount:
    programme: str
    paying: int       # status "paying": paid every month
    suspended: int    # status "suspended": on the register, payment paused


@cache.memoize(timeout=FIGURES_SECONDS)
def recipient_counts() -> list[RecipientCount]:
    """Per programme that pays monthly: its recipients being paid and suspended now (ended
    ones are not counted). One query."""
    codes = monthly_programmes()
    found = {(code, status): count for code, status, count in db.session.execute(
        select(Recipient.programme, Recipient.status, func.count())
        .where(Recipient.programme.in_(codes), Recipient.status.in_(COUNTED_STATES))
        .group_by(Recipient.programme, Recipient.status))}
    return [RecipientCount(code, found.get((code, "paying"), 0),
                           found.get((code, "suspended"), 0)) for code in codes]


# ── dropped from the cache when they change ───────────────────────────────────────────────

def _changed(session) -> bool:
    """Does this flush change what the figures count? A recipient's event (every change of a
    recipient's state adds one) or a payment line changed (the bank's result)."""
    return any(isinstance(o, RecipientEvent) for o in session.new) or \
        any(isinstance(o, PaymentLine) for o in session.dirty)


def forget() -> None:
    """Drop the kept figures (the next view of the page reads them again). A cache that cannot
    be reached is logged, not raised: the commit stands, the figures age out."""
    if not has_app_context():
        return
    try:
        cache.delete_memoized(paid_per_month)
        cache.delete_memoized(recipient_counts)
    except Exception:  # noqa: BLE001 – the commit stands; FIGURES_SECONDS bounds the staleness
        log.exception("Could not drop the payments' figures from the cache")


def install() -> None:
    """Drop the figures after every commit that changed them (portal.tasks.after_commit: the one
    place that acts after a commit)."""
    after_commit.install()
    after_commit.on_commit_if(_changed, forget)
