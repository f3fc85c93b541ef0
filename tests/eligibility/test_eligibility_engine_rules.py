"""Engine rules of issue 15: weak sources, contradictions, conditions with effective periods,
the parent's-household fact, an easy-read sentence per condition."""

import datetime
from pathlib import Path

import pytest
import yaml

from portal.eligibility import (
    ELIGIBLE, INELIGIBLE, MAYBE, FactError, ProgrammeFileError, evaluate, programme, programmes,
    validate_programme_file,
)
from portal.eligibility.catalogue import PROGRAMMES_DIR
from portal.eligibility.engine import _outcome
from portal.eligibility.loader import read_yaml

ON = datetime.date(2026, 11, 28)


def outcome(code, facts, on=ON):
    return next(o for o in evaluate(facts, on=on) if o.programme == code)


def changed_file(tmp_path: Path, code: str, change) -> Path:
    data = read_yaml(PROGRAMMES_DIR / f"{code}.yaml")
    change(data)
    path = tmp_path / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def result_of(p, facts, on=ON):
    return _outcome(p, facts, p.parameters_on(on), p.conditions_on(on)).result


# -- a weak source can give "maybe", never "eligible" ------------------------------------------

DIBAO_GRADE_3 = {"hukou": "huyi", "has_certificate": True, "household": "low_income",
                 "disability_category": "intellectual", "disability_grade": 3}


def test_a_condition_marked_weak_never_makes_a_programme_eligible(tmp_path):
    # transit_concession's certificate condition, as if its source were weak.
    path = changed_file(tmp_path, "transit_concession",
                        lambda d: d["conditions"][1].update(confidence="weak"))
    weakened = validate_programme_file(path)
    facts = {"hukou": "huyi", "has_certificate": True}
    assert result_of(programme("transit_concession"), facts) == ELIGIBLE
    assert result_of(weakened, facts) == MAYBE
    assert result_of(weakened, {**facts, "has_certificate": False}) == INELIGIBLE  # it can still fail


def test_citing_a_weak_reference_needs_the_condition_to_say_how_it_stands(tmp_path):
    def unmark(d):
        severity = next(c for c in d["conditions"] if c["id"] == "severity")
        severity["rule"]["any"][1] = severity["rule"]["any"][1]["weak"]
    with pytest.raises(ProgrammeFileError) as raised:
        validate_programme_file(changed_file(tmp_path, "dibao_single", unmark))
    assert raised.value.field == "conditions[3] (severity).confidence"
    assert "陕西省低保“单人保”做法" in str(raised.value)


def test_dibao_single_grade_3_intellectual_is_maybe_not_eligible():
    assert outcome("dibao_single", DIBAO_GRADE_3).result == MAYBE
    assert outcome("dibao_single", {**DIBAO_GRADE_3, "disability_grade": 2}).result == ELIGIBLE


# -- contradictions -------------------------------------------------------------------------------

@pytest.mark.parametrize("facts, named", [
    ({"employment": "employed", "recent_graduate_unemployed": True},
     {"employment", "recent_graduate_unemployed"}),
    ({"age": 70, "education_stage": "compulsory"}, {"age", "education_stage"}),
    ({"age": 8, "graduating_this_year": True}, {"age", "graduating_this_year"}),
    ({"age": 15, "graduating_this_year": True}, {"age", "graduating_this_year"}),   # boundary
    ({"age": 31, "education_stage": "compulsory"}, {"age", "education_stage"}),     # boundary
    ({"employment": "self_employed", "starting_business": False},
     {"employment", "starting_business"}),
    ({"parent_disabled_in_dibao": True, "parent_disabled_household": "low_income"},
     {"parent_disabled_in_dibao", "parent_disabled_household"}),
])
def test_contradicting_facts_are_refused_naming_both(facts, named):
    with pytest.raises(FactError) as raised:
        evaluate(facts, on=ON)
    assert set(raised.value.facts) == named
    assert all(repr(name) in str(raised.value) for name in named)


@pytest.mark.parametrize("facts", [
    {"employment": "unemployed", "recent_graduate_unemployed": True},
    {"employment": "student", "recent_graduate_unemployed": True},
    {"age": 20, "education_stage": "compulsory"},   # late starters are not refused
    {"age": 30, "education_stage": "compulsory"},   # boundary
    {"age": 70, "education_stage": "university"},
    {"age": 16, "graduating_this_year": True},
])
def test_unusual_but_possible_facts_are_accepted(facts):
    evaluate(facts, on=ON)


# -- the parent's household: a documented addition to the contract's facts ------------------------

def test_the_old_parent_fact_still_works_and_true_means_dibao():
    child = {"hukou": "huyi", "has_certificate": False, "education_stage": "compulsory"}
    old = outcome("education_aid", {**child, "parent_disabled_in_dibao": True})
    new = outcome("education_aid", {**child, "parent_disabled_household": "dibao"})
    assert old.result == new.result == ELIGIBLE
    low_income = outcome("education_aid", {**child, "parent_disabled_household": "low_income"})
    assert low_income.result == ELIGIBLE
    assert outcome("education_aid", {**child, "parent_disabled_household": "none"}).result == INELIGIBLE


# -- conditions with an effective period ----------------------------------------------------------

def test_a_condition_can_change_on_a_date_and_each_date_gets_its_own_version():
    nursing = programme("nursing_allowance")
    before = [c for c in nursing.conditions_on(datetime.date(2020, 12, 31)) if c.id == "severity"]
    after = [c for c in nursing.conditions_on(datetime.date(2021, 1, 1)) if c.id == "severity"]
    assert len(before) == len(after) == 1 and before[0] is not after[0]
    assert "三级、四级" not in before[0].text and "三级、四级" in after[0].text
    facts = {"hukou": "huyi", "has_certificate": True, "disability_category": "multiple",
             "disability_grade": 3, "household": "none", "needs_long_term_care": True,
             "work_injury_nursing": False}
    old = outcome("nursing_allowance", facts, on=datetime.date(2020, 12, 31))
    assert old.result == INELIGIBLE and str(before[0].fail) in [str(r.text) for r in old.reasons]
    assert outcome("nursing_allowance", facts, on=datetime.date(2021, 1, 1)).result == MAYBE


def test_versions_of_a_condition_may_not_overlap(tmp_path):
    def overlap(d):
        versions = [c for c in d["conditions"] if c["id"] == "severity"]
        versions[0]["until"] = datetime.date(2021, 6, 30)
    with pytest.raises(ProgrammeFileError, match="overlap"):
        validate_programme_file(changed_file(tmp_path, "nursing_allowance", overlap))


def test_child_rehab_31000_has_a_start_date_and_is_not_shown_for_2018():
    child = programme("child_rehab")
    (in_2018,) = child.amounts_on(datetime.date(2018, 6, 1))
    assert in_2018.value is None and "以区民政局/区残联最新公布为准" in in_2018.note
    assert child.amounts_on(datetime.date(2024, 12, 31))[0].value is None      # boundary
    assert child.amounts_on(datetime.date(2025, 1, 1))[0].value == 31000
    (in_2026,) = child.amounts_on(ON)
    assert in_2026.value == 31000 and in_2026.since == datetime.date(2025, 1, 1)


# -- an easy-read sentence for every condition ----------------------------------------------------

def test_every_condition_has_an_easy_read_sentence_in_both_languages():
    for p in programmes():
        for condition in p.conditions:
            assert condition.easy_read and condition.easy_read.en, (p.code, condition.id)
            assert len(condition.easy_read) <= 60, (p.code, condition.id)


def test_a_condition_without_an_easy_read_sentence_is_refused(tmp_path):
    path = changed_file(tmp_path, "nursing_allowance", lambda d: d["conditions"][0].pop("easy_read"))
    with pytest.raises(ProgrammeFileError) as raised:
        validate_programme_file(path)
    assert raised.value.field == "conditions[0] (hukou).easy_read"
