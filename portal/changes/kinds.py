"""The kinds of change a recipient's family may report (变更申报), as data: one table, KINDS.

Each kind names the questions its one page asks (`fields`, portal.labels.CHANGE_FIELDS – the
card's are the application journey's own), the roles that decide it (`deciders`) and what
approving does (`outcomes`: one, or a choice staff make). Every outcome applies its effect
through portal.benefits.lifecycle, which checks the role again (lifecycle.ALLOWED).

Who decides (the source: program-facts.md, 两项补贴 Workflow – the 乡镇（街道） of the 户籍
accepts and checks; county 民政 decides): the street officer of the recipient's street
verifies every kind (they know the household and see the papers) and applies what changes
payment only for facts, not judgements: a card, a street, a stay in hospital or a care home,
a move out of the district or a death (civil affairs may decide those two as well). 低保 and
work are recorded only: whether the person still qualifies is civil affairs' decision.

    kind          asks                              approving
    card          the card (the journey's fields)   new card from the next roll
    moved_within  new street, date                  the case moves to that street
    moved_away    date                              payment ends after that month
    low_income    entered/left 低保/低收入, date      recorded
    work          date                              recorded
    care_stay     hospital or care home, date       suspended from next month, or recorded
    care_left     date                              resumed from that month (no back pay for
                                                    the stay), or recorded when not suspended
    death         date of death                     payment ends after the month of death;
                                                    months already paid after it are shown
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.accounts.models import Account
from portal.benefits import lifecycle
from portal.benefits import rates as rate_data
from portal.benefits.models import Recipient

# The types of the questions: how an answer is stored and shown.
DATE, STREET, CHOICE, TEXT, CARD = "date", "street", "choice", "text", "card"
FIELD_TYPES = {
    "method": CHOICE, "bank_name": TEXT, "account_holder": TEXT, "card_number": CARD,
    "new_street": STREET, "moved_on": DATE, "household_change": CHOICE, "changed_on": DATE,
    "work_from": DATE, "place": CHOICE, "stay_from": DATE, "left_on": DATE, "died_on": DATE,
}
CARD_FIELDS = ("method", "bank_name", "account_holder", "card_number")


def day(details: dict, name: str) -> date:
    return date.fromisoformat(details[name])


# ── what approving does ──────────────────────────────────────────────────────────────────
# Each effect: (recipient, details, actor) → what staff and the resident see of it (a dict).

def _card(recipient: Recipient, details: dict, actor: Account) -> dict:
    from_month = lifecycle.change_card(recipient, details, actor)
    return {"from_month": from_month.isoformat()[:7]}


def _street(recipient: Recipient, details: dict, actor: Account) -> dict:
    old = recipient.street
    lifecycle.move_street(recipient, details["new_street"], day(details, "moved_on"), actor)
    return {"from": old, "to": details["new_street"]}


def _ender(reason: str, field: str) -> Callable[[Recipient, dict, Account], dict]:
    def effect(recipient: Recipient, details: dict, actor: Account) -> dict:
        paid_after = lifecycle.end_after(recipient, reason, day(details, field), actor)
        return {"last_month": recipient.status_since.isoformat()[:7],
                "paid_after": [m.isoformat()[:7] for m in paid_after]}
    return effect


def _recorder(event: str, field: str) -> Callable[[Recipient, dict, Account], dict]:
    def effect(recipient: Recipient, details: dict, actor: Account) -> dict:
        lifecycle.record(recipient, event, day(details, field), actor,
                         {k: v for k, v in details.items() if k != field})
        return {}
    return effect


def _suspend_for_stay(recipient: Recipient, details: dict, actor: Account) -> dict:
    since = max(rate_data.next_month(day(details, "stay_from")),
                lifecycle.first_unpaid_month(recipient))
    lifecycle.suspend(recipient, "hospital_stay", since, actor)
    return {"since": since.isoformat()[:7]}


def _resume_after_stay(recipient: Recipient, details: dict, actor: Account) -> dict:
    if recipient.status != "suspended" or recipient.status_reason != "hospital_stay":
        _recorder("care_left", "left_on")(recipient, details, actor)
        return {}
    since = max(rate_data.first_of_month(day(details, "left_on")), recipient.stop_month)
    lifecycle.resume(recipient, since, False, actor)
    return {"since": since.isoformat()[:7]}


# ── the table ────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Outcome:
    code: str                  # portal.labels.CHANGE_OUTCOMES
    effect: Callable[[Recipient, dict, Account], dict]


@dataclass(frozen=True)
class Kind:
    code: str                  # portal.labels.CHANGE_KINDS
    fields: tuple[str, ...]    # FIELD_TYPES; labels: portal.labels.CHANGE_FIELDS
    deciders: tuple[str, ...]  # staff roles (the street officer: of the recipient's street)
    outcomes: tuple[Outcome, ...]
    ends_payment: bool = False

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.code == code), None)


STREET_OFFICER = ("street_officer",)
KINDS = {kind.code: kind for kind in (
    Kind("card", CARD_FIELDS, STREET_OFFICER, (Outcome("card", _card),)),
    Kind("moved_within", ("new_street", "moved_on"), STREET_OFFICER,
         (Outcome("street", _street),)),
    Kind("moved_away", ("moved_on",), ("street_officer", "civil_affairs"),
         (Outcome("end", _ender("moved_away", "moved_on")),), ends_payment=True),
    Kind("low_income", ("household_change", "changed_on"), STREET_OFFICER,
         (Outcome("record", _recorder("household_changed", "changed_on")),)),
    Kind("work", ("work_from",), STREET_OFFICER,
         (Outcome("record", _recorder("work_started", "work_from")),)),
    Kind("care_stay", ("place", "stay_from"), STREET_OFFICER,
         (Outcome("suspend", _suspend_for_stay),
          Outcome("record", _recorder("care_stay", "stay_from")))),
    Kind("care_left", ("left_on",), STREET_OFFICER, (Outcome("resume", _resume_after_stay),)),
    Kind("death", ("died_on",), ("street_officer", "civil_affairs"),
         (Outcome("end", _ender("death", "died_on")),), ends_payment=True),
)}
