"""The self-check's forms carry no CSRF token (its first pages are kept whole for everyone);
another site's POST is refused by what the browser says of where it came from
(portal/web/same_origin.py). The settings bar may send a self-check page's form along without
a token – only for a visitor who is not signed in, and only from this site."""
from __future__ import annotations

import re

import pytest

from portal.checker import flow, saved_answers
from tests.support.accounts import make_account, sign_in

FIRST = flow.walk({}).next
CROSS = [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
         {"Origin": "https://elsewhere.example"}, {"Origin": "null"},
         # A browser that says Sec-Fetch-Site is believed over an Origin it also sends.
         {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"}]
SAME = [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
        {"Origin": "http://localhost"},
        {}]   # an old browser that sends neither: its session cookie is SameSite=Lax


def _answers(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get(saved_answers.KEY, {}))


@pytest.mark.parametrize("headers", CROSS)
def test_another_sites_answer_is_refused_and_changes_nothing(client, headers):
    response = client.post(f"/check/{FIRST.id}", data={"answer": FIRST.options[0].token},
                           headers=headers)
    assert response.status_code == 400
    assert "请求无法处理" in response.get_data(as_text=True)
    assert _answers(client) == {}


@pytest.mark.parametrize("headers", SAME)
def test_this_sites_answer_is_taken_without_a_token(client, headers):
    page = client.get(f"/check/{FIRST.id}").get_data(as_text=True)
    assert 'name="csrf_token"' not in page
    response = client.post(f"/check/{FIRST.id}", data={"answer": FIRST.options[0].token},
                           headers=headers)
    assert response.status_code == 303
    assert _answers(client) == {FIRST.id: FIRST.options[0].token}


def test_starting_again_from_another_site_keeps_the_answers(client):
    client.post(f"/check/{FIRST.id}", data={"answer": FIRST.options[0].token})
    assert client.post("/check/start", headers=CROSS[0]).status_code == 400
    assert _answers(client) == {FIRST.id: FIRST.options[0].token}


def _bar_post(client, next_path, headers=None, **data):
    return client.post("/preferences", query_string={"next": next_path, "bar": "1"},
                       data={"size": "large", **data}, headers=headers or {})


def test_the_bar_on_a_self_check_page_keeps_the_typed_answer_without_a_token(client):
    path = f"/check/{FIRST.id}"
    response = _bar_post(client, path, answer=FIRST.options[1].token)
    assert response.status_code == 303
    assert response.location.startswith(path)
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="zh-CN" class="size-large">' in page            # the new setting
    checked = re.search(r'<input checked[^>]* value="([^"]+)"', page)
    assert checked and checked.group(1) == FIRST.options[1].token      # the answer came back


def test_the_bar_from_another_site_is_refused(client):
    response = _bar_post(client, f"/check/{FIRST.id}", headers=CROSS[0],
                         answer=FIRST.options[1].token)
    assert response.status_code == 400
    assert 'class="size-large"' not in client.get("/").get_data(as_text=True)


def test_without_a_token_the_bar_takes_no_other_pages_form(client):
    """A page with a token sends it; a POST without one for such a page is forged."""
    response = _bar_post(client, "/status/lookup", phone="13800000000")
    assert response.status_code == 400


def test_a_signed_in_visitor_always_needs_the_token(app, client):
    sign_in(client, make_account())
    response = _bar_post(client, f"/check/{FIRST.id}", answer=FIRST.options[1].token)
    assert response.status_code == 400
    reset = client.post("/preferences/reset", query_string={"next": f"/check/{FIRST.id}"})
    assert reset.status_code == 400


def test_the_first_question_is_the_same_for_everyone_and_kept(app):
    """No token, no cookie: the first question is served from the kept pages."""
    first, second = app.test_client(), app.test_client()
    one = first.get(f"/check/{FIRST.id}")
    two = second.get(f"/check/{FIRST.id}")
    assert one.get_data() == two.get_data()
    assert "Set-Cookie" not in two.headers
    assert two.headers["Cache-Control"].startswith("public")
    start = second.get("/check")
    assert "Set-Cookie" not in start.headers and start.headers["Cache-Control"].startswith("public")
