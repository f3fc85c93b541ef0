"""The public API that the web app, the staff console and auditors call."""

import datetime
import pickle
import subprocess
import sys

import pytest

from portal.eligibility import (
    ELIGIBLE, FACTS, INELIGIBLE, MAYBE, Outcome, Text, evaluate, programme, programmes,
)

ON = datetime.date(2026, 11, 28)
SEVERE = {
    "age": 67, "sex": "female", "hukou": "huyi", "has_certificate": True,
    "disability_category": "visual", "disability_grade": 1, "household": "none",
    "needs_long_term_care": True, "work_injury_nursing": False,
}


def outcome(code, facts, on=ON) -> Outcome:
    return next(o for o in evaluate(facts, on=on) if o.programme == code)


def test_one_outcome_per_programme_in_catalogue_order():
    outcomes = evaluate({}, on=ON)
    assert [o.programme for o in outcomes] == [p.code for p in programmes()]
    assert len(outcomes) == 25


def test_outcome_shape_is_the_contracts():
    o = outcome("nursing_allowance", SEVERE)
    assert o.result == ELIGIBLE and o.missing == []
    assert isinstance(o.reasons, list)
    for text, citation, passed in o.reasons:
        assert isinstance(text, str) and isinstance(citation, str) and passed is True
    assert list(o.checks) == [c.id for c in programme("nursing_allowance").conditions_on(ON)]


def test_a_failing_reason_says_what_to_do_instead():
    o = outcome("nursing_allowance", {**SEVERE, "disability_grade": 3})
    assert o.result == INELIGIBLE
    (failed,) = [r for r in o.reasons if r.passed is False]
    (severity,) = [c for c in programme("nursing_allowance").conditions_on(ON) if c.id == "severity"]
    assert failed.text == severity.fail
    assert "生活补贴" in failed.text and "《规划》（二）5" in failed.citation


def test_reason_text_is_chinese_and_carries_english():
    text, citation, _ = outcome("nursing_allowance", SEVERE).reasons[0]
    assert isinstance(text, Text)
    assert str(text) == "户籍在鄠邑区。" and type(str(text)) is str
    assert text.en.startswith("Your household registration")
    assert text.in_locale("en") == text.en and text.in_locale("en_GB") == text.en
    assert text.in_locale("zh_Hans_CN") == str(text) and text.in_locale(None) == str(text)
    assert citation.en


def test_text_survives_pickling():
    text = Text("符合", "Eligible")
    copy = pickle.loads(pickle.dumps(text))
    assert copy == text and copy.en == "Eligible"


def test_maybe_lists_the_missing_facts_in_table_order():
    o = outcome("home_care", {"hukou": "huyi", "has_certificate": True, "disability_category": "mental"})
    assert o.result == MAYBE
    assert o.missing == ["age", "sex"]


def test_an_assessment_gives_maybe_with_nothing_missing_and_says_who_assesses():
    o = outcome("child_rehab", {"age": 4, "hukou": "huyi", "needs_rehab": True})
    assert o.result == MAYBE and o.missing == []
    unknown = [r for r in o.reasons if r.passed is None]
    assert len(unknown) == 1 and "定点康复机构" in unknown[0].text


def test_invalid_facts_raise_value_error_naming_the_fact():
    with pytest.raises(ValueError, match="'disability_grade'"):
        evaluate({"disability_grade": 7})
    with pytest.raises(ValueError, match="'colour'"):
        evaluate({"colour": "red"})


def test_on_defaults_to_today_and_must_be_a_date():
    assert [o.result for o in evaluate(SEVERE)] == [
        o.result for o in evaluate(SEVERE, on=datetime.date.today())
    ]
    assert evaluate(SEVERE, on=datetime.datetime(2026, 11, 28, 9, 30))[1].result == ELIGIBLE
    with pytest.raises(ValueError, match="'on'"):
        evaluate(SEVERE, on="2026-11-28")


def test_programme_lookup():
    p = programme("nursing_allowance")
    assert str(p.name) == "重度残疾人护理补贴" and p.name.en
    assert p.group == "living" and p.online is True
    assert p.office.phone == "12385" and p.office.address is None and p.office.note
    assert p.time_limit.working_days is None and p.time_limit.note
    assert p.easy_read and all(len(sentence) <= 30 for sentence in p.easy_read)
    with pytest.raises(KeyError, match="no programme"):
        programme("free_money")


def test_programmes_and_facts_can_be_kept_in_sets_and_dict_keys():
    assert len({programme("legal_aid"), programme("legal_aid"), programme("child_rehab")}) == 2
    assert len({FACTS["age"], FACTS["sex"]}) == 2


def test_amounts_in_force_on_a_date():
    living = programme("living_allowance")
    in_2019 = {a.id: a for a in living.amounts_on(datetime.date(2019, 6, 1))}
    assert (in_2019["under_18"].value, in_2019["from_18"].value) == (100, 60)
    assert str(in_2019["under_18"].unit) == "元/月" and in_2019["under_18"].confidence == "weak"
    now = {a.id: a for a in living.amounts_on(ON)}
    assert now["under_18"].value is None
    assert "以区民政局/区残联最新公布为准" in now["under_18"].note
    assert living.amounts_on(datetime.date(2015, 12, 31)) == []


def test_parameters_in_force_on_a_date():
    nursing = programme("nursing_allowance")
    assert nursing.parameters_on(datetime.date(2020, 12, 31)) == {"extension_grade_3_4": False}
    assert nursing.parameters_on(datetime.date(2021, 1, 1)) == {"extension_grade_3_4": None}


def test_the_package_imports_neither_flask_nor_a_database():
    code = (
        "import sys, portal.eligibility as e; e.evaluate({'age': 3}); "
        "bad = {'flask', 'sqlalchemy', 'sqlite3', 'psycopg', 'psycopg2', 'flask_sqlalchemy'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
