"""One-time codes: 6 digits, hashed, 10 minutes, 5 attempts, newest only; the SMS outbox."""
import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.accounts import one_time_codes
from portal.accounts.models import OneTimeCode
from portal.accounts.one_time_codes import Check
from portal.messages import sms
from portal.messages import outbox
from portal.messages.models import OutboxMessage
from tests.support.accounts import last_code

PHONE = "13912345678"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


def test_a_code_is_six_digits_and_stored_only_as_a_hash(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    assert len(code) == 6 and code.isdigit()
    record = db.session.scalar(select(OneTimeCode))
    assert record.code_hash != code and code not in record.code_hash and len(record.code_hash) == 64


def test_the_right_code_works_once(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.OK
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.EXPIRED


def test_a_code_is_tied_to_its_number_and_purpose(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    assert one_time_codes.verify("13912345679", "register", code, now=T0) is Check.EXPIRED
    assert one_time_codes.verify(PHONE, "reset", code, now=T0) is Check.EXPIRED
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.OK


def test_a_code_expires_after_ten_minutes(db):
    code = one_time_codes.issue(PHONE, "reset", now=T0)
    just_before = T0 + timedelta(minutes=10) - timedelta(seconds=1)
    assert one_time_codes.verify(PHONE, "reset", "000000" if code != "000000" else "111111",
                                 now=just_before) is Check.WRONG
    assert one_time_codes.verify(PHONE, "reset", code, now=T0 + timedelta(minutes=10)) \
        is Check.EXPIRED
    code = one_time_codes.issue(PHONE, "reset", now=T0)
    assert one_time_codes.verify(PHONE, "reset", code, now=just_before) is Check.OK


def _wrong(code):
    return f"{(int(code) + 1) % 1000000:06d}"


def test_five_wrong_attempts_end_the_code(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    results = [one_time_codes.verify(PHONE, "register", _wrong(code), now=T0) for _ in range(5)]
    assert results == [Check.WRONG] * 4 + [Check.TOO_MANY]
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.TOO_MANY


def test_four_wrong_attempts_still_leave_the_right_code_working(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    for _ in range(4):
        one_time_codes.verify(PHONE, "register", _wrong(code), now=T0)
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.OK


def test_a_new_code_replaces_the_old_one(db):
    old = one_time_codes.issue(PHONE, "register", now=T0)
    new = one_time_codes.issue(PHONE, "register", now=T0)
    if old != new:
        assert one_time_codes.verify(PHONE, "register", old, now=T0) is Check.WRONG
    assert one_time_codes.verify(PHONE, "register", new, now=T0) is Check.OK


def test_full_width_digits_and_spaces_are_accepted(db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    typed = " ".join(chr(ord(d) + 0xFEE0) for d in code)
    assert one_time_codes.verify(PHONE, "register", typed, now=T0) is Check.OK


def test_unknown_purpose_is_a_programming_error(db):
    with pytest.raises(ValueError):
        one_time_codes.issue(PHONE, "nonsense")


def test_send_texts_the_code_through_the_outbox_and_never_logs_it(app, db, caplog):
    caplog.set_level(logging.DEBUG)
    with app.test_request_context():
        one_time_codes.send(PHONE, "register")
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient == PHONE and message.channel == "sms"
    assert message.status == "pending"
    assert "注册账户" in message.body and "10分钟" in message.body
    code = last_code(PHONE)
    assert one_time_codes.verify(PHONE, "register", code) is Check.OK
    assert code not in caplog.text


def test_messages_can_be_sent_in_english(app, db):
    with app.test_request_context():
        one_time_codes.send(PHONE, "reset", locale="en")
    assert "reset your password" in db.session.scalar(select(OutboxMessage)).body.lower()


def test_an_unknown_sms_backend_is_refused(app, db):
    app.config["SMS_BACKEND"] = "carrier-pigeon"
    try:
        with app.test_request_context(), pytest.raises(RuntimeError):
            outbox.send(PHONE, "access.unlinked")
    finally:
        app.config["SMS_BACKEND"] = "outbox"


def test_a_registered_backend_delivers(app, db):
    delivered = []

    @sms.backend("test-gateway")
    class Gateway:
        def __init__(self, app):
            pass

        def deliver(self, message):
            delivered.append(message.text)
            message.status = "sent"

    app.config["SMS_BACKEND"] = "test-gateway"
    try:
        with app.test_request_context():
            message = outbox.send(PHONE, "access.unlinked", locale="zh_Hans_CN")
        assert delivered == [message.body] and "解除" in message.body
        assert message.status == "sent"
    finally:
        app.config["SMS_BACKEND"] = "outbox"
        sms.BACKENDS.pop("test-gateway")


def test_outbox_command_lists_recent_messages(app, runner):
    with app.test_request_context():
        outbox.send(PHONE, "access.filed_in_name", {"ref": "HY-2026-AAAAAA"})
        outbox.send("13800001111", "access.filed_in_name", {"ref": "HY-2026-BBBBBB"})
    first, second = "HY-2026-AAAAAA", "HY-2026-BBBBBB"
    result = runner.invoke(args=["outbox"])
    assert result.exit_code == 0
    assert result.output.index(second) < result.output.index(first)
    result = runner.invoke(args=["outbox", "--phone", "139 1234 5678"])
    assert first in result.output and second not in result.output
    result = runner.invoke(args=["outbox", "--limit", "1"])
    assert second in result.output and first not in result.output


def test_outbox_command_on_an_empty_outbox(runner):
    result = runner.invoke(args=["outbox"])
    assert result.exit_code == 0 and "empty" in result.output


def test_the_outbox_is_not_readable_through_any_page(app, client):
    with app.test_request_context():
        outbox.send(PHONE, "code.register", {"code": "987654", "minutes": 10})
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            assert "987654" not in client.get(rule.rule).get_data(as_text=True), rule.rule


def _at_once(app, count: int, typed) -> list[Check]:
    """`count` verifications released together, each in its own thread and connection (as a
    real server's workers would), like a double click or a burst of guesses."""
    import threading

    from portal.extensions import db as _db

    barrier, results = threading.Barrier(count), []

    def one(index: int) -> None:
        with app.app_context():
            barrier.wait()
            results.append(one_time_codes.verify(PHONE, "register", typed(index), now=T0))
            _db.session.remove()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_requests_sent_at_once_use_a_code_once(app, db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    db.session.commit()
    results = _at_once(app, 6, lambda _i: code)
    assert results.count(Check.OK) == 1, results


def test_a_burst_of_guesses_gets_the_attempts_between_them_not_each(app, db):
    code = one_time_codes.issue(PHONE, "register", now=T0)
    db.session.commit()
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" != code][:12]
    results = _at_once(app, 12, lambda i: wrong[i])
    assert results.count(Check.WRONG) <= app.config["ONE_TIME_CODE_MAX_ATTEMPTS"] - 1, results
    db.session.expire_all()
    assert db.session.scalar(select(OneTimeCode)).attempts == \
        app.config["ONE_TIME_CODE_MAX_ATTEMPTS"]
    assert one_time_codes.verify(PHONE, "register", code, now=T0) is Check.TOO_MANY
