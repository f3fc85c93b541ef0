"""Signing in and out: generic errors, new session id, slowing down, staff kept apart, next."""
from datetime import datetime, timedelta, timezone

import pytest

from portal.accounts.models import Account
from portal.extensions import db as _db
from tests.support.accounts import (
    RESIDENT,
    RESIDENT_PASSWORD,
    RESIDENT_PHONE,
    STAFF_PASSWORD,
    STAFF_PHONE,
    make_account,
    make_staff,
    sign_in_through_form,
    signed_in_account_id,
    submit,
    token_from,
)

GENERIC = "手机号码或密码不正确"


def test_sign_in_page_works_with_password_managers_and_paste(client):
    html = client.get("/account/sign-in").get_data(as_text=True)
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert 'type="password"' in html
    assert "onpaste" not in html and "captcha" not in html.lower()
    assert 'data-show-password="password"' in html and "js/show-password.js" in html
    assert 'aria-pressed="false"' in html


def test_a_resident_signs_in_with_any_phone_format_and_lands_on_the_account_page(client, db):
    make_account(**RESIDENT)
    response = sign_in_through_form(client, phone="+86 139-0000-1111")
    assert response.status_code == 303 and response.location == "/account/"
    assert signed_in_account_id(client).startswith(str(Account.query.one().id) + ":")
    html = client.get("/account/").get_data(as_text=True)
    assert "我的账户" in html and "139****1111" in html and RESIDENT_PHONE not in html


@pytest.mark.parametrize("phone, password", [
    (RESIDENT_PHONE, "wrong-password-1"),      # wrong password
    ("13900009999", RESIDENT_PASSWORD),        # no such account
    (STAFF_PHONE, STAFF_PASSWORD),             # a staff account on the residents' page
])
def test_every_failure_gives_the_same_generic_error(client, db, phone, password):
    make_account(**RESIDENT)
    make_staff()
    response = sign_in_through_form(client, phone=phone, password=password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert GENERIC in html and "<title>错误：" in html
    assert 'value="%s"' % phone in html            # the phone number is kept
    assert password not in html                    # the password is not
    assert "不存在" not in html and "未注册" not in html
    assert signed_in_account_id(client) is None


def test_disabled_accounts_cannot_sign_in(client, db):
    make_account(**RESIDENT, active=False)
    assert GENERIC in sign_in_through_form(client).get_data(as_text=True)


def test_empty_and_malformed_input_get_field_errors(client, db):
    html = sign_in_through_form(client, phone="", password="").get_data(as_text=True)
    assert "请输入手机号码" in html and "请输入密码" in html
    assert 'href="#phone"' in html and 'href="#password"' in html
    html = sign_in_through_form(client, phone="1391234", password="x").get_data(as_text=True)
    assert "手机号码应为11位数字" in html


def test_sign_in_starts_a_new_session(client, db):
    make_account(**RESIDENT)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["register"] = {"phone": "13900009999"}
    sign_in_through_form(client)
    with client.session_transaction() as session:
        assert "planted" not in session and "register" not in session
        assert session["_user_id"]


def test_next_is_followed_only_within_the_site(client, db):
    make_account(**RESIDENT)
    response = sign_in_through_form(client, page="/account/sign-in?next=/help%3Fa%3D1")
    assert response.location == "/help?a=1"
    client.post("/account/sign-out", data={"csrf_token": token_from(
        client.get("/account/").get_data(as_text=True))})
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = sign_in_through_form(client, page=f"/account/sign-in?next={evil}")
        assert response.location == "/account/", evil
        client.post("/account/sign-out", data={"csrf_token": token_from(
            client.get("/account/").get_data(as_text=True))})


def test_login_required_pages_send_people_to_sign_in_with_next(app, db):
    from flask_login import login_required

    from portal import create_app

    other = create_app({"ENV_NAME": "testing",
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    @other.get("/needs-login")
    @login_required
    def needs_login():
        return "secret"

    with other.test_client() as client:
        response = client.get("/needs-login?x=1")
        assert response.status_code == 303
        assert response.location == "/account/sign-in?next=/needs-login?x%3D1"
        html = client.get(response.location).get_data(as_text=True)
        assert "请先登录，再继续办理。" in html


def test_sign_out_needs_post_with_csrf(client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    assert client.get("/account/sign-out").status_code == 405
    assert client.post("/account/sign-out").status_code == 400   # no CSRF token
    assert signed_in_account_id(client) is not None
    html = client.get("/account/").get_data(as_text=True)
    response = client.post("/account/sign-out", data={"csrf_token": token_from(html)})
    assert response.status_code == 303 and response.location == "/account/signed-out"
    assert signed_in_account_id(client) is None
    assert "您已退出登录" in client.get(response.location).get_data(as_text=True)
    assert client.get("/account/").status_code == 303


def test_the_header_offers_sign_in_or_account_and_sign_out(client, db):
    html = client.get("/help").get_data(as_text=True)
    assert 'href="/account/sign-in?next=/help"' in html
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = client.get("/help").get_data(as_text=True)
    assert 'href="/account/"' in html and 'action="/account/sign-out"' in html


# ------------------------------------------------------------------ slowing down

def test_repeated_failures_make_the_account_wait_then_it_works_again(app, client, db):
    account = make_account(**RESIDENT)
    free = app.config["SIGN_IN_FREE_FAILURES"]
    for _ in range(free):
        sign_in_through_form(client, password="wrong-password-1")
    _db.session.refresh(account)
    assert account.failed_sign_ins == free
    locked_until = account.sign_in_locked_until.replace(tzinfo=timezone.utc)
    assert timedelta(seconds=50) < locked_until - datetime.now(timezone.utc) <= timedelta(seconds=60)
    # During the wait even the right password gets the generic error.
    assert GENERIC in sign_in_through_form(client).get_data(as_text=True)
    # After the wait the right password works and the counter starts again.
    account.sign_in_locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    _db.session.commit()
    assert sign_in_through_form(client).status_code == 303
    _db.session.refresh(account)
    assert account.failed_sign_ins == 0 and account.sign_in_locked_until is None


def test_the_wait_doubles_but_never_exceeds_the_maximum(app, db):
    from portal.accounts import sign_in as accounts

    account = make_account(**RESIDENT)
    now = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
    waits = []
    with app.test_request_context():
        for _ in range(14):
            account.sign_in_locked_until = None  # let each attempt reach the password check
            accounts.authenticate(RESIDENT_PHONE, "wrong-password-1", staff=False, now=now)
            locked = account.sign_in_locked_until
            waits.append(None if locked is None else
                         (locked.replace(tzinfo=timezone.utc) - now).total_seconds())
    assert waits[:4] == [None] * 4
    assert waits[4:9] == [60, 120, 240, 480, 900]
    assert max(w for w in waits if w) == app.config["SIGN_IN_LOCK_MAX_SECONDS"] == 900


def test_a_password_reset_ends_the_wait(app, db):
    from portal.accounts import sign_in as accounts

    account = make_account(**RESIDENT, failed_sign_ins=9,
                           sign_in_locked_until=datetime.now(timezone.utc) + timedelta(minutes=15))
    with app.test_request_context():
        accounts.reset_password(RESIDENT_PHONE, "a-brand-new-passphrase",
                                verified_at=datetime.now(timezone.utc))
        assert accounts.authenticate(RESIDENT_PHONE, "a-brand-new-passphrase",
                                     staff=False) is account


def test_failures_for_unknown_numbers_do_not_create_anything(client, db):
    sign_in_through_form(client, phone="13900009999", password="whatever-1")
    assert Account.query.count() == 0


def test_failed_sign_ins_are_delayed(app, db, monkeypatch):
    from portal.accounts import sign_in as accounts

    slept = []
    monkeypatch.setattr(accounts.time, "sleep", slept.append)
    app.config["SIGN_IN_FAILURE_DELAY_SECONDS"] = 0.5
    try:
        with app.test_request_context():
            accounts.authenticate("13900009999", "x", staff=False)
            make_account(**RESIDENT)
            accounts.authenticate(RESIDENT_PHONE, "wrong", staff=False)
            accounts.authenticate(RESIDENT_PHONE, RESIDENT_PASSWORD, staff=False)
    finally:
        app.config["SIGN_IN_FAILURE_DELAY_SECONDS"] = 0.0
    assert slept == [0.5, 0.5]


# ------------------------------------------------------------------ staff kept apart

def test_staff_sign_in_on_the_staff_page(client, db):
    make_staff()
    response = sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    assert response.status_code == 303 and response.location == "/staff/"
    html = client.get("/staff/").get_data(as_text=True)
    assert "赵刚" in html and "街道工作人员" in html and "甘亭街道" in html
    assert 'action="/account/sign-out"' in html


def test_a_resident_cannot_sign_in_on_the_staff_page(client, db):
    make_account(**RESIDENT)
    response = sign_in_through_form(client, page="/staff/sign-in")
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    assert signed_in_account_id(client) is None


def test_staff_sign_out_returns_to_the_staff_sign_in(client, db):
    make_staff()
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    response = submit(client, "/staff/", {}, action="/account/sign-out")
    assert response.location == "/account/signed-out?staff=1"
    html = client.get(response.location).get_data(as_text=True)
    assert 'href="/staff/sign-in"' in html


def test_staff_are_refused_on_residents_pages(client, db):
    make_staff()
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    assert client.get("/account/").status_code == 403
    assert client.get("/account/change-password").status_code == 403


def test_csrf_token_is_required_on_sign_in(client, db):
    make_account(**RESIDENT)
    response = client.post("/account/sign-in",
                           data={"phone": RESIDENT_PHONE, "password": RESIDENT_PASSWORD})
    assert response.status_code == 400
    assert signed_in_account_id(client) is None


@pytest.mark.parametrize("path", [
    "/account/sign-in", "/account/register", "/account/reset", "/staff/sign-in",
])
def test_pages_render_in_english(english_client, path):
    html = english_client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in html.split("<main")[1].split("</main>")[0])
