"""Finding 5: limits that hold with several workers, behind a reverse proxy, and when their
store is down.

- Production refuses per-worker counters (memory://) unless one worker is declared
  (PORTAL_WORKERS=1) and gunicorn shows no more.
- TRUSTED_PROXY_COUNT=1: limits and the audit log see the X-Forwarded-For client; with 0 a
  forged header is ignored.
- The limit store unreachable: the portal still answers (each worker counts in its memory)
  and says so in the log."""
from __future__ import annotations

import logging
import secrets

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import select

from portal import create_app
from portal.extensions import db, limiter
from portal.web import rate_limits


def _production(**overrides) -> dict:
    return {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": secrets.token_urlsafe(32), "ID_HASH_KEYS": secrets.token_urlsafe(32),
            "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(), **overrides}


@pytest.fixture(autouse=True)
def _leave_the_limiter_as_found():
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled
    limiter._storage_dead = False    # the limiter object is shared by every app of the run


# ── shared storage in production ─────────────────────────────────────────────────────────

def test_production_refuses_per_worker_counters(monkeypatch):
    monkeypatch.setattr("sys.argv", ["flask"])
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    with pytest.raises(rate_limits.SharedStorageRequired, match="PORTAL_WORKERS=1"):
        create_app(_production(RATELIMIT_STORAGE_URI="memory://"))
    create_app(_production(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0"))
    create_app(_production(RATELIMIT_STORAGE_URI="memory://", PORTAL_WORKERS=1))


def test_one_worker_declared_but_gunicorn_started_with_more_is_refused(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.setattr("sys.argv", ["/srv/venv/bin/gunicorn", "portal:create_app()", "-w", "4"])
    with pytest.raises(rate_limits.SharedStorageRequired, match="started with 4 workers"):
        create_app(_production(RATELIMIT_STORAGE_URI="memory://", PORTAL_WORKERS=1))


@pytest.mark.parametrize("argv, environ, workers", [
    (["gunicorn", "app", "--workers", "3"], {}, 3),
    (["gunicorn", "app", "--workers=2"], {}, 2),
    (["gunicorn", "app", "-w5"], {}, 5),
    (["gunicorn", "app"], {"WEB_CONCURRENCY": "6"}, 6),
    (["gunicorn", "app"], {"GUNICORN_CMD_ARGS": "--bind :8000 -w 2"}, 2),
    (["flask", "run"], {}, None),
    (["python", "-w", "4"], {}, None),
])
def test_the_gunicorn_worker_count_is_read(argv, environ, workers):
    assert rate_limits.gunicorn_workers(argv, environ) == workers


# ── behind a reverse proxy ───────────────────────────────────────────────────────────────

def _app(tmp_path, proxies: int):
    app = create_app({
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p{proxies}.db",
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "RATE_LIMIT_SIGN_IN": "2 per minute", "WTF_CSRF_ENABLED": False,
        "TRUSTED_PROXY_COUNT": proxies,
    })
    with app.app_context():
        upgrade()
    return app


def _sign_in(client, forwarded_for: str, remote: str = "10.0.0.9", phone: str = "x"):
    return client.post("/staff/sign-in", data={"phone": phone, "password": "wrong-password"},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": remote})


def test_with_one_trusted_proxy_each_visitor_has_their_own_limit(tmp_path):
    app = _app(tmp_path, 1)
    with app.test_client() as client:
        assert [_sign_in(client, "203.0.113.1").status_code for _ in range(2)] == [200, 200]
        assert _sign_in(client, "203.0.113.1").status_code == 429
        # another visitor through the same proxy is not held back by the first
        assert _sign_in(client, "203.0.113.2").status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(tmp_path):
    app = _app(tmp_path, 0)
    with app.test_client() as client:
        assert [_sign_in(client, "203.0.113.1").status_code for _ in range(2)] == [200, 200]
        # a new forged address every time does not escape the limit
        assert _sign_in(client, "203.0.113.77").status_code == 429


@pytest.mark.parametrize("proxies, recorded", [(1, "203.0.113.5"), (0, "10.0.0.9")])
def test_the_audit_log_records_the_client_behind_a_trusted_proxy(tmp_path, proxies, recorded):
    from portal.audit.models import AuditEvent
    from tests.support.accounts import make_account

    app = _app(tmp_path, proxies)
    with app.app_context():
        officer = make_account("district_reviewer")
        phone = officer.phone
    with app.test_client() as client:
        assert _sign_in(client, "203.0.113.5", phone=phone).status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
        assert event is not None and event.ip == recorded


# ── the store down ───────────────────────────────────────────────────────────────────────

def test_with_the_limit_store_down_the_portal_still_answers_and_logs_it(tmp_path):
    app = create_app({
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/down.db",
        "RATELIMIT_ENABLED": True, "RATE_LIMIT_SIGN_IN": "3 per minute",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",   # nothing listens there
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        upgrade()
    logged = []       # (alembic's logging set-up in upgrade() replaces the root's handlers)
    handler = logging.Handler(logging.WARNING)
    handler.emit = logged.append
    logging.getLogger("flask-limiter").addHandler(handler)
    try:
        with app.test_client() as client:
            answers = [client.post("/account/sign-in", data={"phone": "x", "password": "y"})
                       for _ in range(4)]
    finally:
        logging.getLogger("flask-limiter").removeHandler(handler)
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert "登录" in answers[0].get_data(as_text=True)          # the normal page
    assert answers[3].status_code == 429                        # still limited, in memory
    assert any("storage unreachable" in record.getMessage() for record in logged)
