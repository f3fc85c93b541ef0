"""The results link: answers to text and back, and nothing else gets through."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from portal.checker import answer_link, flow
from tests.support.checker_profiles import PROFILES, answer_all


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_typical_answer_set_survives_the_round_trip(name):
    answers = answer_all({}, PROFILES[name])
    walked = flow.walk(answers)
    text = answer_link.encode(walked.answered)
    assert answer_link.decode(text) == walked.tokens
    assert answer_link.finished_walk(answer_link.decode(text)).facts == walked.facts
    assert len(text) < 300


def test_the_link_text_is_plain_and_short():
    walked = flow.walk(answer_all({}, PROFILES["农村肢体残疾人（二级，低收入，下肢）"]))
    text = answer_link.encode(walked.answered)
    assert text.startswith("hukou.huyi-age.45-certificate.y-category.physical-grade.2-")
    assert "needs.device~training" in text


def test_answers_to_questions_the_walk_skips_are_not_used():
    answers = answer_all({"certificate": "n"}, None)
    text = answer_link.encode(flow.walk(answers).answered) + "-grade.1"
    walked = answer_link.finished_walk(answer_link.decode(text))
    assert "disability_grade" not in walked.facts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghiklmnorstuy0123456789._~-"), max_size=120))
def test_any_text_is_either_a_valid_link_or_refused(text):
    try:
        answers = answer_link.decode(text)
    except answer_link.LinkError:
        return
    for question_id, token in answers.items():
        assert flow.BY_ID[question_id].check(token) == token


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_the_results_page_never_fails_on_any_link(app, text):
    with app.test_client() as client:
        response = client.get("/check/results", query_string={"a": text})
    assert response.status_code in (200, 400)
