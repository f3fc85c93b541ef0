"""The audit trail: every staff view and action. Rows are only ever added.

Nobody can rewrite it: the ORM refuses to change or delete a row (below), the database refuses
too (triggers on SQLite and PostgreSQL, portal/audit/chain.py), and the rows form a
hash chain: each stores `prev_hash`, the `row_hash` of the row before it (GENESIS for the
first), and `row_hash` = SHA-256 over a canonical serialisation of its fields and prev_hash.
New rows are chained when they are flushed, under a lock (PostgreSQL: a transaction-level
advisory lock, so two writers never chain onto the same row; SQLite has one writer at a time).
`prev_hash` is UNIQUE, so a fork could not be stored even if the lock were bypassed.
`flask verify-audit` walks the chain.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import JSON, ForeignKey, Index, String, event, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db

GENESIS = "0" * 64
LOCK_KEY = 0x4175646974   # pg_advisory_xact_lock key of the audit chain ("Audit")


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_rows_are_immutable(mapper, connection, target):
    raise PermissionError("Audit events cannot be changed or deleted.")


def _utc(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):  # a raw SQLite value
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:   # SQLite keeps no offset: stored in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(fields, prev_hash: str) -> str:
    """SHA-256 of a row's canonical serialisation. `fields` (a mapping): actor_account_id,
    action, object_type, object_id, ip, detail, created_at. The id is not part of it (the
    database gives it after the hash is made); the chain fixes the order instead."""
    detail = fields.get("detail")
    if isinstance(detail, str):  # a raw JSON value
        detail = json.loads(detail)
    canonical = json.dumps({
        "actor": fields.get("actor_account_id"),
        "action": fields.get("action"),
        "object_type": fields.get("object_type"),
        "object_id": fields.get("object_id"),
        "ip": fields.get("ip"),
        "detail": detail or {},
        "created_at": _utc(fields.get("created_at")),
        "prev": prev_hash,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lock_chain(connection) -> None:
    """Serialise the chain's writers until the end of the transaction, before the head is read.
    PostgreSQL: an advisory lock. SQLite: a write statement that changes nothing takes the
    database's one write lock (a read alone would not, and another writer could slip in
    between reading the head and inserting)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.execute(text("UPDATE audit_event SET id = id WHERE 0"))


def chain_head(connection) -> str:
    last = connection.execute(select(AuditEvent.__table__.c.row_hash)
                              .order_by(AuditEvent.__table__.c.id.desc()).limit(1)).scalar()
    return last or GENESIS


@event.listens_for(Session, "before_flush")
def _chain_new_rows(session, flush_context, instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)
    connection = session.connection()
    lock_chain(connection)
    previous = chain_head(connection)
    now = datetime.now(timezone.utc)
    for audit_event in new:
        if audit_event.created_at is None:
            audit_event.created_at = now
        if audit_event.detail is None:
            audit_event.detail = {}
        fields = {name: getattr(audit_event, name) for name in (
            "actor_account_id", "action", "object_type", "object_id", "ip", "detail",
            "created_at")}
        audit_event.prev_hash = previous
        audit_event.row_hash = previous = row_hash(fields, previous)
