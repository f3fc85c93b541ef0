"""Registering with an SMS code, resetting and changing the password."""
import time

from flask import g
from sqlalchemy import select

from portal.accounts.models import Account, OneTimeCode
from portal.extensions import db as _db
from tests.support.accounts import (
    RESIDENT,
    RESIDENT_PASSWORD,
    RESIDENT_PHONE,
    last_code,
    make_account,
    make_staff,
    messages_to,
    sign_in_through_form,
    signed_in_account_id,
    submit,
    token_from,
)

NEW_PHONE = "13700003333"


def _register_to_code_page(client, phone="137 0000 3333", next_=None):
    page = "/account/register" + (f"?next={next_}" if next_ else "")
    return submit(client, page, {"phone": phone})


def test_registration_from_start_to_signed_in(client, db):
    response = _register_to_code_page(client, next_="/help")
    assert response.status_code == 303
    assert response.location == "/account/register/code?next=/help"
    html = client.get(response.location).get_data(as_text=True)
    assert "137****3333" in html and 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    response = submit(client, "/account/register/code?next=/help", {"code": last_code(NEW_PHONE)})
    assert response.location == "/account/register/details?next=/help"
    html = client.get(response.location).get_data(as_text=True)
    assert 'autocomplete="new-password"' in html and 'autocomplete="name"' in html
    response = submit(client, "/account/register/details?next=/help",
                      {"display_name": " 王小明 ", "password": "xiaoming-de-mima-7"})
    assert response.status_code == 303 and response.location == "/help"
    account = _db.session.scalar(select(Account).where(Account.phone == NEW_PHONE))
    assert account.display_name == "王小明" and account.role == "resident"
    assert "xiaoming" not in account.password_hash and account.password_hash.startswith("scrypt")
    assert signed_in_account_id(client).startswith(f"{account.id}:")
    with client.session_transaction() as session:
        assert "register" not in session


def test_the_code_page_needs_a_number_first(client, db):
    assert client.get("/account/register/code").location == "/account/register"
    assert client.get("/account/register/details").location == "/account/register"


def test_details_need_a_verified_code(client, db):
    _register_to_code_page(client)
    assert client.get("/account/register/details").location == "/account/register"


def test_a_verified_code_is_good_for_thirty_minutes(client, db):
    _register_to_code_page(client)
    submit(client, "/account/register/code", {"code": last_code(NEW_PHONE)})
    with client.session_transaction() as session:
        session["register"] = {**session["register"],
                               "verified_at": time.time() - 30 * 60 - 1}
    assert client.get("/account/register/details").location == "/account/register"


def test_wrong_and_malformed_codes_are_explained(client, db):
    _register_to_code_page(client)
    code = last_code(NEW_PHONE)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    html = submit(client, "/account/register/code", {"code": wrong}).get_data(as_text=True)
    assert "验证码不正确" in html and "<title>错误：" in html
    html = submit(client, "/account/register/code", {"code": "12345"}).get_data(as_text=True)
    assert "验证码是6位数字" in html
    html = submit(client, "/account/register/code", {"code": ""}).get_data(as_text=True)
    assert "请输入短信里的验证码" in html
    for _ in range(4):
        html = submit(client, "/account/register/code", {"code": wrong}).get_data(as_text=True)
    assert "输错的次数太多" in html
    html = submit(client, "/account/register/code", {"code": code}).get_data(as_text=True)
    assert "输错的次数太多" in html


def test_resend_sends_a_new_code_and_the_old_one_stops_working(client, db):
    _register_to_code_page(client)
    first = last_code(NEW_PHONE)
    html = client.get("/account/register/code").get_data(as_text=True)
    response = client.post("/account/register/code/resend", data={"csrf_token": token_from(html)})
    assert response.location == "/account/register/code"
    assert "我们已重新发送验证码" in client.get(response.location).get_data(as_text=True)
    assert len(messages_to(NEW_PHONE)) == 2
    second = last_code(NEW_PHONE)
    if first != second:
        html = submit(client, "/account/register/code", {"code": first}).get_data(as_text=True)
        assert "验证码不正确" in html
    assert submit(client, "/account/register/code", {"code": second}).status_code == 303


def test_resend_without_a_number_goes_back_to_the_start(client, db):
    html = client.get("/account/register").get_data(as_text=True)
    response = client.post("/account/register/code/resend", data={"csrf_token": token_from(html)})
    assert response.location == "/account/register"


def test_registering_an_existing_number_reveals_nothing_on_the_page(client, db):
    make_account(**{**RESIDENT, "phone": NEW_PHONE})
    response = _register_to_code_page(client)
    assert response.location == "/account/register/code"      # the same next page
    body = messages_to(NEW_PHONE)[-1].body
    assert "已经注册过了" in body and not any(ch.isdigit() for ch in body.split("】")[1][:20])
    assert _db.session.scalar(select(OneTimeCode)) is None     # no code that could be used


def test_registration_form_errors(client, db):
    html = submit(client, "/account/register", {"phone": ""}).get_data(as_text=True)
    assert "请输入手机号码" in html
    html = submit(client, "/account/register", {"phone": "12345678901"}).get_data(as_text=True)
    assert "以13至19开头" in html and 'value="12345678901"' in html
    _register_to_code_page(client)
    submit(client, "/account/register/code", {"code": last_code(NEW_PHONE)})
    html = submit(client, "/account/register/details",
                  {"display_name": "王小明", "password": "13700003333"}).get_data(as_text=True)
    assert "密码里不能有您的手机号码" in html and 'value="王小明"' in html
    html = submit(client, "/account/register/details",
                  {"display_name": "", "password": "woaini1314"}).get_data(as_text=True)
    assert "请输入您的姓名" in html and "这个密码太常见" in html
    html = submit(client, "/account/register/details",
                  {"display_name": "王", "password": "short"}).get_data(as_text=True)
    assert "密码至少需要8个字符" in html


# ------------------------------------------------------------------ password reset

def test_password_reset_by_sms_code(client, db):
    account = make_account(**RESIDENT)
    old_version = account.session_version
    response = submit(client, "/account/reset", {"phone": RESIDENT_PHONE})
    assert response.location == "/account/reset/code"
    assert "重设登录密码" in messages_to(RESIDENT_PHONE)[-1].body
    response = submit(client, "/account/reset/code", {"code": last_code(RESIDENT_PHONE)})
    assert response.location == "/account/reset/password"
    response = submit(client, "/account/reset/password", {"password": "a-brand-new-passphrase"})
    assert response.status_code == 303 and response.location == "/account/"
    assert "密码已重设" in client.get("/account/").get_data(as_text=True)
    _db.session.refresh(account)
    assert account.session_version == old_version + 1
    submit(client, "/account/", {}, action="/account/sign-out")
    assert GENERIC_IN(sign_in_through_form(client))           # the old password no longer works
    assert sign_in_through_form(client, password="a-brand-new-passphrase").status_code == 303


def GENERIC_IN(response):
    return "手机号码或密码不正确" in response.get_data(as_text=True)


def test_reset_for_an_unknown_or_staff_number_looks_the_same_and_sends_nothing(client, db):
    make_staff()
    for phone in ("13700009999", "13800002222"):
        response = submit(client, "/account/reset", {"phone": phone})
        assert response.location == "/account/reset/code"
        html = client.get("/account/reset/code").get_data(as_text=True)
        assert "如果" in html and "已注册账户" in html
        assert messages_to(phone) == []
        response = submit(client, "/account/reset/code", {"code": "123456"})
        assert "验证码已过期或已失效" in response.get_data(as_text=True)


def test_reset_password_needs_a_verified_code(client, db):
    assert client.get("/account/reset/password").location == "/account/reset"
    make_account(**RESIDENT)
    submit(client, "/account/reset", {"phone": RESIDENT_PHONE})
    assert client.get("/account/reset/password").location == "/account/reset"


def test_reset_refuses_weak_passwords(client, db):
    make_account(**RESIDENT)
    submit(client, "/account/reset", {"phone": RESIDENT_PHONE})
    submit(client, "/account/reset/code", {"code": last_code(RESIDENT_PHONE)})
    html = submit(client, "/account/reset/password", {"password": "password1"}).get_data(
        as_text=True)
    assert "这个密码太常见" in html


# ------------------------------------------------------------------ change password

def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client, db):
    account = make_account(**RESIDENT)
    sign_in_through_form(client)
    other_device = app.test_client()
    with other_device.session_transaction() as session:  # signed in elsewhere
        session["_user_id"] = f"{account.id}:1"
    assert other_device.get("/account/").status_code == 200
    g.pop("csrf_token", None)  # the test holds one app context for both clients
    response = submit(client, "/account/change-password",
                      {"current_password": RESIDENT_PASSWORD,
                       "password": "another-good-passphrase"})
    assert response.location == "/account/"
    assert "密码已修改" in client.get("/account/").get_data(as_text=True)
    assert other_device.get("/account/").status_code == 303      # signed out there
    _db.session.refresh(account)
    assert account.session_version == 2
    assert signed_in_account_id(client) == f"{account.id}:2"


def test_changing_the_password_checks_the_current_one(client, db):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = submit(client, "/account/change-password",
                  {"current_password": "not-it", "password": "another-good-passphrase"}
                  ).get_data(as_text=True)
    assert "现在的密码不正确" in html
    html = submit(client, "/account/change-password",
                  {"current_password": RESIDENT_PASSWORD, "password": RESIDENT_PHONE}
                  ).get_data(as_text=True)
    assert "密码里不能有您的手机号码" in html


def test_account_pages_need_sign_in(client, db):
    for path in ("/account/", "/account/change-password"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.location == f"/account/sign-in?next={path}"
