"""Sessions and sign-in: a new session on sign-in, sign-out and password change end every
session (a copied cookie stops working), repeated failures slow sign-in down without a long
lock-out."""
from __future__ import annotations

import pytest

from portal.accounts import second_factor
from portal.extensions import db as _db
from tests.security.world import csrf
from tests.support.accounts import PASSWORD, STAFF_TOTP_SECRET, make_account, totp_code

RESIDENT_PASSWORD = PASSWORD


@pytest.fixture()
def resident(db):
    return make_account("resident", street="")


def _sign_in(client, account, path="/account/sign-in"):
    if account.is_staff and account.second_factor is None:
        second_factor.set_demo_totp(account, STAFF_TOTP_SECRET)
        _db.session.commit()
    token = csrf(client, path)
    response = client.post(path, data={"csrf_token": token, "phone": account.phone,
                                       "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    if response.location.startswith("/staff/sign-in/verify"):
        token = csrf(client, response.location)
        response = client.post(response.location, data={
            "csrf_token": token, "code": totp_code(account.phone)})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _signed_in_with(app, cookie, page="/account/") -> bool:
    with app.test_client() as other:
        other.set_cookie("session", cookie)
        response = other.get(page)
        return response.status_code == 200


def test_sign_in_starts_a_new_session(app, client, resident):
    client.get("/account/sign-in")
    client.set_cookie("session", _cookie(client) or "")
    before = _cookie(client)
    _sign_in(client, resident)
    after = _cookie(client)
    assert after and after != before
    assert not _signed_in_with(app, before)  # the session from before sign-in gives nothing
    assert _signed_in_with(app, after)


@pytest.mark.parametrize("path", ["/account/sign-in", "/staff/sign-in"])
def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, db, path):
    account = make_account("resident" if path.startswith("/account") else "admin",
                           street="")
    _sign_in(client, account, path)
    copied = _cookie(client)
    page = "/account/" if path.startswith("/account") else "/staff/audit"
    assert _signed_in_with(app, copied, page)
    token = csrf(client, "/account/change-password")
    assert client.post("/account/sign-out", data={"csrf_token": token}).status_code == 303
    assert not _signed_in_with(app, copied, page)  # replaying the old cookie no longer works


def test_password_change_ends_other_sessions(app, client, resident):
    _sign_in(client, resident)
    with app.test_client() as laptop:
        _sign_in(laptop, resident)
        elsewhere = _cookie(laptop)
    token = csrf(client, "/account/change-password")
    response = client.post("/account/change-password", data={
        "csrf_token": token, "current_password": PASSWORD, "password": "Another-Pass-2026!x"})
    assert response.status_code in (200, 303)
    _db.session.refresh(resident)
    assert resident.session_version > 1
    assert not _signed_in_with(app, elsewhere)


def test_repeated_failures_slow_down_without_a_long_lock_out(app, client, resident):
    limit = app.config["SIGN_IN_FREE_FAILURES"]
    token = csrf(client, "/account/sign-in")
    for _ in range(limit + 3):
        client.post("/account/sign-in", data={"csrf_token": token, "phone": resident.phone,
                                              "password": "wrong-password"})
    _db.session.refresh(resident)
    assert resident.sign_in_locked_until is not None
    from datetime import datetime, timezone
    locked_until = resident.sign_in_locked_until
    if locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=timezone.utc)
    wait = (locked_until - datetime.now(timezone.utc)).total_seconds()
    assert 0 < wait <= app.config["SIGN_IN_LOCK_MAX_SECONDS"]
    assert app.config["SIGN_IN_LOCK_MAX_SECONDS"] <= 15 * 60  # never a long lock-out
    assert app.config["SIGN_IN_LOCK_SECONDS"] <= 60
