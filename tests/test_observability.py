"""Running it (issue 21): /healthz, /readyz, /metrics, request ids in log lines and tasks."""
from __future__ import annotations

import io
import json
import logging
import re
import socket
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis

from portal import create_app
from portal.messages.models import OutboxMessage
from portal.observability import logs, request_ids
from portal.tasks import after_commit
from portal.tasks import messages as message_tasks
from tests.support.accounts import make_account, submit
from tests.support.staff import make_application

REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN = "scrape-token-for-tests"


def _closed_port() -> int:
    with socket.socket() as probe:        # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at " + REDIS_URL)


class Lines(logging.Handler):
    """The portal's own log lines (its filter and formatter), as JSON, kept in memory."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.out = io.StringIO()
        self.stream_handler = logging.StreamHandler(self.out)
        self.stream_handler.setFormatter(logs.formatter("json"))
        self.stream_handler.addFilter(logs.Context())

    def emit(self, record):
        self.stream_handler.handle(record)

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.out.getvalue().splitlines()]


@pytest.fixture()
def lines():
    handler = Lines()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


# ── /healthz and /readyz ────────────────────────────────────────────────────────────────────

def test_healthz_answers_small_uncached_and_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_readyz_is_ready_when_every_configured_dependency_answers(client, app, monkeypatch):
    _redis_or_skip()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_URL)
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", REDIS_URL)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {
        "database": "ok", "redis": "ok", "broker": "ok"}}
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_readyz_checks_only_the_database_when_nothing_else_is_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_readyz_is_503_when_redis_and_the_broker_are_down(client, app, monkeypatch):
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", dead)
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", dead)
    monkeypatch.setitem(app.config, "READINESS_TIMEOUT_SECONDS", 0.5)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "fail", "checks": {
        "database": "ok", "redis": "fail", "broker": "fail"}}
    assert "127.0.0.1" not in response.get_data(as_text=True)   # never why, nor where


def test_readyz_checks_the_shared_page_cache_too(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_TYPE", "RedisCache")
    monkeypatch.setitem(app.config, "CACHE_REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/1")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["redis"] == "fail"


def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path):
    broken = create_app({"ENV_NAME": "testing",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/portal.db"})
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "fail", "checks": {"database": "fail"}}
    assert broken.test_client().get("/healthz").status_code == 200   # the process answers


# ── /metrics ────────────────────────────────────────────────────────────────────────────────

def _scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def _value(body: str, name: str, **labels) -> float | None:
    for line in body.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if found == labels:
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture()
def token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)


def test_metrics_are_off_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404


def test_an_unauthorised_scrape_is_refused(client, token):
    assert client.get("/metrics").status_code == 401
    refused = _scrape(client, token="not-the-token")
    assert refused.status_code == 401 and "portal_" not in refused.get_data(as_text=True)
    assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_requests_are_counted_by_route_and_status_never_by_path(client, db, token):
    before = _scrape(client).get_data(as_text=True)
    counted = dict(method="GET", endpoint="public.home", status="200")
    start = _value(before, "portal_http_requests_total", **counted) or 0
    client.get("/")
    client.get("/")
    client.get("/status/HY-2026-ABCDEF/")              # a path with a reference in it
    client.get("/no-such-page-13900000001")
    body = _scrape(client).get_data(as_text=True)
    assert _value(body, "portal_http_requests_total", **counted) == start + 2
    assert _value(body, "portal_http_requests_total", method="GET", endpoint="none",
                  status="404") >= 1
    assert _value(body, "portal_http_request_duration_seconds_count", method="GET",
                  endpoint="public.home") >= 2
    assert 'le="0.1"' in body                       # a histogram, with its buckets
    assert "HY-2026-ABCDEF" not in body and "13900000001" not in body


def test_queue_gauges_count_the_database_at_scrape_time(client, db, token):
    applicant = make_account("resident")
    now = datetime.now(timezone.utc)
    make_application(applicant, status="submitted", due_at=now - timedelta(days=3))  # overdue
    make_application(applicant, status="submitted", due_at=now + timedelta(days=3))
    make_application(applicant, status="accepted", due_at=now - timedelta(hours=1))  # overdue
    make_application(applicant, status="rejected", due_at=None)      # handled: not waiting
    db.session.add_all([OutboxMessage(recipient="13700000000", body="a", status=status)
                        for status in ("pending", "pending", "failed", "sent")])
    db.session.commit()
    body = _scrape(client).get_data(as_text=True)
    assert _value(body, "portal_applications_waiting", status="submitted") == 2
    assert _value(body, "portal_applications_overdue", status="submitted") == 1
    assert _value(body, "portal_applications_waiting", status="accepted") == 1
    assert _value(body, "portal_applications_overdue", status="accepted") == 1
    assert _value(body, "portal_applications_waiting", status="needs_info") == 0
    assert _value(body, "portal_applications_waiting", status="rejected") is None
    assert _value(body, "portal_outbox_messages", status="pending") == 2
    assert _value(body, "portal_outbox_messages", status="failed") == 1
    assert _value(body, "portal_queue_metrics_up") == 1


def test_a_failed_background_task_is_counted(client, app, db, token, monkeypatch):
    def broken():
        raise RuntimeError("the gateway is down")

    monkeypatch.setattr(message_tasks.outbox, "deliver_due", broken)
    before = _value(_scrape(client).get_data(as_text=True), "portal_task_failures_total",
                    task=message_tasks.DELIVER_DUE) or 0
    after_commit.enqueue(app, message_tasks.DELIVER_DUE)   # in-process: it runs (and fails)
    body = _scrape(client).get_data(as_text=True)
    assert _value(body, "portal_task_failures_total", task=message_tasks.DELIVER_DUE) \
        == before + 1


# ── request ids ─────────────────────────────────────────────────────────────────────────────

def test_a_trusted_proxys_sane_request_id_is_kept_anything_else_is_replaced():
    assert request_ids.chosen("edge-0a1b2c3d", trusted_proxy=True) == "edge-0a1b2c3d"
    for weird in ("short", "has spaces in it", "x" * 65, "13900000001\n", ""):
        assert request_ids.chosen(weird, trusted_proxy=True) != weird
    new = request_ids.chosen("edge-0a1b2c3d", trusted_proxy=False)  # a visitor could send it
    assert re.fullmatch(r"[0-9a-f]{32}", new)


def test_without_a_proxy_the_visitors_request_id_is_not_taken(client):
    response = client.get("/healthz", headers={"X-Request-ID": "visitor-chosen-id"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_behind_a_trusted_proxy_its_request_id_is_used(app):
    proxied = create_app({"ENV_NAME": "testing", "TRUSTED_PROXY_COUNT": 1,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    response = proxied.test_client().get("/healthz", headers={"X-Request-ID": "proxy-42abcdef"})
    assert response.headers["X-Request-ID"] == "proxy-42abcdef"


def test_every_line_of_a_request_and_of_the_task_it_queued_carries_its_id(client, db, lines):
    """Registering texts a code: the request queues the delivery task, which runs in-process
    without a broker – its lines (and Celery's about it) carry the request's id."""
    response = submit(client, "/account/register", {"phone": "13700005555"})
    request_id = response.headers["X-Request-ID"]
    written = [line for line in lines.json() if line["request_id"] == request_id]
    tasks = [line for line in written if line.get("task") == message_tasks.DELIVER_DUE]
    assert tasks, lines.json()
    assert any("succeeded" in line["message"] for line in tasks)
    assert all(line["request_id"] for line in lines.json() if line.get("task"))


def test_a_task_sent_to_a_broker_carries_the_request_id_to_the_worker(app, db, lines):
    """Through a broker (kombu's in-memory transport here): the message's headers carry the
    id, and the worker's tracer – as `celery worker` runs it – binds it for the task's lines."""
    from celery.app.trace import build_tracer

    from portal.tasks import celery_init_app

    brokered = create_app({"ENV_NAME": "testing", "CELERY_BROKER_URL": "memory://",
                           "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    celery_app = brokered.extensions["celery"]
    with brokered.test_request_context("/"):
        token = request_ids.REQUEST_ID.set("request-0123456789")
        try:
            after_commit.enqueue(brokered, message_tasks.PURGE_CODES)
        finally:
            request_ids.REQUEST_ID.reset(token)
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(brokered.config["CELERY_QUEUE"])
        message = queue.get(timeout=2)
        message.ack()
        queue.close()
    assert message.headers[request_ids.TASK_HEADER] == "request-0123456789"
    task = celery_app.tasks[message_tasks.PURGE_CODES]
    trace = build_tracer(task.name, task, app=celery_app)
    trace(message.headers["id"], [], {}, request=dict(message.headers))
    ran = [line for line in lines.json() if line.get("task") == message_tasks.PURGE_CODES]
    assert ran and all(line["request_id"] == "request-0123456789" for line in ran)
    celery_init_app(app)   # the session's app is Celery's default again


# ── log lines ───────────────────────────────────────────────────────────────────────────────

def _record(message, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("portal.test", logging.WARNING, __file__, 1, message, args,
                               exc_info)
    record.__dict__.update(extra)
    logs.Context().filter(record)
    return record


def test_json_lines_have_the_fields_and_mask_what_looks_like_personal_numbers():
    try:
        raise ValueError("no account for 13912345678 with ID 11010519491231002X")
    except ValueError:
        import sys

        error = sys.exc_info()
    token = request_ids.REQUEST_ID.set("request-abcdef12")
    try:
        record = _record("sending to %s, card %s", "+86 13912345678", "6222 0212 3456 7894",
                         exc_info=error, reference="HY-2026-ABCDEF", phone="13912345678")
    finally:
        request_ids.REQUEST_ID.reset(token)
    line = logs.formatter("json").format(record)
    fields = json.loads(line)
    assert fields["level"] == "WARNING" and fields["logger"] == "portal.test"
    assert fields["request_id"] == "request-abcdef12" and "time" in fields
    assert fields["message"] == "sending to [mobile], card [number]"
    assert "ValueError: no account for [mobile] with ID [ID number]" in fields["exc_info"]
    assert fields["reference"] == "HY-2026-ABCDEF" and fields["phone"] == "[mobile]"
    for secret in ("13912345678", "11010519491231002X", "6222"):
        assert secret not in line


def test_text_lines_carry_the_request_id_and_are_masked_too():
    record = _record("card %s", "6217000010002223330")
    line = logs.formatter("text").format(record)
    assert line.endswith("WARNING [None] portal.test: card [number]")


def test_the_log_format_is_json_or_text():
    with pytest.raises(ValueError):
        logs.formatter("xml")
    assert isinstance(logs.formatter("json"), logs.MaskedJson)


def test_production_logs_json_by_default():
    from portal import config

    assert config.ProductionConfig.LOG_FORMAT == "json"
    assert config.DevelopmentConfig.LOG_FORMAT == "text"


def test_several_worker_processes_are_added_up_in_multiprocess_mode(app, tmp_path):
    """gunicorn's workers each count in their own process: with PROMETHEUS_MULTIPROC_DIR,
    /metrics answers with every process's counts (two processes here, one request each)."""
    import os
    import subprocess
    import sys

    program = """
import sys
from portal import create_app
app = create_app({"ENV_NAME": "testing", "METRICS_TOKEN": "t-123456",
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
client = app.test_client()
client.get("/healthz")
if sys.argv[2] == "scrape":
    body = client.get("/metrics", headers={"Authorization": "Bearer t-123456"}).get_data(True)
    print(body)
"""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    subprocess.run([sys.executable, "-c", program, url, "count"], env=env, check=True,
                   capture_output=True)
    scraped = subprocess.run([sys.executable, "-c", program, url, "scrape"], env=env,
                             check=True, capture_output=True, text=True).stdout
    assert _value(scraped, "portal_http_requests_total", method="GET",
                  endpoint="observability.healthz", status="200") == 2
    assert _value(scraped, "portal_queue_metrics_up") == 1
