"""`flask backup create`: a backup of the app's database and upload folder (see __init__)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from portal.backup import database, uploads
from portal.backup.manifest import BackupProblem, Manifest, sha256_of
from portal.extensions import db

DUMP = "database.dump"          # PostgreSQL, pg_dump's custom format
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads.tar"


def create(target: Path) -> Manifest:
    if target.exists() and any(target.iterdir()):
        raise BackupProblem(f"{target} is not empty: each backup goes into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    engine = db.engine
    if engine.dialect.name == "postgresql":
        database_file = DUMP
        snapshot = database.dump_postgres(engine, target / DUMP)
    elif engine.dialect.name == "sqlite":
        database_file = SQLITE_COPY
        snapshot = database.copy_sqlite(engine, target / SQLITE_COPY)
    else:
        raise BackupProblem(f"No backup for {engine.dialect.name} databases.")
    # After the database: every document the dump knows is already on disk.
    files = uploads.archive(Path(current_app.config["UPLOAD_FOLDER"]), target / UPLOADS)
    manifest = Manifest(
        made_at=made_at, dialect=engine.dialect.name, server_version=snapshot.server_version,
        revision=snapshot.revision, database_file=database_file,
        database_sha256=sha256_of(target / database_file), tables=snapshot.tables,
        audit_rows=snapshot.audit_rows, audit_last_hash=snapshot.audit_last_hash,
        uploads_file=UPLOADS, uploads_sha256=sha256_of(target / UPLOADS), files=files)
    manifest.write(target)
    return manifest
