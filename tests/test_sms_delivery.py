"""A message sent straight away is recorded like one the worker sends: sent, or kept to retry."""
from portal.messages import sms
from portal.messages import outbox
from portal.messages.models import OutboxMessage


class Gateway:
    sent: list = []
    fail = False

    def __init__(self, app):
        pass

    def deliver(self, message):
        if Gateway.fail:
            raise ConnectionError("gateway down")
        Gateway.sent.append(message.body)


def test_a_delivered_message_is_marked_sent_and_never_sent_again(app, db, monkeypatch):
    monkeypatch.setitem(sms.BACKENDS, "test-gateway", Gateway)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "test-gateway")
    Gateway.sent, Gateway.fail = [], False
    message = outbox.send("13900000001", "access.unlinked", locale="zh_Hans_CN")
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "sent" and stored.sent_at is not None and stored.attempts == 1
    from portal.messages.outbox import deliver_due

    assert deliver_due().sent == 0          # the worker does not send it a second time
    assert Gateway.sent == [message.body]


def test_a_failed_immediate_delivery_is_kept_for_the_worker(app, db, monkeypatch):
    monkeypatch.setitem(sms.BACKENDS, "test-gateway", Gateway)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "test-gateway")
    Gateway.sent, Gateway.fail = [], True
    message = outbox.send("13900000001", "access.unlinked", locale="zh_Hans_CN")
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "pending" and stored.attempts == 1
    assert "gateway down" in stored.last_error and stored.next_attempt_at is not None


def test_the_outbox_backend_keeps_messages_in_the_outbox(app, db):
    message = outbox.send("13900000001", "access.unlinked", locale="zh_Hans_CN")
    assert db.session.get(OutboxMessage, message.id).status == "pending"
