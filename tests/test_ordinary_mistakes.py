"""Ordinary mistakes answered with the normal page, never a 500: a resident's double click on
提交 (two submits of one draft at once – one is sent, the other lands on its confirmation,
also through gunicorn with two workers), and a staff reason of only spaces or line breaks."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from portal.applications import filing as applications
from portal.applications.models import Application, Draft
from portal.extensions import db as _db
from tests.support.apply import fill_all, post, start_for_other
from tests.conftest import csrf_token
from tests.support.staff import make_application
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.gunicorn_server import served  # noqa: F401 – the fixture


@pytest.fixture()
def ready(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    return draft_id


def test_a_second_submit_arriving_while_the_first_is_sent_gets_the_confirmation(
        client, db, ready, monkeypatch):
    """The second click's request had read the draft before the first one's submit consumed
    it (what two workers do at once): it must not fail on the draft that is gone."""
    real_submit = applications.submit

    def the_other_click_first(draft_id, account, *, locale):
        real_submit(draft_id, account, locale=locale)          # the first click, done
        return real_submit(draft_id, account, locale=locale)   # this one: DraftGone

    monkeypatch.setattr(applications, "submit", the_other_click_first)
    response = post(client, f"/apply/drafts/{ready}/check", {"declaration": "y"})
    assert response.status_code == 303
    reference = db.session.scalar(select(Application.reference))
    assert f"/apply/applications/{reference}" in response.location
    assert client.get(response.location).status_code == 200


def test_a_double_click_on_submit_through_gunicorn(served, client, db, ready):
    browser = served.browser()
    assert browser.get("/_test/sign-in/13911112222").status == 302
    page = browser.get(f"/apply/drafts/{ready}/check").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    db.session.commit()
    answers, barrier = [], threading.Barrier(2)

    def click():
        barrier.wait()
        answers.append(browser.post(f"/apply/drafts/{ready}/check",
                                    {"csrf_token": token, "declaration": "y"}))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    reference = db.session.scalar(select(Application.reference))
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    assert [a.status for a in answers] == [303, 303], [a.body[:300] for a in answers]
    for answer in answers:   # both land on the confirmation (or its page after a redirect)
        location = answer.headers["Location"]
        followed = browser.get(location)
        while followed.status in (302, 303):
            followed = browser.get(followed.headers["Location"])
        assert followed.status == 200 and reference in followed.text


@pytest.mark.parametrize("action", ["reject", "request_info"])
@pytest.mark.parametrize("blank", ["   ", "\r\n\r\n", " \t\r\n　"])
def test_a_reason_of_only_spaces_is_a_polite_error_on_the_form(client, db, action, blank):
    resident = make_account("resident")
    officer = make_account("street_officer", street="ganting")
    application = make_application(resident)
    sign_in(client, officer)
    path = f"/staff/applications/{application.reference}/actions/{action}"
    response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "version": str(application.version),
                                       "message": blank, "note": "电话联系过"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>错误：" in html and "电话联系过" in html
    assert ("请写明不予批准的理由" if action == "reject" else "请写明需要申请人补充什么材料") in html
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "submitted"
