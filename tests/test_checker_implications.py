"""Issue 15: the self-check may not answer for anyone.

- Every implied answer (portal/checker/implications.yaml, the one reviewed place) is the only
  possible one: every other value is a declared contradiction with what implied it.
- No implied answer changes a result, and the policy officers' README lists every one.
- Every programme's deciding facts – the facts of every YAML rule case – go through the real
  question flow, answered as that person would, and come out with the result the rules give
  those facts.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from portal.checker import flow
from portal.eligibility import FACTS, MAYBE, FactError, evaluate
from portal.eligibility.casefile import load_cases
from portal.eligibility.consistency import CONTRADICTIONS, consistent_facts, contradiction

README = Path(flow.__file__).resolve().parents[1] / "eligibility" / "README.md"
CASES = load_cases()


def values_meeting(condition):
    """Every assignment of the condition's facts that meets it."""
    choices = []
    for name, allowed in condition.items():
        if isinstance(allowed, dict):
            fact = FACTS[name]
            allowed = range(allowed.get("min", fact.minimum), allowed.get("max", fact.maximum) + 1)
        choices.append([(name, value) for value in allowed])
    return [dict(combination) for combination in itertools.product(*choices)]


@pytest.mark.parametrize("implication", flow.IMPLICATIONS, ids=lambda i: i.id)
def test_every_implied_answer_is_the_only_possible_one(implication):
    (name, implied), = implication.then.items()
    for given in values_meeting(implication.condition):
        assert contradiction({**given, name: implied}) is None, (given, implied)
        for other in FACTS[name].values:
            if other != implied:
                with pytest.raises(FactError):
                    evaluate({**given, name: other})


@pytest.mark.parametrize("implication", flow.IMPLICATIONS, ids=lambda i: i.id)
def test_no_implied_answer_changes_a_result(implication):
    """On every rule case the implication applies to, the implied value is the person's own
    (or the case leaves it out), and adding it never turns a settled result the other way."""
    (name, implied), = implication.then.items()
    applied = 0
    for case in CASES:
        if not implication.applies(case.facts):
            continue
        applied += 1
        if name in case.facts:
            assert case.facts[name] == implied, case.id
            continue
        before = evaluate(case.facts, on=case.on)
        after = evaluate({**case.facts, name: implied}, on=case.on)
        for b, a in zip(before, after):
            if b.result != MAYBE:
                assert a.result == b.result, (case.id, b.programme)


def test_the_policy_officers_readme_lists_every_implication_and_contradiction():
    text = README.read_text(encoding="utf-8")
    for implication in flow.IMPLICATIONS:
        assert f"`{implication.id}`" in text and str(implication.because) in text, implication.id
    for each in CONTRADICTIONS:
        assert f"`{each.id}`" in text, each.id


# -- every programme's deciding facts through the real question flow ------------------------------

def token_for(question, person, facts):
    """How ``person`` answers: their own fact; 不清楚 where they do not know and it is offered;
    otherwise the first answer that fits everything else about them."""
    def fits(token):
        return contradiction({**person, **facts, **question.facts_for(token)}) is None

    if question.kind == flow.CHECKBOXES:
        chosen = [o.token for o in question.options if person.get(next(iter(o.facts))) is True]
        return flow.CODE_SEPARATOR.join(chosen) or flow.NONE_CHOSEN
    value = person.get(question.fact)
    if question.kind == flow.NUMBER:
        tries = [value] if value is not None else [40, 20, 10, 5, 70]
        return next(str(v) for v in tries if fits(str(v)))
    if value is not None:
        return next(o.token for o in question.options if o.facts.get(question.fact) == value)
    if question.options[-1].token == flow.UNKNOWN:
        return flow.UNKNOWN
    return next(o.token for o in question.options if fits(o.token))


def walk_as(person, on):
    answers: dict[str, str] = {}
    while not (walked := flow.walk(answers, on)).complete:
        answers[walked.next.id] = token_for(walked.next, person, walked.facts)
    return walked


def as_person(facts):
    """A case's facts as a person who answers the self-check: the older parent fact read as the
    newer one the question asks; someone who knows their grade or type of disability holds the
    certificate that states it (the self-check asks for them from the certificate)."""
    person = consistent_facts(dict(facts))
    person.pop("parent_disabled_in_dibao", None)
    if "has_certificate" not in person and {"disability_grade", "disability_category"} & set(person):
        person["has_certificate"] = True
    return person


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_rule_case_through_the_question_flow_gets_the_rules_result(case):
    person = as_person(case.facts)
    walked = walk_as(person, case.on)
    # No answer the flow took for the person (implied, or carried over) differs from theirs.
    for name, value in walked.facts.items():
        if name in person:
            assert person[name] == value, (name, value, person[name])
    # And what the flow did not ask could not have changed the result.
    truth = {o.programme: o.result for o in evaluate({**walked.facts, **person}, on=case.on)}
    for outcome in evaluate(walked.facts, on=case.on):
        if outcome.programme in case.expect:
            assert outcome.result == truth[outcome.programme], (case.name, outcome.programme)
