"""Sessions end after inactivity, with a warning before and a polite page after."""
import time

from portal.account import session as sessions
from tests.support.accounts import (RESIDENT, STAFF_PASSWORD, STAFF_PHONE, make_account,
                                    make_staff, sign_in_through_form, signed_in_account_id)


def _age_session(client, seconds):
    with client.session_transaction() as session:
        session[sessions.SEEN] = time.time() - seconds


def test_an_active_session_goes_on(app, client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 - 5)
    assert client.get("/account/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[sessions.SEEN] < 5      # the request counted as activity


def test_an_idle_session_ends_with_a_polite_page_and_a_way_back(app, client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.get("/account/change-password?x=1")
    assert response.status_code == 303
    assert response.location == "/account/timed-out?next=/account/change-password?x%3D1"
    assert signed_in_account_id(client) is None
    html = client.get(response.location).get_data(as_text=True)
    assert "为了保护您的信息，您已自动退出。" in html
    assert "您填写的内容已保存" not in html       # unsent answers were not (test_kept_answers.py)
    assert 'href="/account/sign-in?next=/account/change-password?x%3D1"' in html


def test_a_post_after_the_time_out_returns_to_the_same_page(app, client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = client.get("/account/change-password").get_data(as_text=True)
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    from tests.support.accounts import token_from
    response = client.post("/account/change-password",
                           data={"csrf_token": token_from(html), "current_password": "x"})
    assert response.location == "/account/timed-out?next=/account/change-password"


def test_staff_time_out_offers_the_staff_sign_in(app, client, db):
    make_staff()
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.get("/staff/")
    assert response.location == "/account/timed-out?next=/staff/&staff=1"
    html = client.get(response.location).get_data(as_text=True)
    assert 'href="/staff/sign-in?next=/staff/"' in html


def test_the_time_out_page_returns_a_still_active_person_to_their_page(client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    response = client.get("/account/timed-out?next=/account/")
    assert response.status_code == 303 and response.location == "/account/"


def test_signed_in_pages_carry_the_warning_and_signed_out_pages_do_not(app, client, db):
    assert "session-timeout" not in client.get("/help").get_data(as_text=True)
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = client.get("/help").get_data(as_text=True)
    assert 'role="alertdialog"' in html and 'data-warning="120"' in html
    assert 'data-remaining="1800"' in html or 'data-remaining="1799"' in html
    assert "继续使用" in html and "js/session-timeout.js" in html
    assert 'action="/account/keep-alive?next=/help"' in html
    assert "如果2分钟内没有操作，您将自动退出。本页上还没有保存的内容不会自动保存" in html
    assert app.config["SESSION_WARNING_SECONDS"] >= 20          # WCAG 2.2.1


def test_keep_alive_extends_the_session(app, client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = client.get("/account/").get_data(as_text=True)
    from tests.support.accounts import token_from
    token = token_from(html)
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 - 30)
    response = client.post("/account/keep-alive", data={"csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["signed_in"] is True
    assert response.json["remaining_seconds"] > app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    # Without JavaScript the same button is a form that returns to the page.
    response = client.post("/account/keep-alive?next=/help", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/help"


def test_keep_alive_after_the_time_out_says_so(app, client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    from tests.support.accounts import token_from
    token = token_from(client.get("/account/").get_data(as_text=True))
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.post("/account/keep-alive", headers={"Accept": "application/json",
                                                           "X-CSRFToken": token})
    assert response.status_code in (400, 401)  # the session (and its CSRF secret) has gone
    assert signed_in_account_id(client) is None


def test_keep_alive_needs_csrf(client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    response = client.post("/account/keep-alive", headers={"Accept": "application/json"})
    assert response.status_code == 400


def test_the_clock_can_be_moved_on(app, client, db, monkeypatch):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    later = time.time() + app.config["SESSION_IDLE_MINUTES"] * 60 + 1
    monkeypatch.setattr(sessions, "clock", lambda: later)
    assert client.get("/account/").location.startswith("/account/timed-out")
