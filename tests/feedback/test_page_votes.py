"""“这个页面有用吗？” on the guides and the self-check's result: anonymous, no token, no cookie,
no JavaScript; the guide stays a kept page."""
from __future__ import annotations

from sqlalchemy import select

from portal.ratings import page_votes
from portal.ratings.models import PageVote
from tests.support.pages import main_text

GUIDE = "/programmes/nursing_allowance"


def test_a_guide_asks_and_thanks_without_a_cookie(client, db):
    page = client.get(GUIDE)
    html = page.get_data(as_text=True)
    assert "这个页面有用吗？" in html and 'action="/useful"' in html
    assert page.headers["Cache-Control"].startswith("public")      # still a kept page
    response = client.post("/useful", data={"page": "guide:nursing_allowance", "useful": "yes",
                                            "back": GUIDE})
    assert response.status_code == 303
    assert response.headers["Location"] == GUIDE + "?useful=thanks#useful"
    assert "Set-Cookie" not in response.headers
    vote = db.session.scalars(select(PageVote)).one()
    assert vote.page == "guide:nursing_allowance" and vote.useful is True
    thanked = client.get(GUIDE + "?useful=thanks")
    assert "谢谢您的回答" in main_text(thanked)
    assert 'action="/useful"' not in thanked.get_data(as_text=True)
    assert page_votes.counts()[0].useful == 1


def test_the_self_check_result_asks_too(client, db):
    from tests.support.checker_profiles import answer_all  # noqa: F401  (the checker's helpers)

    response = client.post("/useful", data={"page": "checker", "useful": "no",
                                            "back": "/checker/results?a=abc"})
    assert response.headers["Location"] == "/checker/results?a=abc&useful=thanks#useful"
    assert db.session.scalars(select(PageVote)).one().useful is False


def test_unknown_pages_and_answers_are_refused_and_back_stays_on_the_site(client, db):
    assert client.post("/useful", data={"page": "guide:nope", "useful": "yes"}).status_code == 400
    assert client.post("/useful", data={"page": "checker", "useful": "maybe"}).status_code == 400
    response = client.post("/useful", data={"page": "checker", "useful": "yes",
                                            "back": "https://evil.example/"})
    assert response.headers["Location"].startswith("/?useful=thanks")


def test_another_sites_post_is_refused(client, db):
    response = client.post("/useful", data={"page": "checker", "useful": "yes"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400
    assert db.session.scalar(select(PageVote.id)) is None
