"""Finding 10: one-time codes are never stored readable in the outbox, and are removed once
delivered, failed for good, or expired."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text, update

from portal.accounts import one_time_codes, person_links, second_factor
from portal.extensions import db as _db
from portal.messages import notifications, sms
from portal.messages import outbox
from portal.messages.models import OutboxMessage
from tests.support.status import family, post
from tests.support.accounts import RESIDENT, RESIDENT_PHONE, last_code, make_account, submit

PHONE = "13700004444"


class Recorder:
    """An SMS gateway that records what it was given to send."""
    texts: list[tuple[str, str]] = []
    fail_with: str | None = None

    def __init__(self, app):
        pass

    def deliver(self, message):
        if Recorder.fail_with:
            raise ConnectionError(Recorder.fail_with % {"text": message.text})
        Recorder.texts.append((message.recipient, message.text))


@pytest.fixture()
def gateway(app, monkeypatch):
    monkeypatch.setitem(sms.BACKENDS, "recorder", Recorder)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "recorder")
    Recorder.texts, Recorder.fail_with = [], None
    return Recorder


def _raw_outbox() -> str:
    """Every column of every outbox row, as the database holds it."""
    return repr(_db.session.execute(text("SELECT * FROM outbox_message")).all())


def _assert_code_not_stored(code: str):
    assert re.fullmatch(r"\d{6}", code)
    assert code not in _raw_outbox()


@pytest.mark.parametrize("purpose", ["register", "reset", "lookup", person_links.PURPOSE,
                                     second_factor.SMS_PURPOSE])
def test_no_outbox_row_holds_a_code_readable(app, db, purpose):
    with app.test_request_context():
        one_time_codes.send(PHONE, purpose)
    code = last_code(PHONE)
    _assert_code_not_stored(code)
    [message] = _db.session.query(OutboxMessage).all()
    assert "******" in message.body and message.sealed_code
    assert one_time_codes.verify(PHONE, purpose, code).ok


def test_registration_and_reset_codes_through_the_pages(client, db):
    submit(client, "/account/register", {"phone": PHONE})
    code = last_code(PHONE)
    _assert_code_not_stored(code)
    response = submit(client, "/account/register/code", {"code": code})
    assert response.location == "/account/register/details"

    make_account(**RESIDENT)
    submit(client, "/account/reset", {"phone": RESIDENT_PHONE})
    code = last_code(RESIDENT_PHONE)
    _assert_code_not_stored(code)
    assert submit(client, "/account/reset/code", {"code": code}).location == \
        "/account/reset/password"


def test_the_person_link_and_staff_sign_in_codes_as_their_senders_send_them(app, db):
    """The proving code ("this is me", to the person's phone on record) and the staff
    second-factor code, each sent by its own module: sealed, not readable, and usable."""
    from tests.support.staff import make_application, make_person

    me = make_account(phone="13700006666", name="张三")
    person, _ = make_person()
    person.phone = PHONE
    make_application(me, person=person).relationship_to_person = "self"
    _db.session.commit()
    officer = make_account("street_officer", phone="13800006666")
    with app.test_request_context():
        person_links.send_code(me, person.id)
        second_factor.send_sms_code(officer)
    for phone, purpose in ((PHONE, person_links.PURPOSE),
                           (officer.phone, second_factor.SMS_PURPOSE)):
        code = last_code(phone)
        _assert_code_not_stored(code)
        assert one_time_codes.verify(phone, purpose, code).ok


def test_the_family_lookup_code_through_the_pages(client, db):
    f = family()
    post(client, "/status/lookup", {"reference": f.application.reference,
                                    "id_number": f.mother_id})
    _assert_code_not_stored(last_code(f.daughter.phone))


def test_the_gateway_gets_the_code_and_the_outbox_forgets_it_once_sent(app, db, gateway):
    with app.test_request_context():
        one_time_codes.send(PHONE, "register")
    [(recipient, sent)] = gateway.texts
    code = re.search(r"\d{6}", sent).group(0)
    assert recipient == PHONE and "注册账户" in sent and "******" not in sent
    message = _db.session.query(OutboxMessage).one()
    assert message.status == "sent" and message.sealed_code is None
    _assert_code_not_stored(code)
    assert one_time_codes.verify(PHONE, "register", code).ok


def test_a_failed_send_keeps_it_sealed_and_a_final_failure_removes_it(app, db, gateway):
    gateway.fail_with = "gateway refused: %(text)s"
    app.config["SMS_MAX_ATTEMPTS"], saved = 2, app.config["SMS_MAX_ATTEMPTS"]
    try:
        with app.test_request_context():
            one_time_codes.send(PHONE, "reset")
        code = last_code(PHONE)
        message = _db.session.query(OutboxMessage).one()
        assert message.status == "pending" and message.sealed_code
        assert "******" in message.last_error      # the gateway quoted the text: masked
        later = datetime.now(timezone.utc) + timedelta(minutes=5)
        assert outbox.deliver_due(now=later).failed == 1
        _db.session.refresh(message)
        assert message.status == "failed" and message.sealed_code is None
        _assert_code_not_stored(code)
    finally:
        app.config["SMS_MAX_ATTEMPTS"] = saved


def test_a_code_that_expired_before_it_was_sent_is_removed_and_not_sent(app, db, runner,
                                                                      gateway):
    gateway.fail_with = "down"
    with app.test_request_context():
        one_time_codes.send(PHONE, "register")
    gateway.fail_with = None
    later = datetime.now(timezone.utc) + timedelta(minutes=11)
    assert outbox.deliver_due(now=later).sent == 0
    assert gateway.texts == []
    message = _db.session.query(OutboxMessage).one()
    assert message.sealed_code is None and message.status == "failed"


def test_purge_outbox_codes_command_removes_expired_codes(app, db, runner, monkeypatch):
    with app.test_request_context():
        one_time_codes.send(PHONE, "register")
        one_time_codes.send("13700005555", "register")
    # Eleven minutes later for the first (the code's ten have passed; nothing has sent it).
    _db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == PHONE)
                        .values(code_expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    _db.session.commit()
    result = runner.invoke(args=["purge-outbox-codes"])
    assert result.exit_code == 0 and "Removed 1 " in result.output
    rows = dict(_db.session.execute(text(
        "SELECT recipient, sealed_code FROM outbox_message")).all())
    assert rows[PHONE] is None and rows["13700005555"]   # the fresh one is still to be sent


def test_flask_outbox_shows_stars_and_show_codes_is_for_development(app, db, runner,
                                                                  monkeypatch):
    with app.test_request_context():
        one_time_codes.send(PHONE, "register")
    code = last_code(PHONE)
    result = runner.invoke(args=["outbox"])
    assert "******" in result.output and code not in result.output
    assert code in runner.invoke(args=["outbox", "--show-codes"]).output
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["outbox", "--show-codes"])
    assert result.exit_code != 0 and code not in result.output


def test_a_body_with_a_code_but_no_mask_is_refused(app, db):
    with app.test_request_context(), pytest.raises(ValueError):
        outbox.send(PHONE, "access.unlinked", code="123456")
