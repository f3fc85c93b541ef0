"""The rates in force: read from the programme files' ``rates`` section (portal.eligibility).

A rate change (标准动态调整, 《规划》专栏3-4) is a new dated entry in the file; it applies from
its month to every active recipient of its band: the roll prices each month it covers by the
rate in force in that month (`month_amount_fen`). Where the file's rate for a month is not known
for 鄠邑 (amount null: 以区民政局/区残联最新公布为准), the amount recorded at approval is paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.eligibility import programme as find_programme
from portal.eligibility.model import Rates, RateValue


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every first-of-month from `first`'s month to `last`'s month, both included."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def rates_of(programme_code: str) -> Rates | None:
    """The programme's monthly rates, or None when it pays no monthly cash (or is unknown)."""
    try:
        return find_programme(programme_code).rates
    except KeyError:
        return None


def pays_monthly(programme_code: str) -> bool:
    return rates_of(programme_code) is not None


def rate_in_force(programme_code: str, band: str, month: date) -> RateValue | None:
    """The rate of `band` in force in `month` (any day of it), or None when the programme has
    no such band or no rate yet that month. Its ``amount_fen`` is None when not known."""
    rates = rates_of(programme_code)
    found = rates.band(band) if rates is not None else None
    return found.on(month) if found is not None else None


def month_amount_fen(programme_code: str, band: str, month: date, approved_fen: int) -> int:
    """What one month pays: the file's rate in force that month when known, else the amount
    recorded at approval."""
    rate = rate_in_force(programme_code, band, month)
    return rate.amount_fen if rate is not None and rate.amount_fen is not None else approved_fen


def known_rates(programme_code: str, months: list[date]) -> list[tuple[str, date, int]]:
    """(band, month, fen) for every band and month whose rate in force is known – the table
    the roll joins (set-based)."""
    rates = rates_of(programme_code)
    if rates is None:
        return []
    found = []
    for band in rates.bands:
        for month in months:
            value = band.on(month)
            if value is not None and value.amount_fen is not None:
                found.append((band.id, month, value.amount_fen))
    return found


@dataclass(frozen=True)
class Claim:
    """A monthly allowance a person could get: programme and amount a month (fen)."""
    programme: str
    amount_fen: int


def higher_taken(claims: list[Claim]) -> tuple[Claim | None, list[Claim]]:
    """择高 (国发〔2015〕52号: "where another similar allowance applies the higher one is
    taken"): of claims that the programme files name as similar (`rates.higher_of`), only the
    highest is paid. Returns (the claim kept, the claims set aside). Claims of programmes not
    named as similar to each other are all kept (the living and nursing allowances may be held
    together) – the caller passes one group of similar claims."""
    if not claims:
        return None, []
    kept = max(claims, key=lambda c: (c.amount_fen, c.programme))
    return kept, [c for c in claims if c is not kept]


def similar(programme_a: str, programme_b: str) -> bool:
    """Are the two allowances similar ones of which the higher is taken (either file says so)?"""
    a, b = rates_of(programme_a), rates_of(programme_b)
    return (a is not None and programme_b in a.higher_of) or \
        (b is not None and programme_a in b.higher_of)
