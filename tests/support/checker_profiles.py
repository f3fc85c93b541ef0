"""Typical residents for the self-check tests (unit, app and browser): facts, and how each
would answer each question."""
from __future__ import annotations

import datetime

from portal.checker import flow

PROFILES: dict[str, dict] = {
    "老年视力残疾人（一级，低保，需要照护）": dict(
        hukou="huyi", age=68, sex="female", has_certificate=True, disability_category="visual",
        disability_grade=1, household="dibao", needs_long_term_care=True,
        needs_assistive_device=True, device_in_service_life=False, needs_home_modification=True,
        home_modifiable=True, work_injury_nursing=False, orphan_support=False,
        employment="retired", starting_business=False, education_stage="none",
        graduating_this_year=False, rural=False),
    "农村肢体残疾人（二级，低收入，下肢）": dict(
        hukou="huyi", age=45, sex="male", has_certificate=True, disability_category="physical",
        disability_grade=2, lower_limb=True, owns_motorized_wheelchair=False,
        household="low_income", needs_assistive_device=True, device_in_service_life=False,
        wants_training=True, work_injury_nursing=False, orphan_support=False,
        employment="unemployed", starting_business=False, recent_graduate_unemployed=False,
        education_stage="none", graduating_this_year=False, rural=True, farming_or_crafts=True),
    "智力残疾儿童（8岁，二级，家长代答）": dict(
        hukou="huyi", age=8, sex="male", has_certificate=True, disability_category="intellectual",
        disability_grade=2, household="none", needs_rehab=True, education_stage="compulsory",
        parent_disabled_household="none", rural=False),
    "应届大学毕业生（听力三级）": dict(
        hukou="huyi", age=22, sex="female", has_certificate=True, disability_category="hearing",
        disability_grade=3, household="none", employment="student", starting_business=False,
        education_stage="university", graduating_this_year=True,
        recent_graduate_unemployed=False, parent_disabled_household="none", rural=False),
    "没有残疾人证的在职职工": dict(
        hukou="huyi", age=50, sex="male", has_certificate=False, household="none",
        employment="employed", starting_business=False, education_stage="none",
        graduating_this_year=False, rural=False),
    "在职的精神残疾人（三级，需要康复）": dict(
        hukou="huyi", age=35, sex="female", has_certificate=True, disability_category="mental",
        disability_grade=3, household="none", needs_rehab=True, employment="employed",
        starting_business=False, education_stage="none", graduating_this_year=False, rural=False),
    "外省户籍的肢体残疾人": dict(
        hukou="other", age=40, sex="male", has_certificate=True, disability_category="physical",
        disability_grade=3, lower_limb=False, household="none", employment="employed",
        starting_business=False, education_stage="none", graduating_this_year=False, rural=False),
    "持居住证的外市儿童（5岁，还没有残疾人证）": dict(
        hukou="shaanxi", age=5, xian_residence_permit=True, has_certificate=False,
        household="none", needs_rehab=True, education_stage="preschool",
        parent_disabled_household="none", rural=False),
    "今年毕业、已离校、还没有工作的大专生（肢体三级）": dict(
        hukou="huyi", age=21, sex="male", has_certificate=True, disability_category="physical",
        disability_grade=3, lower_limb=False, household="none", employment="unemployed",
        starting_business=False, education_stage="none", graduating_this_year=True,
        recent_graduate_unemployed=True, parent_disabled_household="none", rural=False),
}


def token_for(question: flow.Question, person: dict | None) -> str:
    """How ``person`` answers ``question`` (``None``: a default answer: the first option, 40,
    or none of the boxes); a fact the person does not know is 不清楚 where that is offered."""
    if question.kind == flow.CHECKBOXES:
        if person is None:
            return flow.NONE_CHOSEN
        chosen = [o.token for o in question.options if person.get(next(iter(o.facts)))]
        return flow.CODE_SEPARATOR.join(chosen) or flow.NONE_CHOSEN
    if person is None:
        return "40" if question.kind == flow.NUMBER else question.options[0].token
    value = person.get(question.fact)
    if question.kind == flow.NUMBER:
        return str(value)
    if value is None:
        if question.options[-1].token != flow.UNKNOWN:
            raise AssertionError(f"the profile must answer {question.id!r} (no 不清楚 there)")
        return flow.UNKNOWN
    return next(o.token for o in question.options if o.facts.get(question.fact) == value)


def answer_all(answers: dict, person: dict | None = None,
               on: datetime.date | None = None) -> dict[str, str]:
    """``answers`` completed, question by question, until the self-check is finished."""
    answers = dict(answers)
    while not (walked := flow.walk(answers, on)).complete:
        answers[walked.next.id] = token_for(walked.next, person)
    return answers


def path(answers: dict, on: datetime.date | None = None) -> list[tuple[str, str]]:
    """The (question id, token) pairs asked, in order, for finished answers."""
    return [(q.id, token) for q, token in flow.walk(answers, on).answered]
