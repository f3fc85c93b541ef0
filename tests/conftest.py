"""Fixtures: `app`, `db`, `client` (checks every HTML page it gets), `runner`.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL points elsewhere, e.g.
TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test (in parallel runs, pytest -n,
each process gets its own database beside it: test_gw0, test_gw1, …). The schema always comes
from the Alembic migrations; between tests every table is emptied.
"""
from __future__ import annotations

import os

import flask_babel
import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.audit.chain import install_guard, remove_guard
from portal.config import _sqlalchemy_url
from portal.extensions import db as _db
from tests.support import log_sweep
from tests.support.pages import PageCheckingClient

# --- the log-privacy sweep over the whole run (tests/support/log_sweep.py) -------------------

def pytest_configure(config):
    if not hasattr(config, "workerinput"):      # the controlling process (or the only one)
        import tempfile

        os.environ[log_sweep.SWEEP_DIR] = tempfile.mkdtemp(prefix="portal-log-sweep-")
    log_sweep.record_codes()


def pytest_runtest_setup(item):
    from pathlib import Path

    log_sweep.install(Path(os.environ[log_sweep.SWEEP_DIR]))


def pytest_sessionfinish(session, exitstatus):
    import shutil
    from pathlib import Path

    if hasattr(session.config, "workerinput"):
        return
    if log_sweep.SWEEP_DIR not in os.environ:
        return
    folder = Path(os.environ.pop(log_sweep.SWEEP_DIR))
    offences = log_sweep.read_offences(folder)
    shutil.rmtree(folder, ignore_errors=True)
    if not offences:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "personal data in log lines (tests/support/log_sweep.py)",
                           red=True)
        for line in offences:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = _sqlalchemy_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")       # pytest -n: gw0, gw1, …
    return _worker_database(url, worker) if worker and url.startswith("postgresql") else url


def _worker_database(url: str, worker: str) -> str:
    """Each parallel test process its own PostgreSQL database, <name>_<worker> on the same
    server, made when missing (the tests empty and rebuild what they use)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": name}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app({
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "WTF_CSRF_ENABLED": True,
    })
    app.test_client_class = PageCheckingClient

    @app.before_request
    def _isolate_requests():
        # Tests hold an app context open across requests, so per-request caches kept on `g`
        # would leak from one request to the next. In production each request has its own.
        flask_babel.refresh()
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF keeps the session's token on `g`

    with app.app_context():
        if url.startswith("postgresql"):
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
    yield app


@pytest.fixture()
def db(app):
    """The database, emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_tables()


def _empty_tables():
    """Empty every table. The audit log's triggers refuse that (as they should in production),
    so they are taken off for the emptying and put back, in the same transaction, with the
    DDL the migration uses (portal/audit/chain.py)."""
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        remove_guard(connection)
        _delete_all(connection, tables)
        install_guard(connection)


def _delete_all(connection, tables):
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture()
def client(app, db):
    from portal.extensions import cache

    with app.app_context():
        cache.clear()   # each test starts with no kept pages
    with app.test_client() as client:
        yield client


@pytest.fixture()
def english_client(client):
    client.set_cookie("lang", "en")
    return client


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


def csrf_token(client, path: str) -> str:
    """Fetch `path` and return the CSRF token of its form."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<input[^>]* name="csrf_token"[^>]* value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)
