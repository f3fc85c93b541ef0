"""The pre-check on the check-answers page: what the rules say about the facts entered – it
informs and never blocks."""
from datetime import date

from sqlalchemy import select

from portal.applications.models import Application, Draft
from portal.apply.journey import Journey
from tests.support.apply import fill_all, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.pages import text


def test_facts_are_derived_from_the_answers(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    journey = Journey(db.session.get(Draft, draft_id), today=date(2026, 11, 28))
    assert journey.facts() == {
        "age": 76, "sex": "female", "has_certificate": True,
        "disability_category": "physical", "disability_grade": 1, "household": "low_income",
        "hukou": "huyi", "needs_long_term_care": True, "work_injury_nursing": False,
    }
    # An expired certificate is not a valid one.
    assert Journey(db.session.get(Draft, draft_id),
                   today=date(2031, 5, 2)).facts()["has_certificate"] is False


def test_an_eligible_application_says_so_with_the_reasons(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    page = text(client.get(f"/apply/drafts/{draft_id}/check"))
    assert "初步判断：符合条件" in page
    assert "符合： 残疾等级为一级或二级" in page
    assert "不影响您提交申请" in page


def test_an_ineligible_application_is_told_why_and_can_still_be_sent(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    post(client, f"/apply/drafts/{draft_id}/questions",
         {"hukou": "huyi", "needs_long_term_care": "false", "work_injury_nursing": "false"})
    page = text(client.get(f"/apply/drafts/{draft_id}/check"))
    assert "初步判断：暂不符合条件" in page
    assert "不符合： 护理补贴发给需要长期照护的人。" in page
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303
    assert db.session.scalar(select(Application)).status == "submitted"


def test_without_a_certificate_the_precheck_says_what_to_do_first(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    draft = db.session.get(Draft, draft_id)
    draft.answers = {**draft.answers, "certificate": {"has_certificate": False}}
    db.session.commit()
    page = text(client.get(f"/apply/drafts/{draft_id}/check"))
    assert "初步判断：暂不符合条件" in page
    assert "不符合： 申请前需要先办理残疾人证。" in page


def test_what_the_rules_cannot_settle_gives_a_maybe(client, db):
    """Grade 3 intellectual disability: the district's extension has no start date yet."""
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client, relationship="guardian")
    fill_all(client, draft_id)
    draft = db.session.get(Draft, draft_id)
    draft.answers = {**draft.answers, "certificate": {
        **draft.answers["certificate"], "category": "intellectual", "grade": 3}}
    db.session.commit()
    page = text(client.get(f"/apply/drafts/{draft_id}/check"))
    assert "初步判断：可能符合，还需要确认" in page
    assert "待确认：" in page
