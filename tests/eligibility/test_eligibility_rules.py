"""The rule vocabulary and its three-valued logic."""

import datetime
from pathlib import Path

import pytest

from portal.eligibility import validate_programme_file
from portal.eligibility.catalogue import PROGRAMMES_DIR
from portal.eligibility.rules import RuleError, compile_rule

T, F = {"fact": "rural", "is": True}, {"fact": "rural", "is": False}
UNKNOWN = {"fact": "wants_training", "is": True}  # never given below


def answer(rule, facts=None, params=None):
    return compile_rule(rule, "rule", params or {})(facts or {"rural": True}, params or {})


@pytest.mark.parametrize(
    "rule, expected",
    [
        ({"all": [T, T]}, True),
        ({"all": [T, F]}, False),
        ({"all": [UNKNOWN, F]}, False),  # false wins over unknown
        ({"all": [T, UNKNOWN]}, None),
        ({"any": [F, F]}, False),
        ({"any": [UNKNOWN, T]}, True),  # true wins over unknown
        ({"any": [F, UNKNOWN]}, None),
        ({"not": T}, False),
        ({"not": UNKNOWN}, None),
        ({"assessment": "定点机构评估"}, None),
        ({"any": [T, {"assessment": "评估"}]}, True),
        ({"all": [F, {"assessment": "评估"}]}, False),
    ],
)
def test_three_valued_logic(rule, expected):
    assert answer(rule)[0] is expected


def test_an_unknown_answer_names_the_facts_that_would_settle_it():
    rule = {"any": [{"fact": "age", "min": 16}, {"all": [{"fact": "sex", "is": "male"}, UNKNOWN]}]}
    assert answer(rule, {}) == (None, frozenset({"age", "sex", "wants_training"}))
    assert answer(rule, {"age": 20}) == (True, frozenset())
    assert answer(rule, {"age": 3, "sex": "female"}) == (False, frozenset())


@pytest.mark.parametrize("age, expected", [(15, False), (16, True), (59, True), (60, False)])
def test_between_includes_both_ends(age, expected):
    assert answer({"fact": "age", "between": [16, 59]}, {"age": age})[0] is expected


@pytest.mark.parametrize("value", [True, False, None])
def test_a_parameter_answers_with_its_value_and_unknown_while_null(value):
    rule = compile_rule({"param": "extension"}, "rule", ["extension"])
    assert rule({}, {"extension": value}) == (value, frozenset())


def test_what_a_rule_can_ever_answer_is_known_before_it_runs():
    hukou_or_office = compile_rule(
        {"any": [{"fact": "hukou", "is": "huyi"}, {"assessment": "区残联确认"}]}, "rule", []
    )
    assert (hukou_or_office.can_pass, hukou_or_office.can_fail) == (True, False)
    assert hukou_or_office.settled_by_facts is False
    plain = compile_rule({"fact": "age", "max": 16}, "rule", [])
    assert (plain.can_pass, plain.can_fail, plain.settled_by_facts, plain.reads) == (True, True, True, {"age"})


@pytest.mark.parametrize(
    "rule, where",
    [
        ("rural", "rule"),
        ({"fact": "rural"}, "rule"),
        ({"fact": "rural", "is": True, "in": [True]}, "rule"),
        ({"fact": "age", "between": [60, 16]}, "rule.between"),
        ({"fact": "age", "between": [16]}, "rule.between"),
        ({"fact": "sex", "in": []}, "rule.in"),
        ({"all": []}, "rule.all"),
        ({"any": [T, {"fact": "sex", "is": "m"}]}, "rule.any[1].is"),
        ({"maybe": T}, "rule"),
        ({"all": [T], "any": [T]}, "rule"),
        ({"param": "nothing"}, "rule.param"),
        ({"assessment": ""}, "rule.assessment"),
    ],
)
def test_a_malformed_rule_is_refused_naming_the_part(rule, where):
    with pytest.raises(RuleError) as error:
        compile_rule(rule, "rule", [])
    assert error.value.where == where


def test_the_nursing_extension_takes_effect_on_the_date_the_office_sets(tmp_path: Path):
    """Once 区民政局/区残联 publish a start date, adding one dated entry is all it takes."""
    text = (PROGRAMMES_DIR / "nursing_allowance.yaml").read_text(encoding="utf-8")
    marker = "\nconditions:\n"
    published = (
        "      - from: 2027-03-01\n"
        "        value: true\n"
        "        source: {zh: 区民政局公告, en: District notice}\n"
        "        confidence: confirmed\n"
    )
    path = tmp_path / "nursing_allowance.yaml"
    path.write_text(text.replace(marker, "\n" + published + marker, 1), encoding="utf-8")
    nursing = validate_programme_file(path)
    grade_3_intellectual = {"disability_grade": 3, "disability_category": "intellectual"}

    def on(day):
        (severity,) = [c for c in nursing.conditions_on(day) if c.id == "severity"]
        return severity.rule(grade_3_intellectual, nursing.parameters_on(day))[0]

    assert on(datetime.date(2020, 12, 31)) is False
    assert on(datetime.date(2027, 2, 28)) is None
    assert on(datetime.date(2027, 3, 1)) is True
