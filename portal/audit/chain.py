"""The audit log cannot be rewritten: database triggers and a hash chain.

Triggers (the one place for their DDL; migration 0011_audit_chain installs them, and the test
set-up removes and re-installs them around emptying the tables):

- SQLite: BEFORE UPDATE and BEFORE DELETE on audit_event → RAISE(ABORT).
- PostgreSQL: BEFORE UPDATE OR DELETE, per row, and BEFORE TRUNCATE, per statement → an
  exception (insufficient_privilege).

Hash chain (made in portal/audit/models.py when rows are written): each row stores
`prev_hash`, the `row_hash` of the row before it, and `row_hash`, a SHA-256 over its own fields
and prev_hash. Changing, removing or inserting a row anywhere breaks the chain at that row,
which `flask verify-audit` (verify() here) reports.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text

from portal.audit.models import GENESIS, AuditEvent, row_hash
from portal.extensions import db

_SQLITE_GUARD = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event rows cannot be changed or deleted (UPDATE)'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event rows cannot be changed or deleted (DELETE)'); END""",
]
_SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
_POSTGRES_GUARD = [
    """CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
           RAISE EXCEPTION 'audit_event rows cannot be changed or deleted (%)', TG_OP
               USING ERRCODE = 'insufficient_privilege';
       END;
       $$""",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    """CREATE TRIGGER audit_event_append_only
       BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()""",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    """CREATE TRIGGER audit_event_no_truncate
       BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only()""",
]
_POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
]


def guard_statements(dialect: str) -> list[str]:
    """The DDL that makes audit_event append-only on this database."""
    return _POSTGRES_GUARD if dialect == "postgresql" else _SQLITE_GUARD


def unguard_statements(dialect: str) -> list[str]:
    """The DDL that removes the triggers (downgrade; the test set-up around emptying)."""
    return _POSTGRES_UNGUARD if dialect == "postgresql" else _SQLITE_UNGUARD


def install_guard(connection) -> None:
    for statement in guard_statements(connection.dialect.name):
        connection.execute(text(statement))


def remove_guard(connection) -> None:
    for statement in unguard_statements(connection.dialect.name):
        connection.execute(text(statement))


# ── verifying ─────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Verdict:
    rows: int                       # rows checked
    broken_id: int | None = None    # the first row that does not fit the chain
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(batch: int = 1000) -> Verdict:
    """Walk the chain in id order; the first row whose prev_hash or row_hash is wrong."""
    table = AuditEvent.__table__
    previous, last_id, count = GENESIS, 0, 0
    while True:
        rows = db.session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).mappings().all()
        if not rows:
            return Verdict(count)
        for row in rows:
            count += 1
            if row["prev_hash"] != previous:
                return Verdict(count, row["id"],
                               "prev_hash is not the hash of the row before it "
                               "(a row was removed, inserted or changed before this one)")
            if row["row_hash"] != row_hash(dict(row), row["prev_hash"]):
                return Verdict(count, row["id"], "row_hash does not match the row's contents "
                                                 "(the row was changed)")
            previous, last_id = row["row_hash"], row["id"]
