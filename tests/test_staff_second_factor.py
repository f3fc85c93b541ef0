"""Finding 11: staff sign in with a password and a second factor (authenticator app, texted
code or a one-use recovery code); a half-signed-in session reaches nothing; enrolment right
after the password; admins reset a colleague's second factor (audited)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from portal.account import session as sessions
from portal.accounts import second_factor
from portal.accounts.models import Account, RecoveryCode
from portal.accounts.passwords import verify_password
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.people import crypto
from tests.support.accounts import (
    STAFF_PASSWORD,
    STAFF_PHONE,
    STAFF_TOTP_SECRET,
    last_code,
    make_staff,
    messages_to,
    sign_in_through_form,
    signed_in_account_id,
    submit,
    token_from,
    totp_code,
)

ADMIN_PHONE = "13800005555"


def _password_step(client, phone=STAFF_PHONE, password=STAFF_PASSWORD, next_path=None):
    page = "/staff/sign-in" + (f"?next={next_path}" if next_path else "")
    return submit(client, page, {"phone": phone, "password": password})


def _staff(phone=STAFF_PHONE, **kwargs) -> Account:
    return make_staff(phone=phone, **kwargs)


def _reload(account: Account) -> Account:
    _db.session.expire_all()
    return _db.session.get(Account, account.id)


def _actions(account_id=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if account_id is not None:
        query = query.where(AuditEvent.actor_account_id == account_id)
    return list(_db.session.scalars(query))


# ------------------------------------------------------------------ two steps

def test_the_password_alone_does_not_sign_staff_in(client, db):
    _staff()
    response = _password_step(client)
    assert response.status_code == 303 and response.location == "/staff/sign-in/verify"
    assert signed_in_account_id(client) is None
    assert client.get("/staff/").location == "/staff/sign-in?next=/staff/"
    response = submit(client, "/staff/sign-in/verify", {"code": totp_code()})
    assert response.status_code == 303 and response.location == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_the_second_step_keeps_where_the_person_was_going(client, db):
    _staff()
    response = _password_step(client, next_path="/staff/queue")
    assert response.location == "/staff/sign-in/verify?next=/staff/queue"
    response = submit(client, response.location, {"code": totp_code()})
    assert response.location == "/staff/queue"


def _fill(rule) -> dict:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if converter == "IntegerConverter" else "HY-2026-DEMA3C"
    return values


def test_a_half_signed_in_session_reaches_no_staff_route(app, client, db):
    """Every /staff/ route, GET and POST (with a valid CSRF token), after the right password
    only: each sends the person back to sign in (or does not exist for this method)."""
    _staff(role="admin", street=None)
    _password_step(client)
    token = token_from(client.get("/staff/sign-in/verify").get_data(as_text=True))
    own_steps = {"staff_auth.sign_in", "staff_auth.verify", "staff_auth.recovery",
                 "staff_auth.send_code", "staff_auth.enrol", "staff_auth.enrol_app",
                 "staff_auth.enrol_sms",
                 "staff.set_password"}   # the one-time link from a password reset: no sign-in
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or rule.endpoint in own_steps:
            continue
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **_fill(rule))
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 303, (method, url, response.status_code)
            assert response.location.startswith("/staff/sign-in?next="), (method, url)
            checked += 1
    assert checked >= 15
    assert signed_in_account_id(client) is None
    # …and the half-way state is still there: the second step finishes signing in.
    response = client.post("/staff/sign-in/verify", data={"csrf_token": token,
                                                         "code": totp_code()})
    assert response.location == "/staff/"


def test_a_staff_session_without_the_second_factor_mark_is_not_signed_in(app, client, db):
    """Defence in depth: a session that names a staff account but lacks the mark set by the
    second step (e.g. forged by some other code path) counts for nothing."""
    account = _staff()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session[sessions.SEEN] = sessions.clock()
    assert client.get("/staff/").status_code == 303
    with client.session_transaction() as session:
        session["_second_factor"] = "totp"
    assert client.get("/staff/").status_code == 200


def test_the_second_step_is_only_for_someone_who_gave_the_password(client, db):
    _staff()
    assert client.get("/staff/sign-in/verify").location == "/staff/sign-in"
    assert client.get("/staff/sign-in/recovery").location == "/staff/sign-in"
    assert client.get("/staff/second-factor/enrol").location == "/staff/sign-in"


def test_the_half_way_state_expires(app, client, db, monkeypatch):
    _staff()
    _password_step(client)
    later = sessions.clock() + app.config["SECOND_FACTOR_STEP_MINUTES"] * 60 + 1
    monkeypatch.setattr(sessions, "clock", lambda: later)
    assert client.get("/staff/sign-in/verify").location == "/staff/sign-in"


def test_the_half_way_state_ends_when_the_account_changes(client, db):
    account = _staff()
    _password_step(client)
    account.active = False
    _db.session.commit()
    assert client.get("/staff/sign-in/verify").location == "/staff/sign-in"


# ------------------------------------------------------------------ TOTP

def test_totp_accepts_one_step_either_side_and_never_the_same_code_twice(app, db):
    account = _staff()
    totp = pyotp.TOTP(STAFF_TOTP_SECRET)
    now = datetime(2026, 12, 1, 9, 0, 15, tzinfo=timezone.utc)
    with app.test_request_context():
        for offset, ok in ((-60, False), (60, False), (-30, True), (0, True), (30, True)):
            account.totp_last_step = None
            typed = totp.at(now + timedelta(seconds=offset))
            assert second_factor.verify_code(account, typed, now=now).ok is ok, offset
        account.totp_last_step = None
        code = totp.at(now)
        assert second_factor.verify_code(account, code, now=now).ok
        assert not second_factor.verify_code(account, code, now=now).ok        # replayed
        assert not second_factor.verify_code(                                   # earlier step
            account, totp.at(now - timedelta(seconds=30)), now=now).ok
        assert second_factor.verify_code(
            account, totp.at(now + timedelta(seconds=30)), now=now).ok          # a later one
        assert account.totp_last_step == totp.timecode(now) + 1


def test_the_same_code_cannot_sign_in_twice_through_the_form(app, db):
    _staff()
    code = totp_code()
    with app.test_client() as first, app.test_client() as second:
        _password_step(first)
        assert submit(first, "/staff/sign-in/verify", {"code": code}).location == "/staff/"
        _password_step(second)
        response = submit(second, "/staff/sign-in/verify", {"code": code})
        assert response.status_code == 200
        assert "验证码不正确或已经用过" in response.get_data(as_text=True)
        assert signed_in_account_id(second) is None


def test_wrong_codes_make_the_next_try_wait_and_a_right_password_does_not_clear_it(app, db):
    account = _staff()
    free = app.config["SIGN_IN_FREE_FAILURES"]
    with app.test_client() as client:
        _password_step(client)
        for _ in range(free - 1):
            response = submit(client, "/staff/sign-in/verify", {"code": "000000"})
            assert "验证码不正确" in response.get_data(as_text=True)
        response = submit(client, "/staff/sign-in/verify", {"code": "000000"})
        assert "输错的次数太多，请等1分钟后再试。" in response.get_data(as_text=True)
        # Even the right code waits now; so does a recovery code.
        response = submit(client, "/staff/sign-in/verify", {"code": totp_code()})
        assert "请等1分钟后再试" in response.get_data(as_text=True)
        assert signed_in_account_id(client) is None
    account = _reload(account)
    assert account.failed_second_factor == free
    with app.test_client() as client:     # the password again does not start the count over
        _password_step(client)
        assert _reload(account).failed_second_factor == free
    # Growing waits, as for passwords.
    with app.test_request_context():
        waits = []
        now = datetime.now(timezone.utc)
        for _ in range(3):
            account.second_factor_locked_until = None
            result = second_factor.verify_code(account, "000000", now=now)
            waits.append(result.wait_seconds)
        assert waits == [120, 240, 480]
        assert "second_factor.failed" in _actions(account.id)
        account.second_factor_locked_until = None
        account.totp_last_step = None
        assert second_factor.verify_code(account, totp_code(), now=now).ok
        assert account.failed_second_factor == 0


# ------------------------------------------------------------------ enrolment

def test_staff_without_a_second_factor_enrol_right_after_the_password(client, db):
    account = _staff(totp_secret=None)
    response = _password_step(client, next_path="/staff/queue")
    assert response.location == "/staff/second-factor/enrol?next=/staff/queue"
    assert client.get("/staff/").location == "/staff/sign-in?next=/staff/"
    assert client.get("/staff/sign-in/verify").location.startswith("/staff/second-factor/enrol")
    html = client.get("/staff/second-factor/enrol?next=/staff/queue").get_data(as_text=True)
    assert "验证器应用" in html and "短信验证码" in html
    response = submit(client, "/staff/second-factor/enrol?next=/staff/queue",
                      {"method": "totp"})
    assert response.location == "/staff/second-factor/enrol/app?next=/staff/queue"

    html = client.get(response.location).get_data(as_text=True)
    assert '<svg role="img" aria-label="二维码' in html             # the QR code, inline
    groups = re.search(r'<code class="secret-key" aria-hidden="true">(.*?)</code>', html)
    shown = re.findall(r'secret-key__group">([A-Z2-7]{4})<', groups.group(1))
    secret = "".join(shown)
    assert len(shown) == 8 and len(secret) == 32
    # For screen readers: one character at a time.
    assert " ".join(shown[0]) in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # The key is the one kept (encrypted) for this account, and the QR code carries it.
    stored = _reload(account).totp_secret_encrypted
    assert stored.startswith(crypto.PREFIX) and secret not in stored
    assert crypto.decrypt(stored) == secret
    assert client.get("/staff/second-factor/enrol/app").status_code == 200
    assert crypto.decrypt(_reload(account).totp_secret_encrypted) == secret  # same on reload
    # Not set up yet: the key alone signs nobody in.
    assert _reload(account).second_factor is None

    response = submit(client, "/staff/second-factor/enrol/app?next=/staff/queue",
                      {"code": "123456"})
    assert "验证码不正确" in response.get_data(as_text=True)
    response = submit(client, "/staff/second-factor/enrol/app?next=/staff/queue",
                      {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/staff/queue"' in html
    assert client.get("/staff/queue").status_code == 200            # signed in now
    account = _reload(account)
    assert account.second_factor == "totp"
    stored_codes = _db.session.scalars(select(RecoveryCode)
                                       .where(RecoveryCode.account_id == account.id)).all()
    assert len(stored_codes) == 10
    assert not any(code.replace("-", "") in row.code_hash for row in stored_codes
                   for code in codes)
    assert verify_password(stored_codes[0].code_hash, codes[0].replace("-", ""))
    assert "second_factor.enrol" in _actions(account.id)


def test_enrolling_with_sms_codes(client, db):
    account = _staff(totp_secret=None)
    _password_step(client)
    response = submit(client, "/staff/second-factor/enrol", {"method": "sms"})
    assert response.location == "/staff/second-factor/enrol/sms"
    html = client.get(response.location).get_data(as_text=True)
    assert "138****2222" in html or "138 **** 2222" in html or "2222" in html
    assert len(messages_to(STAFF_PHONE)) == 1
    response = submit(client, "/staff/second-factor/enrol/sms", {"code": last_code(STAFF_PHONE)})
    assert response.status_code == 200 and "您的恢复码" in response.get_data(as_text=True)
    assert _reload(account).second_factor == "sms"
    assert client.get("/staff/").status_code == 200

    # Next time: the code is texted right after the password.
    submit(client, "/staff/", {}, action="/account/sign-out")
    response = _password_step(client)
    assert response.location == "/staff/sign-in/verify"
    assert len(messages_to(STAFF_PHONE)) == 2
    assert "登录工作人员账号" in messages_to(STAFF_PHONE)[-1].body
    html = client.get("/staff/sign-in/verify").get_data(as_text=True)
    assert "重新发送验证码" in html
    response = submit(client, "/staff/sign-in/verify", {"code": last_code(STAFF_PHONE)})
    assert response.location == "/staff/"


def test_an_sms_code_can_be_sent_again(client, db):
    _staff(totp_secret=None)
    _password_step(client)
    submit(client, "/staff/second-factor/enrol", {"method": "sms"})
    first = last_code(STAFF_PHONE)
    response = submit(client, "/staff/second-factor/enrol/sms", {},
                      action="/staff/sign-in/send-code")
    assert response.location == "/staff/second-factor/enrol/sms"
    assert len(messages_to(STAFF_PHONE)) == 2
    response = submit(client, "/staff/second-factor/enrol/sms", {"code": first})
    assert "验证码不正确" in response.get_data(as_text=True)        # only the newest counts
    response = submit(client, "/staff/second-factor/enrol/sms",
                      {"code": last_code(STAFF_PHONE)})
    assert response.status_code == 200 and "您的恢复码" in response.get_data(as_text=True)


# ------------------------------------------------------------------ recovery codes

def _enrolled_with_codes(app, account) -> list[str]:
    with app.test_request_context():
        return second_factor.new_recovery_codes(account)


def test_a_recovery_code_signs_in_once(app, db):
    account = _staff()
    codes = _enrolled_with_codes(app, account)
    with app.test_client() as client:
        _password_step(client)
        html = client.get("/staff/sign-in/verify").get_data(as_text=True)
        assert 'href="/staff/sign-in/recovery"' in html
        response = submit(client, "/staff/sign-in/recovery", {"code": codes[3].upper()})
        assert response.location == "/staff/"
        html = client.get("/staff/").get_data(as_text=True)
        assert "还剩9个恢复码" in html
    with app.test_client() as client:
        _password_step(client)
        response = submit(client, "/staff/sign-in/recovery", {"code": codes[3]})
        assert "这个恢复码不正确或已经用过" in response.get_data(as_text=True)
        assert signed_in_account_id(client) is None
        response = submit(client, "/staff/sign-in/recovery",
                          {"code": " " + codes[4].replace("-", " ") + " "})
        assert response.location == "/staff/"
    assert "second_factor.recovery_used" in _actions(account.id)


def test_a_new_set_of_recovery_codes_ends_the_old_one(app, client, db):
    account = _staff()
    old = _enrolled_with_codes(app, account)
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    html = client.get("/staff/second-factor").get_data(as_text=True)
    assert "10个" in html
    response = submit(client, "/staff/second-factor", {},
                      action="/staff/second-factor/recovery-codes")
    assert response.headers["Cache-Control"] == "no-store"
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>",
                     response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    with app.test_request_context():
        assert not second_factor.verify_recovery_code(account, old[0]).ok
        assert second_factor.verify_recovery_code(_reload(account), new[0]).ok
    assert "second_factor.recovery_renewed" in _actions(account.id)


# ------------------------------------------------------------------ admins

def _admin_client(app):
    make_staff(phone=ADMIN_PHONE, role="admin", street=None, name="孙伟")
    client = app.test_client()
    sign_in_through_form(client, ADMIN_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    return client


def test_an_admin_resets_a_colleagues_second_factor(app, db):
    colleague = _staff()
    codes = _enrolled_with_codes(app, colleague)
    with app.test_client() as colleague_client:
        sign_in_through_form(colleague_client, page="/staff/sign-in", phone=STAFF_PHONE,
                             password=STAFF_PASSWORD)
        assert colleague_client.get("/staff/").status_code == 200
        with _admin_client(app) as admin:
            html = admin.get("/staff/accounts").get_data(as_text=True)
            link = f"/staff/accounts/{colleague.id}/second-factor/reset"
            assert f'href="{link}"' in html
            html = admin.get(link).get_data(as_text=True)
            assert "确认重置" in html and "验证器应用" in html
            assert _reload(colleague).second_factor == "totp"      # a GET changes nothing
            response = submit(admin, link, {})
            assert response.location == "/staff/accounts"
        colleague = _reload(colleague)
        assert colleague.second_factor is None and colleague.totp_secret_encrypted is None
        assert _db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.account_id == colleague.id)).all() == []
        # Their session has ended; the next sign-in asks them to enrol again.
        assert colleague_client.get("/staff/").status_code == 303
        response = _password_step(colleague_client)
        assert response.location == "/staff/second-factor/enrol"
        token = token_from(colleague_client.get("/staff/second-factor/enrol")
                           .get_data(as_text=True))
        response = colleague_client.post("/staff/sign-in/recovery",       # old codes: dead
                                         data={"csrf_token": token, "code": codes[0]})
        assert response.location == "/staff/second-factor/enrol"
        assert signed_in_account_id(colleague_client) is None
    event = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.second_factor_reset")).one()
    assert event.object_id == STAFF_PHONE and event.detail["account_id"] == colleague.id
    assert event.actor_account_id == _db.session.scalar(
        select(Account.id).where(Account.phone == ADMIN_PHONE))


def test_an_admin_cannot_reset_their_own_second_factor(app, db):
    with _admin_client(app) as admin:
        me = _db.session.scalar(select(Account).where(Account.phone == ADMIN_PHONE))
        assert admin.get(f"/staff/accounts/{me.id}/second-factor/reset").status_code == 404
        assert f"/staff/accounts/{me.id}/second-factor/reset" not in \
            admin.get("/staff/accounts").get_data(as_text=True)
    with app.test_request_context(), pytest.raises(second_factor.CannotResetSelf):
        second_factor.reset(me, me)


def test_only_admins_reset_second_factors(app, client, db):
    colleague = _staff(phone="13800007777", name="王芳")
    _staff(role="district_reviewer", street=None)
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    link = f"/staff/accounts/{colleague.id}/second-factor/reset"
    assert client.get(link).status_code == 403
    token = token_from(client.get("/staff/second-factor").get_data(as_text=True))
    assert client.post(link, data={"csrf_token": token}).status_code == 403
    assert _reload(colleague).second_factor == "totp"


def test_the_command_line_resets_a_second_factor(app, runner, db):
    account = _staff(role="admin", street=None)
    result = runner.invoke(args=["reset-second-factor", "--phone", STAFF_PHONE])
    assert result.exit_code == 0, result.output
    assert "Second factor removed" in result.output
    account = _reload(account)
    assert account.second_factor is None and account.session_version == 2
    event = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.second_factor_reset")).one()
    assert event.actor_account_id is None and event.detail["by"] == "command"
    result = runner.invoke(args=["reset-second-factor", "--phone", "13900009999"])
    assert result.exit_code != 0 and "no staff account" in result.output


# ------------------------------------------------------------------ migration

def test_the_migration_ends_password_only_staff_sessions(app, db):
    """0010 raises every staff account's session_version, so a session signed in before it
    (password only) ends; residents' sessions go on."""
    from alembic import command
    from flask_migrate import Migrate  # noqa: F401  (configured by the app)

    from portal.accounts.models import RESIDENT
    staff = _staff()
    resident = Account(phone="13900004444", password_hash="x", display_name="李",
                       role=RESIDENT)
    _db.session.add(resident)
    _db.session.commit()
    staff_id, resident_id = staff.id, resident.id
    _db.session.remove()  # no transaction left open (PostgreSQL's DROP TABLE would wait)
    config = app.extensions["migrate"].migrate.get_config()
    try:
        command.downgrade(config, "0007_security_id_encryption")
        command.upgrade(config, "head")
    finally:
        _db.session.remove()
    staff = _db.session.get(Account, staff_id)
    assert staff.session_version == 2
    assert staff.second_factor is None and staff.failed_second_factor == 0
    assert _db.session.get(Account, resident_id).session_version == 1


def test_rotating_keys_re_encrypts_authenticator_keys(app, runner, db):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved = app.extensions["data_encryption_keys"]
    try:
        app.extensions["data_encryption_keys"] = [old]
        account = _staff()
        before = account.totp_secret_encrypted
        app.extensions["data_encryption_keys"] = [new, old]
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0 and "Re-encrypted 1 records" in result.output
        app.extensions["data_encryption_keys"] = [new]      # the old key gone: still signs in
        account = _reload(account)
        assert account.totp_secret_encrypted != before
        with app.test_request_context():
            assert second_factor.verify_code(account, totp_code()).ok
    finally:
        app.extensions["data_encryption_keys"] = saved
