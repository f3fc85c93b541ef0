"""`flask backup create|restore|check` (portal/backup, README "Backups and recovery"): the
round trip from the demo's data (with one uploaded document) into an EMPTY database, checked
against the manifest – and the same check failing, naming the key, when the restored copy is
read with other DATA_ENCRYPTION_KEYS or ID_HASH_KEYS.

On SQLite always; on PostgreSQL (pg_dump/pg_restore from PATH) when TEST_POSTGRES_URL is set,
in two scratch databases of its own with unique names, dropped afterwards.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.applications.models import Document
from portal.backup import database
from portal.config import _sqlalchemy_url
from portal.extensions import db

DOCUMENT = b"%PDF-1.4\n% a resident's document\n"


def _app(url: str, uploads, **config):
    return create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
                       "UPLOAD_FOLDER": str(uploads), **config})


def _invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()     # the scratch databases can be dropped afterwards
    return result


def _seed(url: str, uploads) -> int:
    """The demo's data (people with encrypted ID numbers, staff with encrypted authenticator
    keys, audit rows, media files, the demo's own documents) and one resident's document on
    disk; returns how many documents there are."""
    app = _app(url, uploads)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    assert _invoke(app, "seed-demo").exit_code == 0
    with app.app_context():
        uploads.mkdir(exist_ok=True)
        (uploads / "d0c5.pdf").write_bytes(DOCUMENT)
        db.session.add(Document(
            kind="id_card", storage_name="d0c5.pdf", original_name="身份证.pdf",
            content_type="application/pdf", size_bytes=len(DOCUMENT),
            sha256=hashlib.sha256(DOCUMENT).hexdigest()))
        db.session.commit()
        count = db.session.scalar(text("SELECT count(*) FROM document"))
        db.engine.dispose()
    return count


def _round_trip(tmp_path, source_url: str, restored_url: str) -> None:
    uploads, restored_uploads, backup = (tmp_path / "uploads", tmp_path / "restored",
                                         tmp_path / "backup")
    documents = _seed(source_url, uploads)
    source = _app(source_url, uploads)

    made = _invoke(source, "backup", "create", "--to", str(backup))
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["document"] == documents and manifest["tables"]["person"] > 0
    assert manifest["audit_rows"] == manifest["tables"]["audit_event"] > 0
    assert any(entry["path"] == "d0c5.pdf" for entry in manifest["files"])

    restored = _invoke(source, "backup", "restore", "--from", str(backup),
                       "--database", restored_url, "--uploads", str(restored_uploads))
    assert restored.exit_code == 0, restored.output

    checked = _invoke(_app(restored_url, restored_uploads), "backup", "check",
                      "--from", str(backup))
    assert checked.exit_code == 0, checked.output
    for line in ("ok  rows:", "ok  audit log:", "ok  uploaded files:",
                 f"ok  document files: {documents} documents read back", "ok  DATA_ENCRYPTION_KEYS:",
                 "ok  ID_HASH_KEYS:"):
        assert line in checked.output

    # The keys: the same copy read with other keys fails, naming the key.
    other_data_key = _app(restored_url, restored_uploads,
                          DATA_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    wrong = _invoke(other_data_key, "backup", "check", "--from", str(backup))
    assert wrong.exit_code == 1
    assert "FAILED  DATA_ENCRYPTION_KEYS: cannot decrypt" in wrong.output
    other_hash_key = _app(restored_url, restored_uploads,
                          ID_HASH_KEYS="another-id-hash-key-than-the-backups")
    wrong = _invoke(other_hash_key, "backup", "check", "--from", str(backup))
    assert wrong.exit_code == 1
    assert "FAILED  ID_HASH_KEYS: person" in wrong.output

    # Only into an empty database and folder.
    again = _invoke(source, "backup", "restore", "--from", str(backup),
                    "--database", restored_url, "--uploads", str(tmp_path / "elsewhere"))
    assert again.exit_code == 1 and "restored only into" in again.output

    # A document that does not read back, a row more than the backup had: both found.
    (restored_uploads / "d0c5.pdf").write_bytes(DOCUMENT + b"changed")
    reader = _app(restored_url, restored_uploads)
    with reader.app_context():
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES ('extra')"))
        db.session.commit()
    broken = _invoke(reader, "backup", "check", "--from", str(backup))
    assert broken.exit_code == 1
    assert f"FAILED  document files: 1 of {documents} documents do not read back" \
        in broken.output
    assert "FAILED  uploaded files: d0c5.pdf differs" in broken.output
    assert "alembic_version: 2 (backup: 1)" in broken.output


def test_backup_round_trip_on_sqlite(tmp_path):
    _round_trip(tmp_path, f"sqlite:///{tmp_path / 'portal.sqlite3'}",
                f"sqlite:///{tmp_path / 'restored.sqlite3'}")


def test_a_damaged_backup_is_not_restored(tmp_path):
    uploads = tmp_path / "uploads"
    _seed(f"sqlite:///{tmp_path / 'portal.sqlite3'}", uploads)
    source = _app(f"sqlite:///{tmp_path / 'portal.sqlite3'}", uploads)
    assert _invoke(source, "backup", "create", "--to", str(tmp_path / "backup")).exit_code == 0
    with (tmp_path / "backup" / "uploads.tar").open("ab") as tar:
        tar.write(b"\0")
    result = _invoke(source, "backup", "restore", "--from", str(tmp_path / "backup"),
                     "--database", f"sqlite:///{tmp_path / 'restored.sqlite3'}",
                     "--uploads", str(tmp_path / "restored"))
    assert result.exit_code == 1 and "the backup is damaged" in result.output
    assert not (tmp_path / "restored.sqlite3").exists()


@contextmanager
def _scratch_databases(server_url: str, count: int):
    """`count` new, empty databases beside the server URL's own, named <db>_backup_<random>,
    dropped on the way out (nothing else on the server is touched)."""
    base = make_url(_sqlalchemy_url(server_url))
    names = [f"{base.database}_backup_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"),
                    reason="TEST_POSTGRES_URL is not set (the round trip on PostgreSQL)")
def test_backup_round_trip_on_postgresql(tmp_path):
    server = os.environ["TEST_POSTGRES_URL"]
    engine = create_engine(_sqlalchemy_url(server))
    with engine.connect() as connection:    # the client programs can read this server
        major = database.server_major(connection)
    engine.dispose()
    assert database.program_major("pg_dump") >= major
    assert database.program_major("pg_restore") >= major
    with _scratch_databases(server, 2) as (source_url, restored_url):
        _round_trip(tmp_path, source_url, restored_url)
        dump = (tmp_path / "backup" / "database.dump").read_bytes()
        assert dump.startswith(b"PGDMP")   # pg_dump's custom format
