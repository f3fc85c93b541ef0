"""Background work on the task queue (portal/tasks): a text is sent by a task queued after the
commit that added it – never before, never for a rolled-back change – and retried by the
scheduled sweep; the beat schedule holds the sweep and the code purge at the configured
intervals; without a broker tasks run in-process and the portal says so; with Redis a real
Celery worker delivers a queued text end to end."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from celery import beat
from sqlalchemy import select, text, update

import portal.tasks
from portal import create_app
from portal.applications import status_changes
from portal.config import ROOT
from portal.extensions import db as _db
from portal.messages import notifications, sms
from portal.messages.models import OutboxMessage
from portal.tasks import messages as message_tasks
from portal.tasks import schedule
from tests.support.status import family

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Gateway:
    """A fake SMS gateway. It records each text, the thread that sent it, and whether the
    row and the status change it reports were committed when it was sent (read on a
    connection of its own, as a worker would)."""
    failures = 0
    sent: list[dict] = []
    engine = None

    def __init__(self, app):
        pass

    def deliver(self, message):
        if Gateway.failures > 0:
            Gateway.failures -= 1
            raise ConnectionError("gateway timed out")
        with Gateway.engine.connect() as other:
            committed = other.execute(text("SELECT body FROM outbox_message WHERE id = :id"),
                                      {"id": message.id}).scalar()
            status = other.execute(text("SELECT status FROM application WHERE id = :id"),
                                   {"id": message.application_id}).scalar()
        Gateway.sent.append({"body": message.text, "committed": committed == message.body,
                             "application_status": status,
                             "thread": threading.current_thread().name})


@pytest.fixture()
def gateway(app, db, monkeypatch):
    monkeypatch.setitem(sms.BACKENDS, "test-tasks-gateway", Gateway)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "test-tasks-gateway")
    Gateway.failures, Gateway.sent, Gateway.engine = 0, [], db.engine
    return Gateway


def _outbox():
    _db.session.expire_all()
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# ── in-process (no broker): the task runs right after the commit ─────────────────────────────

def test_a_status_change_text_is_sent_by_the_task_after_the_commit(app, db, gateway):
    f = family(status="submitted")
    status_changes.apply_action(f.application, "accept", f.officer)
    [message] = _outbox()
    assert (message.status, message.attempts) == ("sent", 1) and message.sent_at is not None
    [sent] = gateway.sent
    assert sent["body"] == message.body and "已受理" in sent["body"]
    # When it was sent, the message and the change it reports were already committed.
    assert sent["committed"] and sent["application_status"] == "accepted"


def test_nothing_is_sent_before_the_commit_nor_for_a_rolled_back_change(app, db, gateway):
    f = family(status="submitted")
    application_id = f.application.id
    # A change written (flushed) but not committed, then rolled back: no text, no row.
    f.application.status = "accepted"
    notifications.queue_status_change(f.application, "submitted", "accepted")
    db.session.flush()
    assert gateway.sent == []
    db.session.rollback()
    db.session.commit()        # a later commit in the same session queues nothing for it
    assert gateway.sent == [] and _outbox() == []
    # A change inside a savepoint is sent when the outer transaction commits, not before.
    application = db.session.get(type(f.application), application_id)
    with db.session.begin_nested():
        application.status = "accepted"
        notifications.queue_status_change(application, "submitted", "accepted")
    assert gateway.sent == []
    db.session.commit()
    assert [s["committed"] for s in gateway.sent] == [True]
    assert [m.status for m in _outbox()] == ["sent"]


def test_a_failed_send_is_retried_by_the_scheduled_sweep(app, db, gateway):
    gateway.failures = 1
    f = family(status="submitted")
    status_changes.apply_action(f.application, "accept", f.officer)
    [message] = _outbox()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "gateway timed out" in message.last_error
    # The sweep, sent the way `celery beat` sends it (its scheduler, its entry).
    scheduler = beat.Scheduler(app=app.extensions["celery"], lazy=True)
    scheduler.setup_schedule()
    sweep = scheduler.schedule["outbox-sweep"]
    scheduler.apply_async(sweep)
    assert gateway.sent == [] and _outbox()[0].attempts == 1       # its retry is not due yet
    # retry_delay later (SMS_RETRY_BASE_SECONDS after the first failure):
    db.session.execute(update(OutboxMessage).values(
        next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    db.session.commit()
    scheduler.apply_async(sweep)
    [message] = _outbox()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)
    assert [s["body"] for s in gateway.sent] == [message.body]


def test_the_purge_task_removes_codes_no_longer_needed(app, db):
    message = OutboxMessage(recipient="13700004444", body="验证码******", sealed_code="x",
                            code_expires_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                            status="sent")
    db.session.add(message)
    db.session.commit()       # SMS_BACKEND=outbox: the delivery task leaves a sent row alone
    scheduler = beat.Scheduler(app=app.extensions["celery"], lazy=True)
    scheduler.setup_schedule()
    scheduler.apply_async(scheduler.schedule["outbox-purge-codes"])
    assert _outbox()[0].sealed_code is None


# ── the schedule and the configuration ───────────────────────────────────────────────────

def _app(app, **config):
    return create_app({"ENV_NAME": "testing",
                       "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], **config})


def test_the_beat_schedule_has_the_sweep_and_the_purge_at_the_configured_intervals(app):
    celery_app = _app(app, SMS_SWEEP_SECONDS=45, OUTBOX_PURGE_SECONDS=900).extensions["celery"]
    scheduler = beat.Scheduler(app=celery_app, lazy=True)
    scheduler.setup_schedule()
    sweep, purge = scheduler.schedule["outbox-sweep"], scheduler.schedule["outbox-purge-codes"]
    assert (sweep.task, sweep.schedule.run_every) == (message_tasks.DELIVER_DUE,
                                                      timedelta(seconds=45))
    assert (purge.task, purge.schedule.run_every) == (message_tasks.PURGE_CODES,
                                                      timedelta(seconds=900))
    # Every job of the one schedule names a task the worker knows.
    assert {job.name for job in schedule.SCHEDULE} <= set(scheduler.schedule)
    assert all(job.task in celery_app.tasks for job in schedule.SCHEDULE)
    defaults = app.extensions["celery"].conf.beat_schedule
    assert defaults["outbox-sweep"]["schedule"] == timedelta(seconds=60)
    assert defaults["outbox-purge-codes"]["schedule"] == timedelta(seconds=300)


def test_without_a_broker_tasks_run_in_process_and_the_portal_says_so(app, caplog,
                                                                    monkeypatch):
    monkeypatch.setattr(portal.tasks, "_told_in_process", False)
    with caplog.at_level(logging.WARNING):
        celery_app = _app(app).extensions["celery"]
        _app(app)
    assert celery_app.conf.task_always_eager
    notices = [r for r in caplog.records if "CELERY_BROKER_URL is not set" in r.getMessage()]
    assert len(notices) == 1                                    # once, not per app
    assert "in-process" in notices[0].getMessage()


def test_with_a_broker_tasks_are_queued_under_the_key_prefix(app, caplog, monkeypatch):
    monkeypatch.setattr(portal.tasks, "_told_in_process", False)
    with caplog.at_level(logging.WARNING):
        celery_app = _app(app, CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
                          CELERY_KEY_PREFIX="p/", CELERY_QUEUE="q").extensions["celery"]
    assert not celery_app.conf.task_always_eager
    assert celery_app.conf.broker_transport_options["global_keyprefix"] == "p/"
    assert celery_app.conf.task_default_queue == "q"
    assert "CELERY_BROKER_URL is not set" not in caplog.text


def test_the_worker_module_needs_a_broker(tmp_path):
    """`celery -A portal.tasks.worker …` finds its app – and refuses to start without a broker
    (tasks then run in the portal's own processes)."""
    env = {**os.environ, "PORTAL_ENV": "development", "PORTAL_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}"}
    env.pop("CELERY_BROKER_URL", None)
    find = ("from celery.app.utils import find_app; a = find_app('portal.tasks.worker'); "
            "print(a.conf.broker_url, a.conf.task_always_eager, "
            "sorted(t for t in a.tasks if t.startswith('messages.')))")
    refused = subprocess.run([sys.executable, "-c", find], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "CELERY_BROKER_URL is not set" in refused.stderr
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/0"
    found = subprocess.run([sys.executable, "-c", find], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split(" ", 2) == [
        "redis://127.0.0.1:6379/0", "False", "['messages.deliver_due', 'messages.purge_codes']\n"]


# ── with Redis: a real broker and a real worker ──────────────────────────────────────────

@pytest.fixture()
def redis_prefix():
    """A key prefix of this test's own on the Redis at REDIS_URL; its keys are removed after.
    Skips when Redis is not reachable."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"huyi-test/{uuid.uuid4().hex}/"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def test_a_celery_worker_on_redis_delivers_a_queued_text(app, db, gateway, redis_prefix,
                                                         monkeypatch):
    from celery.contrib.testing.worker import start_worker

    client, prefix = redis_prefix
    queue = f"huyi-test-{uuid.uuid4().hex}"
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)   # Celery reads it over its config
    portal_app = _app(app, CELERY_BROKER_URL=REDIS_URL, CELERY_KEY_PREFIX=prefix,
                      CELERY_QUEUE=queue, SMS_BACKEND="test-tasks-gateway")
    celery_app = portal_app.extensions["celery"]
    celery_app.conf.worker_enable_remote_control = False
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
        with portal_app.app_context():
            f = family(status="submitted")
            status_changes.apply_action(f.application, "accept", f.officer)
            deadline = time.monotonic() + 15
            while not gateway.sent and time.monotonic() < deadline:
                time.sleep(0.05)
        [sent] = gateway.sent
        assert sent["thread"] != threading.current_thread().name    # the worker sent it
        assert sent["committed"] and sent["application_status"] == "accepted"
        # The queue lived under this test's prefix only.
        assert client.exists(f"{prefix}_kombu.binding.{queue}")
        assert all(key.decode().startswith(prefix) for key in client.scan_iter(f"*{queue}*"))
    [message] = _outbox()
    assert (message.status, message.attempts, message.body) == ("sent", 1, sent["body"])
