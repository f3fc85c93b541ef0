"""On PostgreSQL the staff queue's statements walk their indexes (migration 0001's
ix_application_queue_street / ix_application_queue_status, 0004's ix_application_queue_count):
no sequential scan of the applications or the people, whatever the officer or the page. The
plans are read with EXPLAIN from the very statements the queue page sends, on a table with
enough rows (and fresh statistics) for the planner to choose as it would in production.
SQLite has no comparable planner output: there the test is skipped."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select, text

from bench.queue import BENCH_PHONES, seed
from portal.accounts.models import Account
from portal.applications import queues
from portal.extensions import db as _db

ROWS = 6000


@pytest.fixture()
def seeded(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (TEST_DATABASE_URL)")
    seed(ROWS)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE application"))
        connection.execute(text("ANALYZE person"))
    return db


def _statements(client, path: str) -> list[tuple[str, object]]:
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "application" in statement:
            sent.append((statement, parameters))

    event.listen(_db.engine, "before_cursor_execute", capture)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", capture)
    return sent


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plans(statements) -> list[list[dict]]:
    plans = []
    with _db.engine.connect() as connection:
        for statement, parameters in statements:
            result = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement,
                                                parameters).scalar()
            document = result if isinstance(result, list) else json.loads(result)
            plans.append(list(_nodes(document[0]["Plan"])))
    return plans


def _deep_cursor(role: str) -> str:
    actor = _db.session.scalar(select(Account).where(Account.phone == BENCH_PHONES[role]))
    page = queues.page(actor, queues.QueueFilter(view="all"), limit=queues.PAGE_SIZE * 20)
    assert page.next_cursor
    return page.next_cursor


CASES = [
    ("street_officer", "/staff/queue", "ix_application_queue_street"),
    ("street_officer", "/staff/queue?view=all", "ix_application_queue_street"),
    ("street_officer", "/staff/queue?view=all&deadline=overdue", "ix_application_queue_street"),
    ("district_reviewer", "/staff/queue", "ix_application_queue_status"),
    ("district_reviewer", "/staff/queue?view=all", "ix_application_queue_status"),
    ("district_reviewer", "deep", "ix_application_queue_status"),
    ("civil_affairs", "/staff/queue", "ix_application_queue_"),
]


@pytest.mark.parametrize("role, path, index", CASES)
def test_the_queue_walks_its_indexes(seeded, client, role, path, index):
    if path == "deep":
        path = "/staff/queue?view=all&after=" + _deep_cursor(role)
    client.get(f"/_test/sign-in/{BENCH_PHONES[role]}")
    statements = _statements(client, path)
    assert statements, "the queue sent no statement about applications"
    used = set()
    for (statement, _parameters), nodes in zip(statements, _plans(statements)):
        for node in nodes:
            assert not (node["Node Type"] == "Seq Scan"
                        and node.get("Relation Name") in ("application", "person")), (
                f"sequential scan of {node['Relation Name']} in:\n{statement}")
            if node.get("Index Name"):
                used.add(node["Index Name"])
    assert any(name.startswith(index) for name in used), (index, used)
