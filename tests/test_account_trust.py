"""Finding 12 (part): the password-reset and the registration requests take as long, and answer
the same, for an unregistered number as for a registered one; a reset code's session state cannot be replayed for a second reset;
sessions end a fixed time after signing in, however active."""
from __future__ import annotations

import re
import time
from statistics import median

import pytest
from sqlalchemy import select

from portal.account import session as sessions
from portal.accounts.models import Account, OneTimeCode
from portal.accounts.passwords import verify_password
from portal.config import Config
from portal.extensions import db as _db
from tests.support.accounts import (
    RESIDENT,
    RESIDENT_PASSWORD,
    RESIDENT_PHONE,
    STAFF_PASSWORD,
    STAFF_PHONE,
    last_code,
    make_account,
    make_staff,
    sign_in_through_form,
    signed_in_account_id,
    submit,
    token_from,
)
from tests.support.status import messages_to

UNREGISTERED = "13900007777"


# ------------------------------------------------------------------ reset timing

def _timed_reset(client, phone: str, token: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.post("/account/reset", data={"csrf_token": token, "phone": phone})
    elapsed = time.perf_counter() - started
    assert response.status_code == 303
    return elapsed, response.status_code, response.get_data()


@pytest.mark.timing
def test_a_reset_request_takes_as_long_for_an_unregistered_number(app, client, db):
    """The fastest of 20 requests each (the least disturbed by whatever else the machine is
    doing), with the production pacing (RESET_MIN_RESPONSE_SECONDS): the difference stays
    within 3 ms. Unpaced (the code before), sending the code to a registered number took
    several ms longer than doing nothing for an unknown one."""
    make_account(**RESIDENT)
    token = token_from(client.get("/account/reset").get_data(as_text=True))
    _assert_paced(app, "RESET_MIN_RESPONSE_SECONDS",
                  lambda phone: _timed_reset(client, phone, token))


def _assert_paced(app, setting: str, send) -> None:
    """With the production pacing `setting`, 20 requests each for the registered and the
    unregistered number (interleaved, so that drift of the machine hits both alike): their
    fastest differ by less than 3 ms, none is faster than the pacing, and every answer is the
    same, byte for byte. `send(phone)` → (seconds, status, body)."""
    paced = getattr(Config, setting)
    app.config[setting] = paced
    tried, bodies = [], set()
    try:
        assert paced > 0
        # Measured again, up to three times, while they differ: a busy machine can delay one
        # side of one attempt; a real difference shows in every attempt.
        for _attempt in range(3):
            registered, unregistered = [], []
            for _ in range(20):
                for phone, times in ((RESIDENT_PHONE, registered),
                                     (UNREGISTERED, unregistered)):
                    elapsed, _status, body = send(phone)
                    times.append(elapsed)
                    bodies.add(body)
            tried.append((min(registered), min(unregistered)))
            if abs(tried[-1][0] - tried[-1][1]) < 0.003:
                break
    finally:
        app.config[setting] = 0.0
    assert abs(tried[-1][0] - tried[-1][1]) < 0.003, tried
    assert min(min(pair) for pair in tried) >= paced
    assert len(bodies) == 1


@pytest.mark.timing
def test_unpaced_the_reset_request_would_tell_registered_numbers_apart(app, client, db):
    """The measurement above can fail: without pacing the registered number is slower (it
    issues and queues a code). Guards the test against passing for the wrong reason."""
    make_account(**RESIDENT)
    token = token_from(client.get("/account/reset").get_data(as_text=True))
    assert app.config["RESET_MIN_RESPONSE_SECONDS"] == 0.0
    registered = [_timed_reset(client, RESIDENT_PHONE, token)[0] for _ in range(20)]
    unregistered = [_timed_reset(client, UNREGISTERED, token)[0] for _ in range(20)]
    # Medians: one lucky fast answer must not hide a difference of several times.
    assert median(registered) > 2 * median(unregistered), (median(registered),
                                                            median(unregistered))


# ------------------------------------------------------------------ registration: no oracle

# The same first three and last four digits as RESIDENT_PHONE, so the pages, which show the
# number masked (139****1111), may be compared byte for byte.
UNREGISTERED_LOOKALIKE = "13977771111"


def _timed_register(client, phone: str, token: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.post("/account/register", data={"csrf_token": token, "phone": phone})
    elapsed = time.perf_counter() - started
    assert response.status_code == 303 and response.location == "/account/register/code"
    return elapsed, response.status_code, response.get_data()


@pytest.mark.timing
def test_a_registration_request_takes_as_long_for_a_registered_number(app, client, db):
    """As the reset request: the fastest of 20 each, with the production pacing
    (REGISTER_MIN_RESPONSE_SECONDS), differ by less than 3 ms, and the answers are the same.
    Unpaced, a new number (a code made and sealed into the outbox) and a registered one (a
    warning text to its owner) took measurably different times."""
    make_account(**RESIDENT)
    token = token_from(client.get("/account/register").get_data(as_text=True))
    _assert_paced(app, "REGISTER_MIN_RESPONSE_SECONDS",
                  lambda phone: _timed_register(client, phone, token))


def _register_pages(app, phone: str) -> tuple[str, bytes, str]:
    """What a stranger sees asking to register `phone`: the answer's Location and body, and
    the code page it leads to (its CSRF token, different in every session, left out)."""
    with app.test_client() as stranger:
        response = submit(stranger, "/account/register", {"phone": phone})
        page = stranger.get(response.location)
        assert page.status_code == 200
        html = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "TOKEN",
                      page.get_data(as_text=True))
        return response.location, response.get_data(), html


def test_registering_a_registered_number_looks_the_same_and_its_owner_is_told(app, client, db):
    make_account(**RESIDENT)
    registered = _register_pages(app, RESIDENT_PHONE)
    unregistered = _register_pages(app, UNREGISTERED_LOOKALIKE)
    assert registered == unregistered                      # words and size alike
    assert "已经注册" not in registered[2] and "已注册" not in registered[2]
    # The owner gets a text saying someone tried (and no code); the new number gets a code.
    [warning] = messages_to(RESIDENT_PHONE)
    assert "有人想用这个手机号码注册账户" in warning.body
    assert _db.session.scalar(select(OneTimeCode).where(
        OneTimeCode.phone == RESIDENT_PHONE)) is None
    assert re.fullmatch(r"\d{6}", last_code(UNREGISTERED_LOOKALIKE))


# ------------------------------------------------------------------ reset replay

def _reset_up_to_the_new_password(client):
    submit(client, "/account/reset", {"phone": RESIDENT_PHONE})
    response = submit(client, "/account/reset/code", {"code": last_code(RESIDENT_PHONE)})
    assert response.location == "/account/reset/password"


def test_a_saved_reset_cookie_cannot_reset_the_password_again(app, client, db):
    make_account(**RESIDENT)
    _reset_up_to_the_new_password(client)
    html = client.get("/account/reset/password").get_data(as_text=True)
    saved_cookie = client.get_cookie("session").value          # the attacker keeps a copy
    token = token_from(html)
    response = client.post("/account/reset/password",
                           data={"csrf_token": token, "password": "first-new-passphrase"})
    assert response.status_code == 303 and response.location == "/account/"

    with app.test_client() as replay:
        replay.set_cookie("session", saved_cookie)
        response = replay.post("/account/reset/password",
                               data={"csrf_token": token, "password": "attackers-passphrase"})
        assert response.status_code == 303 and response.location == "/account/reset"
        assert signed_in_account_id(replay) is None
    account = _db.session.scalar(_db.select(Account).where(Account.phone == RESIDENT_PHONE))
    _db.session.refresh(account)
    assert verify_password(account.password_hash, "first-new-passphrase")
    assert not verify_password(account.password_hash, "attackers-passphrase")


def test_a_new_code_allows_a_new_reset(client, db):
    make_account(**RESIDENT)
    for password in ("first-new-passphrase", "second-new-passphrase"):
        _reset_up_to_the_new_password(client)
        response = submit(client, "/account/reset/password", {"password": password})
        assert response.location == "/account/"
        submit(client, "/account/", {}, action="/account/sign-out")
    assert sign_in_through_form(client, password="second-new-passphrase").location == "/account/"


# ------------------------------------------------------------------ absolute lifetime

@pytest.fixture()
def clock(monkeypatch):
    """A clock the test moves on: sessions.clock() answers `clock.now`."""
    class Clock:
        now = time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(sessions, "clock", lambda: fake.now)
    return fake


def _stay_active_for(client, clock, hours: float, page: str) -> None:
    """A request every 20 minutes (well inside the idle time-out), the last one 20 minutes
    before `hours` have passed since signing in."""
    for _ in range(round(hours * 3) - 1):
        clock.advance(20 * 60)
        assert client.get(page).status_code == 200


def test_a_resident_session_ends_after_the_absolute_lifetime_however_active(app, client, db,
                                                                          clock):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    assert hours == 12
    _stay_active_for(client, clock, hours, "/account/")
    clock.advance(20 * 60 + 1)                                  # 12 h and a second
    response = client.get("/account/change-password")
    assert response.status_code == 303
    assert response.location == "/account/sign-in?next=/account/change-password"
    assert signed_in_account_id(client) is None
    html = client.get(response.location).get_data(as_text=True)
    assert "为了保护您的信息，每次登录最多可以使用12小时。时间已到，请重新登录。" in html
    # Signing in again starts a new lifetime.
    assert sign_in_through_form(client).location == "/account/"
    assert client.get("/account/").status_code == 200


def test_a_staff_session_ends_sooner(app, client, db, clock):
    make_staff()
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    hours = app.config["STAFF_SESSION_ABSOLUTE_HOURS"]
    assert hours == 10 < app.config["SESSION_ABSOLUTE_HOURS"]
    _stay_active_for(client, clock, hours, "/staff/")
    clock.advance(20 * 60 + 1)
    response = client.get("/staff/")
    assert response.location == "/staff/sign-in?next=/staff/"
    html = client.get(response.location).get_data(as_text=True)
    assert "每次登录最多可以使用10小时" in html


def test_keep_alive_does_not_extend_the_absolute_lifetime(app, client, db, clock):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    html = client.get("/account/").get_data(as_text=True)
    token = token_from(html)
    for _ in range(12 * 3 + 1):
        clock.advance(20 * 60)
        response = client.post("/account/keep-alive", data={"csrf_token": token},
                               headers={"Accept": "application/json"})
        if response.status_code == 401:
            break
    assert response.status_code == 401 and response.get_json() == {"signed_in": False}
    assert clock.now - time.time() >= 12 * 3600 - 1


def test_the_warning_counts_down_to_the_absolute_end_when_it_comes_first(app, client, db,
                                                                       clock):
    make_account(**RESIDENT)
    sign_in_through_form(client)
    _stay_active_for(client, clock, 12, "/account/")           # 11 h 40 min
    clock.advance(10 * 60)                         # 10 minutes left of the 12 hours
    html = client.get("/help").get_data(as_text=True)
    assert 'data-remaining="600"' in html or 'data-remaining="599"' in html


def test_a_session_from_before_the_limit_counts_from_its_next_request(app, client, db, clock):
    account = make_account(**RESIDENT)
    with client.session_transaction() as session:   # no sign-in time recorded
        session["_user_id"] = account.get_id()
        session[sessions.SEEN] = clock.now
    assert client.get("/account/").status_code == 200
    with client.session_transaction() as session:
        assert session[sessions.SIGNED_IN] == clock.now
