"""What the results page shows: every programme's outcome with what a resident needs next."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from portal.eligibility import (
    ELIGIBLE, FACTS, INELIGIBLE, MAYBE, AmountInForce, Fact, Outcome, Programme, Reason,
    evaluate, programme,
)
from portal.checker import flow

GROUP_ORDER = (ELIGIBLE, MAYBE, INELIGIBLE)


@dataclass(frozen=True)
class ProgrammeResult:
    programme: Programme
    outcome: Outcome
    amounts: list[AmountInForce]
    missing: list[Fact]                     # what would settle a "maybe"
    unsure: list[flow.Question]             # questions answered 不清楚 that would settle it

    @property
    def failed(self) -> list[Reason]:
        return [reason for reason in self.outcome.reasons if reason.passed is False]


@dataclass(frozen=True)
class Report:
    on: datetime.date
    groups: dict[str, list[ProgrammeResult]]   # ELIGIBLE, MAYBE, INELIGIBLE, in that order
    answers: list[tuple[flow.Question, list]]  # each question asked and the answer in words


def build(walked: flow.Walk, on: datetime.date | None = None) -> Report:
    """The report for a finished walk, on ``on`` (today by default)."""
    on = on or datetime.date.today()
    unsure_by_fact = {
        fact: question for question, token in walked.answered
        if token == flow.UNKNOWN for fact in question.facts
    }
    groups: dict[str, list[ProgrammeResult]] = {result: [] for result in GROUP_ORDER}
    for outcome in evaluate(walked.facts, on=on):
        shown = programme(outcome.programme)
        unsure = []
        for fact in outcome.missing:
            question = unsure_by_fact.get(fact)
            if question is not None and question not in unsure:
                unsure.append(question)
        groups[outcome.result].append(ProgrammeResult(
            shown, outcome, shown.amounts_on(on), [FACTS[f] for f in outcome.missing], unsure,
        ))
    answers = [(question, question.labels_for(token)) for question, token in walked.answered]
    return Report(on, groups, answers)
