"""``evaluate``: apply every programme's conditions to a resident's (partial) facts."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from portal.eligibility.catalogue import programmes
from portal.eligibility.consistency import consistent_facts
from portal.eligibility.facts import FACT_ORDER, validate_facts
from portal.eligibility.model import as_date
from portal.eligibility.text import Text

ELIGIBLE = "eligible"
MAYBE = "maybe"
INELIGIBLE = "ineligible"


class Reason(NamedTuple):
    """One condition as it stands for these facts.

    ``text`` is the condition when it holds or cannot be settled yet, and the ``fail`` text
    (what it means, what to do instead) when it does not. ``passed`` is True, False or None.
    """

    text: Text
    citation: Text
    passed: bool | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer for one programme.

    ``checks`` maps each condition id to its answer (True/False/None), in the same order as
    ``reasons`` – for staff views and tests that need to know which condition said what.
    """

    programme: str
    result: str  # ELIGIBLE | MAYBE | INELIGIBLE
    reasons: list[Reason]
    missing: list[str]  # facts that would settle a MAYBE, in fact-table order
    checks: dict[str, bool | None]


def evaluate(facts: Mapping[str, Any], on: datetime.date | None = None) -> list[Outcome]:
    """One :class:`Outcome` per programme, in catalogue order, for ``facts`` on the date ``on``.

    ``facts`` may be partial: a fact that is absent (or ``None``) is unknown, and an unknown fact
    never makes a programme ineligible, only "maybe". ``on`` (today by default) picks the
    conditions and parameters in force that day. An unknown fact name or a value a fact cannot
    take raises ``ValueError`` naming the fact; facts that contradict each other (see
    ``contradictions.yaml``) raise a ``FactError`` naming both.
    """
    known = consistent_facts(validate_facts(facts))
    in_force = _in_force_on(as_date(on))
    return [_outcome(p, known, *in_force[p.code]) for p in programmes()]


@functools.lru_cache(maxsize=64)
def _in_force_on(on: datetime.date) -> dict[str, tuple[dict[str, bool | None], tuple]]:
    """Each programme's parameters and conditions in force on ``on``."""
    return {p.code: (p.parameters_on(on), p.conditions_on(on)) for p in programmes()}


def _outcome(programme, facts: Mapping[str, Any], parameters, conditions) -> Outcome:
    reasons: list[Reason] = []
    checks: dict[str, bool | None] = {}
    missing: set[str] = set()
    failed = unknown = False
    for condition in conditions:
        answer, gaps = condition.rule(facts, parameters)
        if answer is True and condition.weak:
            answer = None  # a weak source can give "maybe", never "eligible"
        checks[condition.id] = answer
        if answer is True:
            reasons.append(Reason(condition.text, condition.citation, True))
        elif answer is False:
            failed = True
            reasons.append(Reason(condition.fail, condition.citation, False))
        else:
            unknown = True
            missing |= gaps
            reasons.append(Reason(condition.unknown, condition.citation, None))
    if failed:
        return Outcome(programme.code, INELIGIBLE, reasons, [], checks)
    if unknown:
        return Outcome(programme.code, MAYBE, reasons, sorted(missing, key=FACT_ORDER.__getitem__), checks)
    return Outcome(programme.code, ELIGIBLE, reasons, [], checks)
