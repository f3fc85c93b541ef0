"""The production files (README "Production guide"): deploy/Containerfile parsed with
dockerfile-parse, deploy/gunicorn.conf.py loaded by gunicorn's own config loader and served
for real on the SQLite demo, deploy/nginx.conf parsed with crossplane (nginx's directives and
contexts checked) – each against the portal's own settings, so a change on one side shows."""
from __future__ import annotations

import io
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

import crossplane
import pytest
from dockerfile_parse import DockerfileParser
from gunicorn.app.wsgiapp import WSGIApplication

from bench.servers import HOST, free_port
from portal import create_app
from portal.config import ROOT, Config
from portal.preferences import cookie as display_cookie
from portal.web import i18n

DEPLOY = ROOT / "deploy"
SECRETS = {"SECRET_KEY", "ID_HASH_KEYS", "ID_HASH_KEY", "DATA_ENCRYPTION_KEYS",
           "UNIFIED_ID_CLIENT_SECRET", "DATABASE_URL", "CELERY_BROKER_URL",
           "RATELIMIT_STORAGE_URI", "CACHE_REDIS_URL"}


# ── gunicorn ───────────────────────────────────────────────────────────────────────────────

def _gunicorn_settings(monkeypatch, **environment):
    """deploy/gunicorn.conf.py as gunicorn reads it (`gunicorn -c …`), in this environment
    (put back afterwards: the file publishes WEB_CONCURRENCY)."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")])
    return WSGIApplication().cfg


def test_gunicorn_settings(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    assert settings.wsgi_app == "portal:create_app()"
    assert settings.worker_class_str == "sync"
    assert settings.workers == 2 * os.cpu_count()                 # two per core …
    assert os.environ["WEB_CONCURRENCY"] == str(settings.workers)  # … told to the portal
    assert settings.preload_app is True and callable(settings.post_fork)
    assert settings.timeout >= 60 and settings.graceful_timeout >= 60   # streamed exports
    # Forwarded headers are the app's (ProxyFix, TRUSTED_PROXY_COUNT), never gunicorn's.
    assert settings.forwarded_allow_ips == [] and settings.secure_scheme_headers == {}
    assert settings.control_socket_disable is True
    # The access log: the path without its query string, no Referer, no address.
    log_format = settings.access_log_format
    assert "%(U)s" in log_format
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(h)s", "%({referer}i)s", "%({x-forwarded-for}i)s"):
        assert atom not in log_format
    assert _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_gunicorn_starts_the_metrics_folder_empty_and_marks_ended_workers(tmp_path,
                                                                           monkeypatch):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"an old run's")
    settings = _gunicorn_settings(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(folder))
    assert folder.is_dir() and list(folder.iterdir()) == []
    (folder / "gauge_livesum_4242.db").write_bytes(b"")
    settings.child_exit(None, type("Worker", (), {"pid": 4242})())
    assert not (folder / "gauge_livesum_4242.db").exists()     # prometheus_client's step


def test_gunicorn_serves_the_demo_with_the_settings_file(tmp_path, monkeypatch):
    """Really served: gunicorn -c deploy/gunicorn.conf.py on a free port, two workers forked
    from the preloaded app, on an SQLite file with the demo's data."""
    database = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    environment = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": database,
                   "UPLOAD_FOLDER": str(tmp_path / "uploads"), "PYTHONPATH": str(ROOT)}
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *command],
                       env=environment, cwd=ROOT, check=True, capture_output=True)
    port, access_log = free_port(), tmp_path / "access.log"
    environment |= {"GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": "2",
                    "GUNICORN_ACCESS_LOG": str(access_log)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")],
        env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        pages = [_get(port, path, process) for path in ("/", "/?q=110101199003074573", "/")]
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
    assert [status for status, _body in pages] == [200, 200, 200]
    assert "鄠邑区" in pages[0][1]
    assert f"Listening at: http://{HOST}:{port}" in errors.decode()
    assert errors.decode().count("Booting worker") == 2
    assert "Control socket" not in errors.decode()
    logged = access_log.read_text()
    assert logged.count('"GET / HTTP/1.1" 200') == 3
    assert "110101199003074573" not in logged and "?" not in logged


def _get(port: int, path: str, process: subprocess.Popen) -> tuple[int, str]:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as answer:
                return answer.status, answer.read().decode()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ── the container image ────────────────────────────────────────────────────────────────────

def _containerfile() -> list[dict]:
    # dockerfile-parse looks for a file named Dockerfile when given a path; given the file:
    parser = DockerfileParser(fileobj=io.BytesIO((DEPLOY / "Containerfile").read_bytes()))
    return parser.structure


@pytest.fixture(scope="module")
def final_stage() -> list[dict]:
    structure = _containerfile()
    start = max(i for i, line in enumerate(structure) if line["instruction"] == "FROM")
    return structure[start:]


def _all(stage: list[dict], instruction: str) -> list[str]:
    return [line["value"] for line in stage if line["instruction"] == instruction]


def test_the_image_is_slim_python_and_runs_as_a_user_of_its_own(final_stage):
    base = final_stage[0]["value"]
    assert "python:3.12-slim" in base   # pyproject: requires-python >= 3.12
    users = _all(final_stage, "USER")
    assert users and users[-1] not in ("root", "0") and not users[-1].startswith("0:")
    cmd = final_stage.index(next(line for line in final_stage if line["instruction"] == "CMD"))
    assert max(final_stage.index(line) for line in final_stage
               if line["instruction"] == "USER") < cmd


def test_no_secret_is_baked_into_the_image():
    named = set()
    for line in _containerfile():
        if line["instruction"] in ("ENV", "ARG"):
            named |= {word.split("=")[0] for word in shlex.split(line["value"])}
    assert named, "the file sets no ENV at all – the parse went wrong"
    assert not named & SECRETS
    assert not [name for name in named if any(part in name for part in
                                               ("SECRET", "PASSWORD", "TOKEN", "KEY"))]
    assert {"PORTAL_ENV", "UPLOAD_FOLDER"} <= named
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "instance", "tests", ".git", ".env*"} <= set(ignored)


def test_the_image_serves_with_the_settings_file(final_stage, monkeypatch):
    cmd = json.loads(_all(final_stage, "CMD")[-1])
    assert cmd == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert any("deploy/gunicorn.conf.py" in copy for copy in _all(final_stage, "COPY"))
    settings = _gunicorn_settings(monkeypatch)
    exposed = _all(final_stage, "EXPOSE")
    assert exposed == [settings.bind[0].rsplit(":", 1)[1]]
    health = _all(final_stage, "HEALTHCHECK")
    assert len(health) == 1 and f"127.0.0.1:{exposed[0]}/healthz" in health[0]


def test_the_image_has_the_runtime_packages_only_and_compiled_catalogues():
    runs = " ".join(_all(_containerfile(), "RUN"))
    assert "[test]" not in runs and "['project']['dependencies']" in runs
    assert "pybabel -q compile -d translations -D messages" in runs
    copied = _all(_containerfile(), "COPY")
    for needed in ("portal", "templates", "static", "translations"):
        assert (ROOT / needed).is_dir() and any(needed in copy for copy in copied)


# ── nginx ──────────────────────────────────────────────────────────────────────────────────

def _nginx() -> list[dict]:
    parsed = crossplane.parse(str(DEPLOY / "nginx.conf"), single=True, strict=True)
    assert parsed["status"] == "ok", parsed["errors"]   # known directives, right contexts
    return parsed["config"][0]["parsed"]


def _find(block: list[dict], directive: str) -> list[list[str]]:
    found = []
    for line in block:
        if line["directive"] == directive:
            found.append(line["args"])
        found += _find(line.get("block", []), directive)
    return found


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def _seconds(value: str) -> int:
    return int(value[:-1]) * {"s": 1, "m": 60}[value[-1]]


def test_nginx_passes_the_visitor_on_as_the_portal_reads_it(monkeypatch):
    config = _nginx()
    headers = {args[0]: args[1] for args in _find(config, "proxy_set_header")}
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == "$host"
    port = _gunicorn_settings(monkeypatch).bind[0].rsplit(":", 1)[1]
    assert [f"127.0.0.1:{port}"] in _find(config, "server")        # the upstream
    assert {tuple(args) for args in _find(config, "proxy_pass")} == {("http://portal",)}
    # One id per request, which the portal takes from a trusted proxy (request_ids).
    assert headers["X-Request-ID"] == "$request_id"


def test_nginx_shows_the_metrics_to_the_monitoring_network_only():
    [metrics] = [block for block in _find(_nginx(), "location")
                 if block == ["=", "/metrics"]] or [None]
    assert metrics is not None
    text = (DEPLOY / "nginx.conf").read_text()
    block = text[text.index("location = /metrics"):]
    block = block[:block.index("}")]
    assert "deny all;" in block and "allow " in block


def test_nginx_keeps_no_page_of_a_visitor_with_a_session():
    config = _nginx()
    session_cookie = "$cookie_" + create_app({"ENV_NAME": "testing"}).config[
        "SESSION_COOKIE_NAME"]
    for directive in ("proxy_cache_bypass", "proxy_no_cache"):
        assert [args for args in _find(config, directive) if session_cookie in args]
    # No proxy_cache_valid: only what the portal marks public (Cache-Control) is kept, for as
    # long as it says. The settings that change a page are in the key.
    assert not _find(config, "proxy_cache_valid")
    assert not [args for args in _find(config, "proxy_ignore_headers")]
    key = _find(config, "proxy_cache_key")[0][0]
    assert f"$cookie_{i18n.COOKIE}" in key and f"$cookie_{display_cookie.NAME}" in key


def test_nginx_lets_the_portal_answer_large_uploads_and_long_exports(monkeypatch):
    config = _nginx()
    assert _size(_find(config, "client_max_body_size")[0][0]) >= Config.MAX_CONTENT_LENGTH
    settings = _gunicorn_settings(monkeypatch)
    assert _seconds(_find(config, "proxy_read_timeout")[0][0]) > settings.timeout
    assert _find(config, "proxy_buffering") == [["on"]]
    assert _find(config, "proxy_request_buffering") == [["on"]]


def test_nginx_speaks_tls_with_hsts_and_logs_no_query_string():
    config = _nginx()
    assert ["443", "ssl", "http2"] in _find(config, "listen")
    assert _find(config, "ssl_protocols") == [["TLSv1.2", "TLSv1.3"]]
    hsts = [args for args in _find(config, "add_header") if args[0] == "Strict-Transport-Security"]
    assert hsts and "max-age=31536000" in hsts[0][1] and hsts[0][-1] == "always"
    assert _find(config, "return") == [["301", "https://$host$request_uri"]]
    log_format = " ".join(_find(config, "log_format")[0][1:])
    assert "$uri" in log_format
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert variable not in log_format + " "
