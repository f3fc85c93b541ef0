"""Finding 9: the audit log cannot be rewritten – triggers on both databases, a hash chain,
`flask verify-audit`."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit import chain as audit_chain
from portal.audit import log as audit
from portal.audit.models import GENESIS, AuditEvent
from portal.extensions import db as _db
from tests.support.accounts import STAFF_PASSWORD, make_staff, sign_in_through_form


def _write(actor, count=3):
    for number in range(count):
        audit.record(actor, "queue.search", "queue", None, {"n": number, "text": "甘亭"})
        _db.session.commit()


def _tamper(statement: str, **values) -> None:
    """What an attacker with database access would do: take the trigger off, change, put it
    back (the chain still tells)."""
    _db.session.rollback()   # the test's own reads would hold the table
    with _db.engine.begin() as connection:
        audit_chain.remove_guard(connection)
        connection.execute(text(statement), values)
        audit_chain.install_guard(connection)


def _ids():
    return list(_db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'changed'",
    "UPDATE audit_event SET row_hash = prev_hash",
    "DELETE FROM audit_event",
])
def test_the_database_refuses_to_change_or_delete_rows(db, statement):
    staff = make_staff()
    _write(staff, 1)
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with _db.engine.begin() as connection:
            connection.execute(text(statement))
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_postgresql_refuses_truncate_too(db):
    if _db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite's DELETE is refused above)")
    _write(make_staff(), 1)
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with _db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_event CASCADE"))
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_each_row_carries_the_hash_of_the_one_before(db):
    staff = make_staff()
    _write(staff, 3)
    rows = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert len({r.row_hash for r in rows}) == 3
    assert audit_chain.verify().ok and audit_chain.verify().rows == 3


def test_several_rows_in_one_transaction_are_chained_in_order(db):
    staff = make_staff()
    for number in range(4):
        audit.record(staff, "queue.search", "queue", None, {"n": number})
    _db.session.commit()
    rows = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [r.detail["n"] for r in rows] == [0, 1, 2, 3]
    assert audit_chain.verify().ok


def test_real_actions_chain_and_verify_audit_says_so(client, runner):
    make_staff()
    sign_in_through_form(client, "13800002222", STAFF_PASSWORD, page="/staff/sign-in")
    client.get("/staff/audit")
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_a_changed_row_is_found_and_named(db, runner):
    staff = make_staff()
    _write(staff, 4)
    second = _ids()[1]
    _tamper("UPDATE audit_event SET object_id = 'forged' WHERE id = :id", id=second)
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert f"row {second} " in result.output and "changed" in result.output


def test_a_changed_row_with_its_hash_made_again_breaks_the_next_link(db, runner):
    from portal.audit.models import row_hash

    staff = make_staff()
    _write(staff, 3)
    first, second, _ = _ids()
    row = dict(_db.session.execute(select(AuditEvent.__table__).where(
        AuditEvent.id == first)).mappings().one())
    row["action"] = "sign_in"
    _tamper("UPDATE audit_event SET action = 'sign_in', row_hash = :h WHERE id = :id",
            h=row_hash(row, row["prev_hash"]), id=first)
    verdict = audit_chain.verify()
    assert verdict.broken_id == second and "prev_hash" in verdict.reason


def test_a_removed_row_is_found(db, runner):
    staff = make_staff()
    _write(staff, 4)
    ids = _ids()
    _tamper("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1 and f"row {ids[2]} " in result.output


def test_a_fork_cannot_be_stored(db):
    """Two rows chained onto the same one (as two unlocked writers would) are refused."""
    from sqlalchemy.exc import IntegrityError

    staff = make_staff()
    _write(staff, 1)
    head = _db.session.scalar(select(AuditEvent.row_hash))
    with pytest.raises(IntegrityError):
        with _db.engine.begin() as connection:
            connection.execute(AuditEvent.__table__.insert().values(
                action="queue.search", object_type="queue", detail={}, prev_hash=GENESIS,
                row_hash=head, created_at=_db.session.scalar(select(AuditEvent.created_at))))


def test_concurrent_writers_never_fork_the_chain(app, db):
    """Two threads (two connections) writing at once; on PostgreSQL the advisory lock makes
    them take turns, on SQLite the single writer does."""
    staff = make_staff()
    staff_id = staff.id
    errors = []
    start = threading.Barrier(2)

    def writer(label):
        try:
            with app.app_context():
                start.wait()
                for number in range(15):
                    _db.session.add(AuditEvent(actor_account_id=staff_id, action="queue.search",
                                               object_type="queue", detail={label: number}))
                    _db.session.commit()
                _db.session.remove()
        except Exception as problem:  # noqa: BLE001 – reported below
            errors.append(problem)

    threads = [threading.Thread(target=writer, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    verdict = audit_chain.verify()
    assert verdict.ok and verdict.rows == 30, verdict


def test_the_migration_chains_rows_written_before_it(app, db, runner):
    from flask_migrate import downgrade, upgrade

    staff_id = make_staff().id
    _db.session.commit()
    _db.session.close()
    downgrade(revision="0007_security_id_encryption")
    try:
        with _db.engine.begin() as connection:
            for number in range(3):
                connection.execute(text(
                    "INSERT INTO audit_event (actor_account_id, action, object_type, detail, "
                    "created_at) VALUES (:a, 'queue.search', 'queue', :d, :t)"),
                    {"a": staff_id, "d": f'{{"n": {number}}}',
                     "t": f"2026-11-0{number + 1} 08:00:00.000000"})
            connection.execute(text(
                "INSERT INTO outbox_message (channel, recipient, locale, body, status, attempts, "
                "next_attempt_at, created_at) VALUES ('sms', '13900001111', 'zh_Hans_CN', "
                "'验证码是123456，10分钟内有效', 'pending', 0, '2026-11-01 08:00:00', "
                "'2026-11-01 08:00:00')"))
    finally:
        upgrade()
    assert audit_chain.verify().ok and audit_chain.verify().rows == 3
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with _db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_event"))
    body = _db.session.scalar(text("SELECT body FROM outbox_message"))
    assert "123456" not in body and "******" in body
