"""The self-check's question flow (portal/checker/questions.yaml and flow.py), without Flask."""
from __future__ import annotations

import datetime

import pytest

from portal.checker import flow
from portal.eligibility import FACTS, ELIGIBLE, INELIGIBLE, evaluate, programmes
from tests.support.checker_profiles import PROFILES, answer_all

ON = datetime.date(2026, 11, 28)


def asked_ids(answers):
    return [question.id for question, _ in flow.walk(answers, ON).answered]


# -- the data -----------------------------------------------------------------------------------

def test_every_fact_a_programme_reads_is_asked_by_exactly_one_question():
    read = {fact for p in programmes() for c in p.conditions for fact in c.reads}
    asked = [fact for q in flow.QUESTIONS for fact in q.facts]
    assert len(asked) == len(set(asked))
    assert read <= set(asked), f"facts no question asks: {sorted(read - set(asked))}"
    assert set(asked) <= set(FACTS)


def test_option_labels_come_from_the_fact_table():
    hukou = flow.BY_ID["hukou"]
    assert [o.label for o in hukou.options] == list(FACTS["hukou"].value_labels.values())
    grade = flow.BY_ID["grade"]
    assert [o.token for o in grade.options] == ["1", "2", "3", "4", flow.UNKNOWN]
    assert grade.options[-1].label == "不清楚" and grade.options[-1].facts == {}


def test_question_texts_are_questions_in_both_languages():
    for question in flow.QUESTIONS:
        assert question.text.endswith("？"), question.id
        assert question.text.en.endswith("?"), question.id
        assert question.error and question.error.en


def test_no_question_asks_for_a_name_or_an_id_number():
    words = ("姓名", "身份证号", "电话", "地址", "name", "phone", "address")
    for question in flow.QUESTIONS:
        text = f"{question.text}{question.text.en}".lower()
        assert not any(word in text for word in words), question.id


HUKOU = "  - id: hukou\n    fact: hukou\n"


SEX = "  - id: sex\n    fact: sex\n"


@pytest.mark.parametrize("original, replacement, message", [
    (SEX, "  - id: sex\n    fact: rural\n", "already asked"),
    (HUKOU, "  - id: hukou\n    fact: no_such_fact\n", "not in the fact table"),
    (SEX, "  - id: results\n    fact: sex\n", "reserved"),
    (HUKOU, HUKOU + "    when: {age: {min: 16}}\n", "earlier question"),
    (HUKOU, HUKOU + "    when: {hukou: [beijing]}\n", "earlier question"),
    (HUKOU, HUKOU + "    implies: {huyi: {age: 40}}\n", "implications.yaml"),
    (HUKOU, HUKOU + "    otherwise: huyi\n", "implications.yaml"),
    (HUKOU, HUKOU + "    colour: red\n", "unknown field"),
])
def test_a_broken_questions_file_is_refused_naming_the_question(tmp_path, monkeypatch, original,
                                                               replacement, message):
    text = flow.QUESTIONS_FILE.read_text(encoding="utf-8")
    assert original in text
    path = tmp_path / "questions.yaml"
    path.write_text(text.replace(original, replacement), encoding="utf-8")
    monkeypatch.setattr(flow, "QUESTIONS_FILE", path)
    with pytest.raises(ValueError, match=message) as raised:
        flow._read_questions()
    assert "questions.yaml" in str(raised.value)


# -- tokens -------------------------------------------------------------------------------------

@pytest.mark.parametrize("question_id, token, facts", [
    ("hukou", "huyi", {"hukou": "huyi"}),
    ("certificate", "y", {"has_certificate": True}),
    ("certificate", "n", {"has_certificate": False}),
    ("certificate", "u", {}),
    ("grade", "2", {"disability_grade": 2}),
    ("age", "0", {"age": 0}),
    ("age", "130", {"age": 130}),
    ("needs", "care~rehab", {"needs_long_term_care": True, "needs_assistive_device": False,
                             "needs_home_modification": False, "needs_rehab": True,
                             "wants_training": False}),
    ("needs", "none", {"needs_long_term_care": False, "needs_assistive_device": False,
                       "needs_home_modification": False, "needs_rehab": False,
                       "wants_training": False}),
    # An answer gives only its own fact; what it implies is in implications.yaml.
    ("employment", "self_employed", {"employment": "self_employed"}),
])
def test_an_answer_gives_its_facts(question_id, token, facts):
    assert flow.BY_ID[question_id].facts_for(token) == facts


@pytest.mark.parametrize("question_id, token", [
    ("hukou", "beijing"), ("hukou", "u"), ("age", "131"), ("age", "045"), ("age", "-1"),
    ("age", "4.5"), ("age", ""), ("grade", "5"), ("certificate", "yes"),
    ("needs", "rehab~care"), ("needs", "care~care"), ("needs", "none~care"), ("needs", ""),
    ("needs", "flying"), ("sex", "u"),
])
def test_an_answer_a_question_cannot_take_is_refused(question_id, token):
    with pytest.raises(flow.AnswerError):
        flow.BY_ID[question_id].check(token)


@pytest.mark.parametrize("typed, value", [("45", 45), (" 45 ", 45), ("４５", 45), ("45岁", 45),
                                          ("45 周岁", 45), ("0", 0)])
def test_ages_are_read_as_people_type_them(typed, value):
    assert flow.parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "四十五", "45.5", "-3", "1e2", "4 5", "٤٥"])
def test_what_is_not_a_whole_number_is_refused(typed):
    with pytest.raises(ValueError):
        flow.parse_number(typed)


# -- skipping -----------------------------------------------------------------------------------

BASE = {"hukou": "huyi", "age": "45", "certificate": "y"}


def test_the_first_questions_are_hukou_age_and_certificate():
    assert flow.walk({}, ON).next.id == "hukou"
    assert flow.walk({"hukou": "huyi"}, ON).next.id == "age"
    assert flow.walk({"hukou": "huyi", "age": "45"}, ON).next.id == "certificate"


def test_category_and_grade_are_not_asked_without_a_certificate():
    for certificate in ("n", "u"):
        walked = flow.walk({**BASE, "certificate": certificate}, ON)
        assert walked.next.id not in ("category", "grade")
    assert flow.walk(BASE, ON).next.id == "category"


def test_legs_are_asked_about_only_for_a_physical_or_multiple_disability():
    answers = {**BASE, "category": "visual", "grade": "2"}
    assert "lower_limb" not in asked_ids({**answers, **answer_all(answers)})
    physical = {**BASE, "category": "physical", "grade": "2"}
    assert flow.walk(physical, ON).next.id == "lower_limb"
    assert flow.walk({**physical, "lower_limb": "n"}, ON).next.id != "wheelchair"
    assert flow.walk({**physical, "lower_limb": "y"}, ON).next.id == "wheelchair"


def test_graduating_is_asked_of_adults_whatever_they_answered_about_work():
    # Issue 15: "没有工作" used to imply "not studying" and so "not graduating": this year's
    # graduate who had already left college was told ✗ 不符合 for the graduate grant.
    adult = {**BASE, "category": "hearing", "grade": "3", "household": "none", "needs": "none",
             "receives": "none"}
    for employment in ("unemployed", "student", "employed"):
        answers = {**adult, "employment": employment}
        assert "graduating" in asked_ids({**answers, **answer_all(answers)}), employment
        person = {"graduating_this_year": True, "education_stage": "none", "rural": False,
                  "sex": "male", "employment": employment}
        walked = flow.walk(answer_all(answers, person), ON)
        results = {o.programme: o.result for o in evaluate(walked.facts, on=ON)}
        assert results["graduate_subsidy"] == ELIGIBLE, employment


def test_a_child_is_not_asked_about_graduating_and_is_not_a_graduate():
    child = {"hukou": "huyi", "age": "12", "certificate": "y", "category": "hearing", "grade": "3"}
    walked = flow.walk({**child, **answer_all(child)}, ON)
    assert "graduating" not in [q.id for q, _ in walked.answered]
    assert walked.facts["graduating_this_year"] is False  # implications.yaml, backed by a contradiction


def test_no_answer_about_work_settles_where_someone_studies():
    answers = {**BASE, "category": "hearing", "grade": "3", "household": "none", "needs": "none",
               "receives": "none", "employment": "employed"}
    walked = flow.walk(answers, ON)
    assert "education_stage" not in walked.facts


def test_nothing_more_is_asked_of_someone_no_programme_can_help():
    # Outside Shaanxi and no certificate: only a few questions can still matter.
    answers = {"hukou": "other", "age": "40", "certificate": "n"}
    done = {**answers, **answer_all(answers)}
    assert len(asked_ids(done)) <= 7


def test_sex_is_asked_only_when_an_age_band_that_differs_by_sex_can_still_matter():
    worker = {**BASE, "category": "intellectual", "grade": "3", "household": "none",
              "needs": "none", "receives": "none", "employment": "unemployed", "business": "n",
              "education": "none", "graduating": "n", "recent_graduate": "n", "rural": "n"}
    assert flow.walk(worker, ON).next.id == "sex"
    older = {**worker, "age": "75"}
    assert "sex" not in asked_ids({**older, **answer_all(older)})


def test_a_question_is_skipped_when_no_answer_could_change_any_open_programme():
    # The general rule, checked directly against evaluate(): for every question the walk
    # skipped, every possible answer leaves each programme that is still open unchanged.
    for person in PROFILES.values():
        answers = answer_all({}, person)
        walked = flow.walk(answers, ON)
        asked = {q.id for q, _ in walked.answered}
        facts = {}
        for question in flow.QUESTIONS:
            if question.id in asked:
                facts.update(question.facts_for(answers[question.id]))
                continue
            if not question.applies(facts) or all(f in facts for f in question.facts):
                continue
            now = evaluate(facts, on=ON)
            for trial in question.trials():
                tried = evaluate({**trial, **facts}, on=ON)
                for before, after in zip(now, tried):
                    if before.result != INELIGIBLE:
                        assert before.checks == after.checks, (question.id, before.programme)


def test_unknown_answers_leave_facts_unknown_and_programmes_open():
    answers = {**BASE, "certificate": "u"}
    walked = flow.walk({**answers, **answer_all(answers)}, ON)
    assert "has_certificate" not in walked.facts
    outcomes = {o.programme: o for o in evaluate(walked.facts, on=ON)}
    assert "has_certificate" in outcomes["transit_concession"].missing


def test_changing_an_earlier_answer_drops_the_answers_it_made_irrelevant():
    answers = {**BASE, "category": "physical", "grade": "2", "lower_limb": "y"}
    assert "lower_limb" in [q.id for q, _ in flow.walk(answers, ON).answered]
    changed = flow.walk({**answers, "category": "visual"}, ON)
    assert "lower_limb" not in [q.id for q, _ in changed.answered]
    assert "lower_limb" not in changed.facts


def test_previous_question_follows_the_path_not_the_file():
    answers = {**BASE, "certificate": "n"}
    walked = flow.walk(answers, ON)
    assert walked.previous(walked.next).id == "certificate"
    assert walked.previous(flow.BY_ID["hukou"]) is None


# -- typical residents --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PROFILES))
def test_typical_residents_answer_few_questions_and_get_the_results_of_their_facts(name):
    person = PROFILES[name]
    answers = answer_all({}, person)
    walked = flow.walk(answers, ON)
    assert walked.complete
    # 19: where they study and whether they graduate this year are asked of adults too – no
    # answer about work may settle them (issue 15).
    assert len(walked.answered) <= 19, [q.id for q, _ in walked.answered]
    # Skipping never changes a result: what the person did not have to say cannot turn a
    # programme that came out eligible or ineligible the other way.
    full = {o.programme: o.result for o in evaluate({**walked.facts, **person}, on=ON)}
    for outcome in evaluate(walked.facts, on=ON):
        if outcome.result in (ELIGIBLE, INELIGIBLE):
            assert full[outcome.programme] == outcome.result, outcome.programme


def test_the_older_blind_woman_is_told_about_the_two_allowances():
    answers = answer_all({}, PROFILES["老年视力残疾人（一级，低保，需要照护）"])
    results = {o.programme: o.result for o in evaluate(flow.walk(answers, ON).facts, on=ON)}
    assert results["living_allowance"] == ELIGIBLE
    assert results["nursing_allowance"] == ELIGIBLE
    assert results["startup_subsidy"] == INELIGIBLE
