"""The self-check through the Flask client: start, one question a page, errors, back links,
changing answers, the results page and its link. Plain HTML forms – no JavaScript anywhere."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import g

from portal.checker import answer_link, flow, saved_answers
from portal.eligibility import evaluate, programme
from tests.support.checker_profiles import PROFILES, answer_all, path, token_for
from tests.support.page_check import parse, text_of

OLDER = PROFILES["老年视力残疾人（一级，低保，需要照护）"]
CHILD = PROFILES["智力残疾儿童（8岁，二级，家长代答）"]


def start(client) -> str:
    assert client.get("/check").status_code == 200
    response = client.post("/check/start")
    assert response.status_code == 303
    return response.location


def answer(client, location: str, token: str, **extra):
    question = flow.BY_ID[urlsplit(location).path.rsplit("/", 1)[1]]
    value = token.split(flow.CODE_SEPARATOR) if question.kind == flow.CHECKBOXES else token
    return client.post(location, data={"answer": value, **extra})


def complete(client, person) -> tuple[list[str], str]:
    """Answer every question the site asks as ``person`` would; the ids asked and the results
    address."""
    location = start(client)
    asked = []
    while urlsplit(location).path != "/check/results":
        question = flow.BY_ID[urlsplit(location).path.rsplit("/", 1)[1]]
        asked.append(question.id)
        response = answer(client, location, token_for(question, person))
        assert response.status_code == 303, (question.id, response.status_code)
        location = response.location
    return asked, location


def other_browser(app):
    """A second browser. (The tests hold one app context, so Flask-WTF's per-request cache of
    the CSRF token on `g` would otherwise hand it the first browser's token.)"""
    g.pop("csrf_token", None)
    return app.test_client()


def page(client, location):
    response = client.get(location)
    assert response.status_code == 200, (location, response.status_code)
    return response.get_data(as_text=True)


def section(html: str, section_id: str) -> str:
    document = parse(html)
    for element in document.iter("section"):
        if element.get("aria-labelledby") == section_id:
            return text_of(element)
    raise AssertionError(f"no section {section_id}")


# -- start ----------------------------------------------------------------------------------------

def test_start_page_says_what_happens_and_that_nothing_personal_is_kept(client):
    html = page(client, "/check")
    assert "<h1>资格自测</h1>" in html
    assert "不会问您的姓名和身份证号码" in html
    assert 'action="/check/start"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script


def test_starting_clears_earlier_answers_and_opens_the_first_question(client):
    location = start(client)
    answer(client, location, "huyi")
    with client.session_transaction() as session:
        assert session[saved_answers.KEY] == {"hukou": "huyi"}
    assert start(client).endswith("/check/hukou")
    with client.session_transaction() as session:
        assert saved_answers.KEY not in session


def test_the_home_page_leads_to_the_self_check(client):
    assert 'href="/check"' in page(client, "/")


# -- question pages -------------------------------------------------------------------------------

def test_a_question_page_is_one_question_with_the_question_as_heading(client):
    html = page(client, start(client))
    document = parse(html)
    legend = document.find(".//legend")
    assert text_of(legend.find("h1")) == "您的户口在哪里？"
    assert [text_of(label) for label in document.iter("label")] == [
        "西安市鄠邑区", "西安市其他区县", "陕西省其他市", "陕西省以外"]
    assert 'href="/check"' in html  # back to the start page
    assert "不清楚" not in html      # everyone knows their hukou


def test_sending_without_an_answer_shows_a_polite_error_linked_to_the_question(client):
    location = start(client)
    response = answer(client, location, "")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>错误：您的户口在哪里？" in html
    assert '<a href="#answer-0">请选择户口所在地</a>' in html
    assert 'id="answer-error"' in html and "aria-describedby" in html


@pytest.mark.parametrize("typed, message", [
    ("", "请填写年龄"), ("   ", "请填写年龄"), ("四十五", "年龄请只填数字，比如 45"),
    ("45.5", "年龄请只填数字，比如 45"), ("200", "年龄请填写0到130之间的数字"),
])
def test_age_errors_say_what_to_do_and_keep_what_was_typed(client, typed, message):
    location = answer(client, start(client), "huyi").location
    assert location.endswith("/check/age")
    html = answer(client, location, typed).get_data(as_text=True)
    assert f'<a href="#answer">{message}</a>' in html
    if typed.strip():
        assert f'value="{typed}"' in html
    assert 'inputmode="numeric"' in html and "（选填）" not in html


def test_age_accepts_how_people_type_it(client):
    location = answer(client, start(client), "huyi").location
    assert answer(client, location, "６８岁").location.endswith("/check/certificate")
    with client.session_transaction() as session:
        assert session[saved_answers.KEY]["age"] == "68"


def test_checkboxes_need_an_answer_and_none_cannot_go_with_others(client):
    answers = {"hukou": "huyi", "age": "68", "certificate": "y", "category": "visual",
               "grade": "1", "household": "dibao"}
    with client.session_transaction() as session:
        session[saved_answers.KEY] = answers
    html = answer(client, "/check/needs", "").get_data(as_text=True)
    assert '<a href="#answer-0">请选择您需要的帮助，或者选择“以上都不需要”</a>' in html
    html = answer(client, "/check/needs", "care~none").get_data(as_text=True)
    assert "选择了“以上都不需要”，就请不要再选择其他项" in html
    assert 'checked' in html  # what was ticked is still ticked
    assert answer(client, "/check/needs", "care").status_code == 303


def test_a_tampered_answer_is_an_error_on_the_page_not_a_crash(client):
    location = start(client)
    response = answer(client, location, "beijing")
    assert response.status_code == 200
    assert "请选择户口所在地" in response.get_data(as_text=True)


def test_a_question_not_yet_reached_sends_you_to_the_next_one(client):
    start(client)
    response = client.get("/check/grade")
    assert response.status_code == 303 and response.location.endswith("/check/hukou")
    assert client.get("/check/no_such_question").status_code == 404


def test_a_question_made_irrelevant_cannot_be_opened(client):
    with client.session_transaction() as session:
        session[saved_answers.KEY] = {"hukou": "huyi", "age": "40", "certificate": "n"}
    response = client.get("/check/grade")
    assert response.status_code == 303 and not response.location.endswith("/check/grade")


def test_back_links_follow_the_questions_asked(client):
    location = answer(client, start(client), "huyi").location
    assert 'class="back-link" href="/check/hukou"' in page(client, location)
    location = answer(client, location, "40").location
    location = answer(client, location, "n").location   # no certificate: category/grade skipped
    assert 'class="back-link" href="/check/certificate"' in page(client, location)


def test_an_earlier_answer_is_shown_when_going_back(client):
    location = answer(client, start(client), "xian").location
    html = page(client, "/check/hukou")
    assert re.search(r'<input checked[^>]*value="xian"|<input[^>]*value="xian"[^>]*checked', html)
    assert location.endswith("/check/age")


# -- the whole journey ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PROFILES))
def test_each_typical_resident_reaches_results_matching_the_rules(client, name):
    person = PROFILES[name]
    asked, location = complete(client, person)
    expected = path(answer_all({}, person))
    assert asked == [question_id for question_id, _ in expected]
    assert len(asked) <= 19  # see tests/test_checker_flow.py
    html = page(client, location)
    walked = flow.walk(answer_all({}, person))
    for outcome in evaluate(walked.facts):
        assert programme(outcome.programme).name in section(html, outcome.result), outcome.programme


def test_results_show_reasons_basis_amount_documents_and_where_to_apply(client):
    _, location = complete(client, OLDER)
    html = page(client, location)
    eligible = section(html, "eligible")
    assert "困难残疾人生活补贴" in eligible and "重度残疾人护理补贴" in eligible
    assert "✓ 符合 户籍在鄠邑区。" in eligible
    assert "依据：国发〔2015〕52号" in eligible
    assert "政策依据：《规划》（二）5" in eligible
    assert "以区民政局/区残联最新公布为准" in eligible   # amounts not known are not invented
    assert "残疾人证" in eligible and "户口簿" in eligible  # documents
    assert 'href="/apply/nursing_allowance/"' in html  # apply online, straight to it
    assert 'href="/programmes/living_allowance#offline"' in html
    ineligible = section(html, "ineligible")
    assert "✗ 不符合" in ineligible and "✓ 符合" not in ineligible
    assert "残疾人自主就业创业补贴" in ineligible or "自主就业创业补贴" in ineligible


def test_maybe_results_say_what_is_unknown_and_offer_to_change_a_dont_know(client):
    person = {**OLDER, "disability_grade": None}
    _, location = complete(client, person)
    html = page(client, location)
    maybe = section(html, "maybe")
    assert "? 待确认" in maybe
    assert "还需要确认：残疾等级" in maybe
    assert "您对“残疾人证上写的残疾等级是几级？”选了“不清楚”。" in maybe
    assert 'href="/check/grade?change=results"' in html


def test_the_answers_are_listed_with_change_links_that_return_to_the_results(client):
    _, location = complete(client, OLDER)
    html = page(client, location)
    answers = section(html, "your-answers")
    assert "您的户口在哪里？ 西安市鄠邑区" in answers
    assert "您今年多少周岁？ 68周岁" in answers
    assert "需要他人长期照护（6个月以上）、需要辅助器具" in answers
    assert 'href="/check/certificate?change=results"' in html
    change = page(client, "/check/household?change=results")
    assert f'class="back-link" href="{urlsplit(location).path}?{urlsplit(location).query}"' in change
    assert 'action="/check/household?change=results"' in change
    response = answer(client, "/check/household?change=results", "none")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/check/results"   # nothing new to ask
    assert "household.none" in response.location


def test_a_changed_answer_that_opens_new_questions_asks_them_before_the_results(client):
    _, location = complete(client, OLDER)
    response = answer(client, "/check/category?change=results", "physical")
    assert response.location.endswith("/check/lower_limb")


def test_the_session_holds_only_the_answer_tokens(client):
    complete(client, OLDER)
    with client.session_transaction() as session:
        stored = dict(session)
    answers = stored.pop(saved_answers.KEY)
    assert set(stored) <= {"_fresh", "_permanent"}   # no CSRF token either: none is needed
    assert all(re.fullmatch(r"[a-z0-9_~]+", token) for token in answers.values())


def test_results_without_a_link_redirect(client):
    assert client.get("/check/results").location.endswith("/check")
    location = answer(client, start(client), "huyi").location
    assert client.get("/check/results").location.endswith(location)
    _, finished = complete(client, CHILD)
    assert client.get("/check/results").location.endswith(urlsplit(finished).query)


# -- the results link -----------------------------------------------------------------------------

def test_the_link_reproduces_the_results_in_another_browser(app, client):
    _, location = complete(client, OLDER)
    mine = page(client, location)
    assert "保存或分享这个结果" in mine
    assert f"http://localhost{urlsplit(location).path}?" in mine
    with other_browser(app) as other:
        theirs = page(other, location)
    for group in ("eligible", "maybe", "ineligible"):
        assert section(theirs, group) == section(mine, group)
    assert "?change=results" not in theirs
    assert "修改这些回答" in theirs


def test_the_link_holds_the_answers_and_nothing_else(client):
    _, location = complete(client, OLDER)
    query = parse_qs(urlsplit(location).query)
    assert list(query) == ["a"]
    assert query["a"][0] == answer_link.encode(flow.walk(answer_all({}, OLDER)).answered)


def test_resuming_a_link_takes_its_answers_into_this_browser(app, client):
    _, location = complete(client, OLDER)
    link = parse_qs(urlsplit(location).query)["a"][0]
    with other_browser(app) as other:
        assert "修改这些回答" in page(other, location)
        response = other.post("/check/resume", data={"a": link})
        assert response.status_code == 303
        assert "?change=results" in page(other, response.location)


@pytest.mark.parametrize("link", [
    "",
    "hukou.beijing",
    "hukou.huyi-age.45",                                      # stops before the end
    "hukou.huyi-hukou.huyi",
    "name.zhang-hukou.huyi",
    "hukou",
    "hukou.huyi-age.450",
    "hukou.huyi-age.045",
    "hukou.huyi-age.45-certificate.y-category.alien",
    "hukou.HUYI",
    "hukou.huyi--age.45",
    "hukou.huyi-needs.rehab~care",
    "<script>alert(1)</script>",
    "x" * 2000,
])
def test_a_broken_or_tampered_link_gets_a_polite_page(client, link):
    response = client.get("/check/results", query_string={"a": link})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "这个结果链接打不开" in html and 'href="/check"' in html
    assert "<script>alert" not in html


def test_a_tampered_resume_gets_the_polite_page(client):
    response = client.post("/check/resume", data={"a": "hukou.mars"})
    assert response.status_code == 400
    assert "这个结果链接打不开" in response.get_data(as_text=True)


# -- English --------------------------------------------------------------------------------------

def test_the_self_check_works_in_english(english_client):
    html = page(english_client, start(english_client))
    assert "Where is your household registration (hukou)?" in html
    assert "Huyi District, Xi&#39;an" in html or "Huyi District, Xi'an" in html
    html = answer(english_client, "/check/hukou", "").get_data(as_text=True)
    assert "Choose where your hukou is registered" in html
    _, location = complete(english_client, OLDER)
    html = page(english_client, location)
    assert "Living allowance for people with disabilities in hardship" in html
    assert "Your household registration (hukou) is in Huyi District." in html
    assert "68 years old" in html


# -- answers that contradict earlier ones (issue 15) ------------------------------------------------

def test_an_answer_that_contradicts_an_earlier_one_is_refused_politely_and_kept(client):
    person = {**PROFILES["在职的精神残疾人（三级，需要康复）"], "age": 70, "household": "dibao",
              "employment": "retired"}
    location = start(client)
    while not location.endswith("/check/education"):
        question = flow.BY_ID[urlsplit(location).path.rsplit("/", 1)[1]]
        response = answer(client, location, token_for(question, person))
        assert response.status_code == 303, question.id
        location = response.location
    response = answer(client, location, "compulsory")
    assert response.status_code == 200  # not taken: the page again, with the reason
    html = response.get_data(as_text=True)
    assert "这个回答和前面的回答对不上" in html and "70周岁读小学、初中" in html
    assert 'class="error-summary"' in html or "错误：" in html
    assert "education" not in saved_answers_of(client)
    response = answer(client, location, "none")
    assert response.status_code == 303 and not response.location.endswith("/check/education")


def saved_answers_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get(saved_answers.KEY) or {})


def test_a_results_link_carrying_contradicting_answers_is_a_polite_bad_link(client):
    person = {**PROFILES["在职的精神残疾人（三级，需要康复）"], "age": 70, "household": "dibao",
              "employment": "retired", "education_stage": "none"}
    answers = answer_all({}, person)
    assert answers["education"] == "none"
    bad = answer_link.encode((flow.BY_ID[qid], "compulsory" if qid == "education" else token)
                             for qid, token in answers.items())
    response = client.get(f"/check/results?a={bad}")
    assert response.status_code == 400


def test_this_years_graduate_who_has_left_college_and_has_no_job_is_told_eligible(client):
    # Issue 15: answering "没有工作" used to imply "not studying, not graduating this year", and
    # the graduate grant came out ✗ 不符合; the same person answering "学生" was eligible.
    graduate = PROFILES["今年毕业、已离校、还没有工作的大专生（肢体三级）"]
    for employment in ("unemployed", "student"):
        person = {**graduate, "employment": employment,
                  "education_stage": "none" if employment == "unemployed" else "college"}
        asked, location = complete(client, person)
        assert "graduating" in asked
        html = page(client, location)
        assert programme("graduate_subsidy").name in section(html, "eligible"), employment
