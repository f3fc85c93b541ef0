"""Text messages: one per status change in the applicant's language, saying what happened,
what to do and by when and the reference – never personal or sensitive details – and the
sending pass (`outbox.deliver_due`: the task queued after each commit and the scheduled sweep,
portal/tasks) that sends them, retrying failures without touching the change."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.applications import status_changes, status_machine
from portal.applications.models import Application, StatusEvent
from portal.labels import programme_text_name
from portal.messages import notifications, sms
from portal.messages import outbox
from portal.messages.models import OutboxMessage
from tests.support.status import family, make_application, request_info
from tests.support.accounts import make_account

# Never in a text: the person's name, the kind of disability, the staff's own words. The
# programme's name is (issue #14: "status texts name the programme, not only the reference").
SENSITIVE = ("王秀兰", "肢体", "physical", "请补充一张清晰")
CJK = range(0x4E00, 0xA000)


def _is_chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


# ── the words ─────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("status", list(status_machine.STATUSES))
def test_every_status_has_a_text_in_the_applicants_language(app, db, status, locale):
    f = family(status=status)
    application = f.application
    application.locale = locale
    application.due_at = datetime(2026, 12, 10, 15, 59, 59, tzinfo=timezone.utc)
    db.session.commit()
    body = notifications.status_text(application, "accepted", status)
    assert application.reference in body and "12385" in body
    with force_locale(locale):
        assert programme_text_name(application.programme) in body   # named (its SMS name)
    assert _is_chinese(body) == (locale == "zh_Hans_CN"), body
    for word in SENSITIVE:
        assert word.lower() not in body.lower(), (word, body)
    if status in ("submitted", "accepted", "street_checked", "district_reviewed",
                  "needs_info", "approved"):
        assert ("2026年12月10日" if locale == "zh_Hans_CN" else "10 December 2026") in body


def test_the_request_for_information_says_what_to_do_and_by_when(app, db):
    f = family(status="accepted")
    request_info(f.application, f.officer)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == f.daughter.phone and message.application_id == f.application.id
    assert "需补充材料" in message.body and "登录平台" in message.body and "前" in message.body
    assert "请补充一张清晰" not in message.body


def test_a_resubmission_says_the_material_arrived(app, db):
    f = family(status="needs_info", previous="accepted")
    status_changes.apply_action(f.application, "resubmit", f.daughter, message="已补充")
    body = db.session.scalars(select(OutboxMessage)).one().body
    assert "我们已收到您补充的材料" in body and "已受理" in body and "已补充" not in body


def test_the_public_notice_text_gives_its_last_day(app, db):
    f = family(status="approved", programme="living_allowance")
    officer = make_account("civil_affairs")
    status_changes.apply_action(f.application, "publish", officer)
    body = db.session.scalars(select(OutboxMessage)).one().body
    assert "正在公示" in body and "公示到" in body and "年" in body


def test_approval_says_whether_a_public_notice_follows(app, db):
    with_notice = family(status="district_reviewed", programme="living_allowance")
    assert "公示" in notifications.status_text(with_notice.application, "district_reviewed",
                                               "approved")
    with_notice.application.programme = "assistive_devices"
    assert "公示" not in notifications.status_text(with_notice.application, "district_reviewed",
                                                   "approved")


def test_a_missing_deadline_falls_back_to_the_general_text(app, db):
    f = family(status="accepted")
    f.application.due_at = None
    body = notifications.status_text(f.application, "submitted", "accepted")
    assert "有新进展：已受理" in body


def test_submitting_uses_the_same_texts(app, db):
    from portal.applications import filing as applications

    f = family(status="submitted")
    message = applications.notify_submitted(f.application)
    assert message.body == notifications.status_text(f.application, None, "submitted")


# ── sending ───────────────────────────────────────────────────────────────────────────────

class Gateway:
    """A fake SMS gateway: fails while `failures` > 0, then delivers."""
    failures = 0
    delivered: list[str] = []

    def __init__(self, app):
        pass

    def deliver(self, message):
        if Gateway.failures > 0:
            Gateway.failures -= 1
            raise ConnectionError("gateway timed out")
        Gateway.delivered.append(message.body)


class Refusing:
    """A gateway that says a number cannot be reached: it marks the message failed itself."""

    def __init__(self, app):
        pass

    def deliver(self, message):
        message.status = "failed"
        message.last_error = "number does not exist"


@pytest.fixture()
def gateway(app):
    sms.BACKENDS["test-gateway"] = Gateway
    sms.BACKENDS["test-refusing"] = Refusing
    Gateway.failures, Gateway.delivered = 0, []
    app.config["SMS_BACKEND"] = "test-gateway"
    yield Gateway
    app.config["SMS_BACKEND"] = "outbox"
    sms.BACKENDS.pop("test-gateway")
    sms.BACKENDS.pop("test-refusing")


@contextmanager
def _no_gateway_yet():
    """Texts queued meanwhile wait in the outbox: the delivery queued after the commit finds
    SMS_BACKEND=outbox and sends nothing (as when it was lost) – a later pass sends them."""
    from flask import current_app

    backend = current_app.config["SMS_BACKEND"]
    current_app.config["SMS_BACKEND"] = "outbox"
    try:
        yield
    finally:
        current_app.config["SMS_BACKEND"] = backend


def _changed(db, status="accepted"):
    """An application accepted by the street: its status change and its text message, waiting
    in the outbox."""
    f = family(status="submitted")
    with _no_gateway_yet():
        status_changes.apply_action(f.application, "accept", f.officer)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.status, message.attempts) == ("pending", 0)
    return f, message


def test_the_worker_sends_waiting_messages(app, db, gateway):
    f, message = _changed(db)
    report = outbox.deliver_due()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at is not None
    assert gateway.delivered == [message.body]
    assert outbox.deliver_due().handled == 0   # nothing twice


def test_failed_sends_are_retried_with_growing_waits_then_given_up(app, db, gateway):
    f, message = _changed(db)
    gateway.failures = 100
    now = datetime.now(timezone.utc)
    waits = []
    for attempt in range(1, app.config["SMS_MAX_ATTEMPTS"] + 1):
        report = outbox.deliver_due(now=now)
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message.id)
        assert message.attempts == attempt and "gateway timed out" in message.last_error
        if attempt < app.config["SMS_MAX_ATTEMPTS"]:
            assert report.retrying == 1 and message.status == "pending"
            due = message.next_attempt_at.replace(tzinfo=timezone.utc) \
                if message.next_attempt_at.tzinfo is None else message.next_attempt_at
            waits.append((due - now).total_seconds())
            assert outbox.deliver_due(now=now).handled == 0   # not before its time
            now = due
        else:
            assert report.failed == 1 and message.status == "failed"
    assert waits == [60, 120, 240, 480, 960]
    # The status change it reports is untouched.
    application = db.session.get(Application, f.application.id)
    assert application.status == "accepted"
    assert db.session.scalars(select(StatusEvent.to_status).order_by(StatusEvent.id.desc())
                              ).first() == "accepted"


def test_a_send_that_works_after_failing_is_sent(app, db, gateway):
    _, message = _changed(db)
    gateway.failures = 2
    now = datetime.now(timezone.utc)
    for _ in range(3):
        outbox.deliver_due(now=now)
        now += timedelta(hours=1)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)


def test_waits_never_exceed_the_maximum(app):
    with app.app_context():
        assert outbox.retry_delay(1) == timedelta(seconds=60)
        assert outbox.retry_delay(20) == timedelta(
            seconds=app.config["SMS_RETRY_MAX_SECONDS"])


def test_a_message_the_gateway_refuses_is_not_retried(app, db, gateway):
    _, message = _changed(db)
    app.config["SMS_BACKEND"] = "test-refusing"
    report = outbox.deliver_due()
    assert report.failed == 1
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.last_error) == ("failed", "number does not exist")


def test_the_outbox_backend_keeps_messages(app, db):
    _, message = _changed(db)
    report = outbox.deliver_due()
    assert report.kept_in_outbox and report.handled == 0
    assert db.session.get(OutboxMessage, message.id).status == "pending"


def test_send_outbox_command(app, db, gateway, runner):
    f, _ = _changed(db)
    result = runner.invoke(args=["send-outbox", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1, to retry 0, failed 0" in result.output
    gateway.failures = 1
    second = make_application(f.daughter, name="张三", status="submitted")
    with _no_gateway_yet():
        status_changes.apply_action(second, "accept", f.officer)
    result = runner.invoke(args=["send-outbox"])       # one pass, with or without --once
    assert "sent 0, to retry 1, failed 0" in result.output
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0 and "sent 0, to retry 0, failed 0" in result.output  # not due


def test_send_outbox_with_the_outbox_backend_says_nothing_is_sent(app, db, runner):
    result = runner.invoke(args=["send-outbox", "--once"])
    assert result.exit_code == 0 and "nothing is sent" in result.output


def test_a_message_another_worker_is_sending_is_left_alone(app, db, gateway):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    from sqlalchemy import text

    _, message = _changed(db)
    with db.engine.connect() as other_worker:
        holding = other_worker.begin()
        other_worker.execute(text("SELECT id FROM outbox_message WHERE id = :id FOR UPDATE"),
                             {"id": message.id})
        assert outbox.deliver_due().handled == 0
        holding.rollback()
    assert outbox.deliver_due().sent == 1
    assert gateway.delivered == [message.body]


# ── who gets the texts (issue #14) ────────────────────────────────────────────────────────

def test_the_number_given_in_the_application_gets_the_texts_too(app, db):
    f = family(status="accepted", answers={"personal": {"phone": "139 0000 0077"}})
    request_info(f.application, f.officer)
    bodies = {m.recipient: m.body for m in db.session.scalars(select(OutboxMessage))}
    assert set(bodies) == {f.daughter.phone, "13900000077"}
    assert bodies["13900000077"] == bodies[f.daughter.phone]
    assert "请补充一张清晰" not in bodies["13900000077"] and "王秀兰" not in bodies["13900000077"]


def test_one_text_when_the_given_number_is_the_account_s(app, db):
    f = family(status="accepted", answers={"personal": {"phone": "+86 139-0000-0001"}})
    request_info(f.application, f.officer)
    assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == [f.daughter.phone]


def test_only_the_number_given_for_that_application(app, db):
    from tests.support.staff import make_application

    f = family(status="accepted", answers={"personal": {"phone": "13900000077"}})
    other = make_application(f.son, status="accepted",
                             answers={"personal": {"phone": "13900000088"}})
    request_info(f.application, f.officer)
    recipients = {m.recipient for m in db.session.scalars(select(OutboxMessage))}
    assert "13900000088" not in recipients and f.son.phone not in recipients
    assert other.id != f.application.id


def test_the_staff_form_does_not_promise_the_note_goes_in_the_text(app, db):
    """The staff's words to the applicant are shown signed in, not texted: the form says so."""
    from pathlib import Path

    page = (Path(app.root_path).parent / "templates/staff/action.html").read_text()
    assert "申请人会在短信和进度查询中看到这段话" not in page
    assert "短信不包含这段话" in page


def test_the_look_up_code_text_says_whom_to_pass_it_to(app, db):
    from portal.accounts import one_time_codes

    with force_locale("zh_Hans_CN"):
        text = str(one_time_codes.PURPOSES["lookup"])
    assert "请不要告诉任何人" not in text
    assert "只告诉正在帮您查询的家人" in text
