"""Properties of evaluate() over any facts the fact table allows (hypothesis)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from portal.eligibility import ELIGIBLE, FACTS, INELIGIBLE, MAYBE, FactError, evaluate, programmes


def valid_value(fact):
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "int":
        return st.integers(fact.minimum, fact.maximum)
    return st.sampled_from(fact.values)


def invalid_value(fact):
    if fact.type == "bool":
        return st.one_of(st.integers(), st.text(), st.floats(allow_nan=False))
    if fact.type == "int":
        return st.one_of(
            st.integers(max_value=fact.minimum - 1),
            st.integers(min_value=fact.maximum + 1),
            st.booleans(),
            st.floats(allow_nan=False),
            st.text(),
        )
    return st.one_of(st.text().filter(lambda v: v not in fact.values), st.integers(), st.booleans())


VALUES = {name: valid_value(fact) for name, fact in FACTS.items()}
partial_facts = st.fixed_dictionaries({}, optional=VALUES)
full_facts = st.fixed_dictionaries(VALUES)
dates = st.dates(datetime.date(2015, 1, 1), datetime.date(2035, 12, 31))
CODES = [p.code for p in programmes()]


@given(partial_facts, dates)
def test_one_outcome_per_programme_consistent_with_its_reasons(facts, on):
    outcomes = evaluate(facts, on=on)
    assert [o.programme for o in outcomes] == CODES
    for o, p in zip(outcomes, programmes()):
        passed = [r.passed for r in o.reasons]
        assert len(passed) == len(p.conditions)
        if o.result == ELIGIBLE:
            assert all(answer is True for answer in passed) and o.missing == []
        elif o.result == INELIGIBLE:
            assert False in passed and o.missing == []
        else:
            assert o.result == MAYBE
            assert False not in passed and None in passed
            unsettled = {f for c, answer in zip(p.conditions, passed) if answer is None for f in c.reads}
            assert set(o.missing) <= unsettled - set(facts)


@given(full_facts, st.sets(st.sampled_from(sorted(FACTS))), dates)
def test_knowing_less_only_ever_turns_an_answer_into_maybe(facts, forgotten, on):
    """Never ineligible (or eligible) only because a fact is missing: the answer on partial facts
    is the answer on the full facts, or "maybe"."""
    partial = {name: value for name, value in facts.items() if name not in forgotten}
    for knowing_all, knowing_less in zip(evaluate(facts, on=on), evaluate(partial, on=on)):
        assert knowing_less.result in (knowing_all.result, MAYBE), knowing_all.programme


@given(partial_facts, st.text().filter(lambda name: name not in FACTS))
def test_an_unknown_fact_name_raises_naming_it(facts, name):
    try:
        evaluate({**facts, name: True})
    except FactError as error:
        assert isinstance(error, ValueError) and error.fact == name and repr(name) in str(error)
    else:
        raise AssertionError(f"{name!r} was accepted")


@st.composite
def facts_with_one_bad_value(draw):
    facts = draw(partial_facts)
    name = draw(st.sampled_from(sorted(FACTS)))
    return {**facts, name: draw(invalid_value(FACTS[name]))}, name


@given(facts_with_one_bad_value())
def test_a_value_a_fact_cannot_take_raises_naming_it(case):
    facts, name = case
    try:
        evaluate(facts)
    except FactError as error:
        assert isinstance(error, ValueError) and error.fact == name and repr(name) in str(error)
    else:
        raise AssertionError(f"{name}={facts[name]!r} was accepted")
