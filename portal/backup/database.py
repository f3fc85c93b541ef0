"""Dumping and restoring the database.

PostgreSQL: `pg_dump --format=custom` and `pg_restore`, the client programs found on PATH –
their major version must be at least the server's (pg_dump refuses an older one; an archive
restores into a server at least as new as the one it came from). The row counts and the audit
log's last hash are read in a REPEATABLE READ transaction whose snapshot pg_dump is given
(`pg_export_snapshot()` / `--snapshot`), so they describe exactly the rows in the dump, however
busy the portal is meanwhile. A password in the URL goes to the programs as PGPASSWORD, never
on their command line.

SQLite: the sqlite3 online backup API copies the open database page by page into a new file
(a consistent copy even while the portal writes); the counts are read from that copy.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

from portal.backup.manifest import BackupProblem
from portal.config import _sqlalchemy_url


@dataclass(frozen=True)
class Snapshot:
    """What the dumped database holds, read in the dump's own snapshot."""
    server_version: str
    revision: str       # alembic_version's rows (one, unless the schema has branches)
    tables: dict[str, int]
    audit_rows: int
    audit_last_hash: str | None


def read_snapshot(connection: Connection) -> Snapshot:
    quote = connection.dialect.identifier_preparer.quote
    tables = {name: connection.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
              for name in sorted(inspect(connection).get_table_names())}
    if "alembic_version" not in tables or "audit_event" not in tables:
        raise BackupProblem("The database has no portal schema (run `flask db upgrade`).")
    revision = ",".join(sorted(connection.execute(
        text("SELECT version_num FROM alembic_version")).scalars()))
    last = connection.execute(text(
        "SELECT row_hash FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    version = ""
    if connection.dialect.name == "postgresql":
        version = connection.execute(text("SHOW server_version")).scalar_one()
    return Snapshot(version, revision, tables, tables["audit_event"], last)


# ── PostgreSQL ─────────────────────────────────────────────────────────────────────────────

def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupProblem(f"{name} is not on PATH (Debian: apt-get install "
                            "postgresql-client-<the server's major version>).")
    return found


def program_major(name: str) -> int:
    """The major version of a PostgreSQL client program ("pg_dump (PostgreSQL) 15.20" → 15)."""
    output = subprocess.run([_program(name), "--version"], capture_output=True, text=True,
                            check=True).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if not match:
        raise BackupProblem(f"Cannot read the version of {name}: {output.strip()!r}")
    return int(match.group(1))


def server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _check_program(name: str, connection: Connection) -> str:
    program, mine, server = _program(name), program_major(name), server_major(connection)
    if mine < server:
        raise BackupProblem(f"{name} is version {mine} but the server is {server}: install "
                            f"the client programs of version {server} or newer.")
    return program


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A URL the PostgreSQL programs read (no driver name, no password) and their environment
    (the password, when there is one, as PGPASSWORD)."""
    parsed = make_url(_sqlalchemy_url(url))
    environment = dict(os.environ)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def dump_postgres(engine: Engine, target: Path) -> Snapshot:
    url, environment = _libpq(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            snapshot = read_snapshot(connection)
            program = _check_program("pg_dump", connection)
            # The transaction stays open while pg_dump reads: its snapshot lives as long.
            _run([program, "--format=custom", f"--snapshot={snapshot_id}", "--no-password",
                  "--file", str(target), "--dbname", url], environment)
    return snapshot


def restore_postgres(dump: Path, url: str) -> None:
    engine = create_engine(_sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            _refuse_unless_empty(connection)
            program = _check_program("pg_restore", connection)
    finally:
        engine.dispose()
    plain, environment = _libpq(url)
    _run([program, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--no-password", "--dbname", plain, str(dump)], environment)


def _refuse_unless_empty(connection: Connection) -> None:
    tables = inspect(connection).get_table_names()
    if tables:
        name = connection.engine.url.database
        raise BackupProblem(f"The database {name} is not empty ({len(tables)} tables): a "
                            "backup is restored only into an empty database (createdb a new "
                            "one).")


def _run(command: list[str], environment: dict[str, str]) -> None:
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupProblem(f"{Path(command[0]).name} failed ({finished.returncode}): "
                            f"{finished.stderr.strip()}")


# ── SQLite ─────────────────────────────────────────────────────────────────────────────────

def copy_sqlite(engine: Engine, target: Path) -> Snapshot:
    with engine.connect() as connection:
        source = connection.connection.driver_connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    return sqlite_snapshot(target)


def sqlite_snapshot(path: Path) -> Snapshot:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return read_snapshot(connection)
    finally:
        engine.dispose()


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or \
            parsed.database == ":memory:":
        raise BackupProblem(f"{url} is not an SQLite file URL (sqlite:///path/to/file).")
    return Path(parsed.database)


def restore_sqlite(copy: Path, url: str) -> None:
    target = sqlite_path(url)
    if target.exists() and target.stat().st_size > 0:
        raise BackupProblem(f"{target} exists: a backup is restored only into a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
