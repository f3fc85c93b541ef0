"""What a decision records, structured, and the rules it must keep.

The street check (初审通过, action "street_check") records what a real 入户核查 records: the
date of the check (not in the future, not before the application was submitted), how it was
done (a home visit, a phone call, the documents), who did it and what was found – all required.

Approval (action "approve") of a programme that pays money records the amount and the first
month paid, from the programme's dated amounts (portal/eligibility/programmes/*.yaml,
`amounts`, read with Programme.amounts_on – the YAML's own schema; nothing here changes it):

- the rate is one in force on the approval date that fits the person's case (by age or by
  disability grade and category, where the rate's id says so – `CASE_RULES`);
- a rate the data gives as a number is paid as it is (a rate the data gives as a ceiling,
  `CEILINGS`, up to it); a rate the data gives as not known for 鄠邑 (value null: the note says
  以区民政局/区残联最新公布为准) is typed by the officer with the document it was published in,
  and is never below the last rate the data knew for that case (the Shaanxi base rates are
  minimums: "各地可以高于此标准");
- the first month is not before the month of application (payment counts from the month of
  application – program-facts.md, 两项补贴, Workflow; the programme's own steps say the same)
  and not later than the month after approval.

A programme pays no money when it has no amounts, or only amounts of 0 (free services). The
details are stored on the decision's StatusEvent (`details`), shown to staff on the case page
and to the resident on their timeline.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.applications import working_days
from portal.eligibility import programme as find_programme
from portal.eligibility.model import AmountInForce

STREET_CHECK_METHODS = {
    "home_visit": _l("入户走访"),
    "phone": _l("电话核实"),
    "documents": _l("核对材料"),
}

# Which rates fit which case, by the rate's id in the programme data (陕政发〔2016〕2号: the
# living allowance by age, the nursing allowance by grade; 《规划》（二）5: the extension to
# grades 3 and 4 of intellectual and mental disability). A fact not known lets the officer
# choose; an id not listed fits every case.
CASE_RULES = {
    "under_18": lambda f: f.get("age") is None or f["age"] < 18,
    "from_18": lambda f: f.get("age") is None or f["age"] >= 18,
    "grade_1": lambda f: f.get("disability_grade") in (None, 1),
    "grade_2": lambda f: f.get("disability_grade") in (None, 2),
    "grade_3_4_extension": lambda f: f.get("disability_grade") in (None, 3, 4)
    and f.get("disability_category") in (None, "intellectual", "mental"),
}
# Rates the data gives as "up to" (child_rehab: 每名儿童每年最高, 市残联 2025).
CEILINGS = {("child_rehab", "per_child")}
MAX_AMOUNT = Decimal("1000000")


def local_today(now: datetime | None = None) -> date:
    return working_days.local_date(now or datetime.now(timezone.utc))


# ── the street check ──────────────────────────────────────────────────────────────────────

def street_check_problem(checked_on: date | None, submitted_at: datetime,
                         today: date | None = None) -> str | None:
    """Why the date of the check cannot be right: "future", "before" or "missing"; else None."""
    if checked_on is None:
        return "missing"
    if checked_on > (today or local_today()):
        return "future"
    if checked_on < working_days.local_date(submitted_at):
        return "before"
    return None


def street_check_details(checked_on: date, method: str, checked_by: str,
                         findings: str) -> dict:
    return {"kind": "street_check", "checked_on": checked_on.isoformat(), "method": method,
            "checked_by": checked_by.strip(), "findings": findings.strip()}


# ── the approval ──────────────────────────────────────────────────────────────────────────

def rates_on(programme_code: str, on: date) -> list[AmountInForce]:
    try:
        return find_programme(programme_code).amounts_on(on)
    except KeyError:
        return []


def pays_money(programme_code: str, on: date | None = None) -> bool:
    """Does the programme pay an amount (not only free services, not nothing)?"""
    return any(rate.value != 0 for rate in rates_on(programme_code, on or local_today()))


def fits_case(rate_id: str, facts: dict) -> bool:
    rule = CASE_RULES.get(rate_id)
    return rule is None or bool(rule(facts))


def rates_for_case(programme_code: str, facts: dict, on: date) -> list[AmountInForce]:
    """The rates in force on `on` that the person's case allows (paying ones only)."""
    return [rate for rate in rates_on(programme_code, on)
            if rate.value != 0 and fits_case(rate.id, facts)]


def last_known(programme_code: str, rate_id: str, on: date):
    """The last number the data gives for this rate up to `on` (with its entry), or None."""
    try:
        amounts = find_programme(programme_code).amounts
    except KeyError:
        return None
    for amount in amounts:
        if amount.id != rate_id:
            continue
        known = [entry for entry in amount.values
                 if entry.value is not None and (entry.since is None or entry.since <= on)]
        return known[-1] if known else None
    return None


@dataclass(frozen=True)
class AmountRule:
    """What the officer may record for one rate."""
    rate: AmountInForce
    fixed: Decimal | None        # the amount to pay (a known rate)
    ceiling: Decimal | None      # at most this (a rate given as "up to")
    floor: Decimal | None        # at least this (the last known base rate, for a typed one)
    floor_entry: object | None   # the data's entry that floor comes from (its source)

    @property
    def typed(self) -> bool:
        """The rate is not known in the data: the officer types it, with its source."""
        return self.rate.value is None


def amount_rule(programme_code: str, rate: AmountInForce, on: date) -> AmountRule:
    if rate.value is None:
        entry = last_known(programme_code, rate.id, on)
        floor = Decimal(str(entry.value)) if entry is not None else None
        return AmountRule(rate, None, None, floor, entry)
    value = Decimal(str(rate.value))
    if (programme_code, rate.id) in CEILINGS:
        return AmountRule(rate, None, value, None, None)
    return AmountRule(rate, value, None, None, None)


def amount_problem(rule: AmountRule, amount: Decimal | None, source: str | None) -> str | None:
    """Why `amount` cannot be recorded under `rule`: missing | fixed | ceiling | floor |
    range | source; None when it keeps the rules."""
    if amount is None:
        return "missing"
    if amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        return "range"
    if rule.fixed is not None and amount != rule.fixed:
        return "fixed"
    if rule.ceiling is not None and amount > rule.ceiling:
        return "ceiling"
    if rule.floor is not None and amount < rule.floor:
        return "floor"
    if rule.typed and not (source or "").strip():
        return "source"
    return None


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def allowed_months(submitted_at: datetime, today: date | None = None) -> list[str]:
    """"YYYY-MM" from the month of application to the month after approval (at least the
    month of application)."""
    today = today or local_today()
    start = working_days.local_date(submitted_at)
    year, month = start.year, start.month
    last = (today.year + (today.month == 12), today.month % 12 + 1)
    months = []
    while (year, month) <= last or not months:
        months.append(month_text(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(months) > 120:   # an application ten years old: the list stays finite
            break
    return months


def approval_details(programme_code: str, rule: AmountRule, amount: Decimal, source: str | None,
                     first_month: str, on: date) -> dict:
    rate = rule.rate
    details = {"kind": "approval", "rate": rate.id,
               "rate_label": {"zh": rate.label.zh, "en": rate.label.en},
               "unit": {"zh": rate.unit.zh, "en": rate.unit.en},
               "amount": format(amount.normalize(), "f"), "first_month": first_month,
               "on": on.isoformat()}
    if rule.typed:
        details["source"] = {"typed": (source or "").strip()}
    else:
        details["source"] = {"zh": rate.source.zh, "en": rate.source.en}
        if rate.since is not None:
            details["since"] = rate.since.isoformat()
    return details


# ── the one check the status change makes ─────────────────────────────────────────────────

def details_problem(application, action_code: str, details: dict | None,
                    facts: dict | None = None, today: date | None = None) -> str | None:
    """Why `details` cannot be recorded with `action_code` on `application` (a short code), or
    None. The forms say the same in words; this refuses anything else
    (portal.applications.status_changes.apply_action)."""
    today = today or local_today()
    if action_code == "street_check":
        if not isinstance(details, dict) or details.get("kind") != "street_check":
            return "missing"
        try:
            checked_on = date.fromisoformat(details.get("checked_on") or "")
        except ValueError:
            return "date"
        if street_check_problem(checked_on, application.submitted_at, today):
            return "date"
        if details.get("method") not in STREET_CHECK_METHODS:
            return "method"
        if not str(details.get("checked_by") or "").strip() or \
                not str(details.get("findings") or "").strip():
            return "missing"
        return None
    if action_code == "approve" and pays_money(application.programme, today):
        if not isinstance(details, dict) or details.get("kind") != "approval":
            return "missing"
        rates = {rate.id: rate for rate in rates_for_case(application.programme, facts or {},
                                                          today)}
        rate = rates.get(details.get("rate"))
        if rate is None:
            return "rate"
        try:
            amount = Decimal(str(details.get("amount")))
        except ArithmeticError:
            return "amount"
        typed = (details.get("source") or {}).get("typed")
        if amount_problem(amount_rule(application.programme, rate, today), amount, typed):
            return "amount"
        if details.get("first_month") not in allowed_months(application.submitted_at, today):
            return "month"
        return None
    return None
