"""Properties of evaluate() over any facts the fact table allows (hypothesis)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from portal.eligibility import ELIGIBLE, FACTS, INELIGIBLE, MAYBE, FactError, evaluate, programmes
from portal.eligibility.consistency import CONTRADICTIONS, contradiction


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
# Facts that contradict each other are refused (tested below); the other properties are about
# facts a person can have.
partial_facts = st.fixed_dictionaries({}, optional=VALUES).filter(lambda f: contradiction(f) is None)
full_facts = st.fixed_dictionaries(VALUES).filter(lambda f: contradiction(f) is None)
dates = st.dates(datetime.date(2015, 1, 1), datetime.date(2035, 12, 31))
CODES = [p.code for p in programmes()]


@given(partial_facts, dates)
def test_one_outcome_per_programme_consistent_with_its_reasons(facts, on):
    outcomes = evaluate(facts, on=on)
    assert [o.programme for o in outcomes] == CODES
    for o, p in zip(outcomes, programmes()):
        passed = [r.passed for r in o.reasons]
        assert len(passed) == len(p.conditions_on(on))
        if o.result == ELIGIBLE:
            assert all(answer is True for answer in passed) and o.missing == []
        elif o.result == INELIGIBLE:
            assert False in passed and o.missing == []
        else:
            assert o.result == MAYBE
            assert False not in passed and None in passed
            unsettled = {f for c, answer in zip(p.conditions_on(on), passed) if answer is None for f in c.reads}
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


@given(full_facts, dates)
def test_a_condition_resting_on_a_weak_source_never_holds(facts, on):
    """A weak source can give "maybe", never "eligible": the engine's rule, for every programme."""
    for o, p in zip(evaluate(facts, on=on), programmes()):
        for condition in p.conditions_on(on):
            if condition.weak:
                assert o.checks[condition.id] is not True, (p.code, condition.id)


@st.composite
def contradicting_facts(draw):
    each = draw(st.sampled_from(CONTRADICTIONS))
    facts = draw(st.fixed_dictionaries({name: VALUES[name] for name in each.facts}).filter(each.holds))
    others = draw(partial_facts)
    return {**{k: v for k, v in others.items() if k not in facts}, **facts}, each


@given(contradicting_facts())
def test_facts_that_contradict_each_other_are_refused_naming_both(case):
    facts, _ = case
    try:
        evaluate(facts)
    except FactError as error:
        found = contradiction(facts)
        assert isinstance(error, ValueError) and set(error.facts) == set(found.facts)
        assert all(repr(name) in str(error) for name in found.facts)
    else:
        raise AssertionError(f"{facts} was accepted")
