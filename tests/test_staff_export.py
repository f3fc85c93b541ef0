"""The staff export (CSV and .xlsx) as it really goes out: through gunicorn, where the response
is streamed after the view returned (it used to send the header row and drop the connection,
and answer 500 with Accept-Encoding: br, while the audit log said it was sent); plain, gzip
and brotli; constant memory for 100,000 rows; formula cells never run; the street's scope;
the audit row written only for what was sent."""
from __future__ import annotations

import csv
import gzip
import io
import socket
import struct
import time
import tracemalloc
import zipfile
from datetime import datetime, timedelta, timezone

import brotli
import pytest
from sqlalchemy import select

from portal.applications import working_days
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from tests.support.staff import make_application, make_person
from tests.support.accounts import make_account, sign_in
from tests.support.gunicorn_server import served  # noqa: F401 – the fixture

EVIL = '=HYPERLINK("http://evil","x")'


@pytest.fixture()
def staff(db):
    return {
        "resident": make_account("resident"),
        "street": make_account("street_officer", street="ganting", name="赵刚"),
    }


def many(applicant, count: int, street: str = "ganting", name: str = "王秀兰",
         prefix: str = "A") -> None:
    """`count` applications of one person, in bulk (plain SQL: the factories commit one at a
    time, and the ORM's bulk insert takes seconds for 100,000)."""
    person, _ = make_person(name=name, street=street)
    now = datetime.now(timezone.utc)
    sqlite = _db.engine.dialect.name == "sqlite"

    def moment(value):   # how SQLAlchemy keeps a datetime in SQLite: naive UTC text
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value

    mark = "?" if sqlite else "%s"
    statement = (
        "INSERT INTO application (reference, programme, person_id, applicant_account_id,"
        " relationship_to_person, answers, status, street, locale, submitted_at,"
        " status_changed_at, due_at, version) VALUES"
        f" ({mark}, 'nursing_allowance', {mark}, {mark}, 'family', '{{}}', 'submitted',"
        f" {mark}, 'zh_Hans_CN', {mark}, {mark}, {mark}, 1)")
    rows = [(f"HY-2026-{prefix}{n:05d}", person.id, applicant.id, street, moment(now),
             moment(now),
             # every tenth without a deadline: the export's second part
             None if n % 10 == 0 else moment(now + timedelta(hours=n % 500)))
            for n in range(count)]
    _db.session.connection().exec_driver_sql(statement, rows)
    _db.session.commit()


def exports() -> list[AuditEvent]:
    _db.session.rollback()
    return list(_db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("queue.export%"))
        .order_by(AuditEvent.id)))


def decode(answer) -> bytes:
    encoding = answer.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(answer.body)
    if encoding == "br":
        return brotli.decompress(answer.body)
    assert encoding is None
    return answer.body


# ------------------------------------------------------------------------- through gunicorn

@pytest.mark.parametrize("accept", ["identity", "gzip", "br", "gzip, deflate, br, zstd"])
def test_the_csv_export_streams_whole_through_gunicorn(served, staff, accept):
    many(staff["resident"], 2500)                     # more than two of the export's batches
    evil, _ = make_person(name=EVIL)
    make_application(staff["resident"], person=evil)
    make_application(staff["resident"], street="yuxia", name="郑春梅")   # another street
    browser = served.browser()
    assert browser.get(f"/_test/sign-in/{staff['street'].phone}").status == 302
    answer = browser.get("/staff/export.csv?view=all", headers={"Accept-Encoding": accept})
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    expected = {"identity": None, "gzip": "gzip"}.get(accept, "br")
    assert answer.headers.get("Content-Encoding") == expected
    raw = decode(answer)
    assert raw.startswith("\ufeff".encode())            # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "受理编号"
    assert len(rows) == 1 + 2501                         # every row of the street, no other
    assert len({row[0] for row in rows[1:]}) == 2501
    assert "郑春梅" not in raw.decode("utf-8-sig")
    assert ["'" + EVIL] == [row[2] for row in rows if "HYPERLINK" in row[2]]
    [event] = exports()
    assert event.action == "queue.export"
    assert event.detail["rows"] == 2501 and event.detail["format"] == "csv"
    assert event.actor_account_id == staff["street"].id


def test_the_xlsx_export_through_gunicorn_opens_in_excel_and_runs_no_formula(served, staff):
    from openpyxl import load_workbook

    many(staff["resident"], 1200)
    for name in (EVIL, "+86 139", "-1", "@SUM(A1)", "\tx", "\rx"):
        person, _ = make_person(name=name)
        make_application(staff["resident"], person=person)
    make_application(staff["resident"], street="yuxia", name="郑春梅")
    browser = served.browser()
    browser.get(f"/_test/sign-in/{staff['street'].phone}")
    answer = browser.get("/staff/export.xlsx?view=all", headers={"Accept-Encoding": "br"})
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Content-Encoding" not in answer.headers      # a zip already
    assert ".xlsx" in answer.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.body)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml   # no formula anywhere
    sheet = load_workbook(io.BytesIO(answer.body)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "受理编号" and len(rows) == 1 + 1206
    names = {row[2].value: row[2] for row in rows[1:]}
    assert "郑春梅" not in names
    for name in (EVIL, "+86 139", "-1", "@SUM(A1)", "\tx", "\rx"):
        cell = names.get(name) or names[name.replace("\r", "\n")]   # XML reads CR as LF
        assert cell.data_type == "s" and cell.quotePrefix, name
    assert all(cell.data_type == "s" for row in rows for cell in row if cell.value)
    [event] = exports()
    assert event.action == "queue.export" and event.detail["rows"] == 1206
    assert event.detail["format"] == "xlsx"


def test_a_dropped_connection_is_audited_as_an_unfinished_export(served, staff):
    many(staff["resident"], 20000)
    browser = served.browser()
    browser.get(f"/_test/sign-in/{staff['street'].phone}")
    with socket.create_connection(("127.0.0.1", served.port)) as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.sendall(b"GET /staff/export.csv?view=all HTTP/1.1\r\nHost: x\r\n"
                           b"Cookie: " + browser.cookie_header().encode() + b"\r\n\r\n")
        assert b"200 OK" in connection.recv(1024)
        # the staff member's computer goes away after the first few bytes
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    deadline = time.monotonic() + 60
    while not exports() and time.monotonic() < deadline:
        time.sleep(0.2)
    [event] = exports()
    assert event.action == "queue.export_failed"
    assert event.detail["rows"] < 20000


# ------------------------------------------------------------------------- in the app

def test_an_export_of_100000_rows_takes_constant_memory(client, staff):
    many(staff["resident"], 100_000)
    sign_in(client, staff["street"])
    # warmed up first (translations, compiled statements): what follows is the export's own
    client.get("/staff/export.csv?view=all&deadline=overdue", headers={"Accept-Encoding": "br"})
    tracemalloc.start()
    try:
        response = client.get("/staff/export.csv?view=all", buffered=False,
                              headers={"Accept-Encoding": "br"})
        size, lines, last = 0, 0, b""
        decompressor = brotli.Decompressor()
        for chunk in response.response:
            data = last + decompressor.process(chunk)
            size += len(data) - len(last)
            lines += data.count(b"\r\n")
            last = data[-1:] if data.endswith(b"\r") else b""
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 1 + 100_000
    assert size > 8_000_000
    # One batch of rows and its CSV text, and SQLAlchemy's statement cache: a few MB, however
    # many rows (the 100,000 rows held at once would be over 100 MB, the CSV text 13 MB).
    assert peak < 10_000_000, f"peak {peak / 1e6:.1f} MB for {size / 1e6:.1f} MB of CSV"
    event = exports()[-1]
    assert event.detail["rows"] == 100_000


def test_the_export_follows_the_queue_filters_and_the_search(client, staff):
    make_application(staff["resident"], name="王秀兰")
    make_application(staff["resident"], name="李建国", programme="living_allowance")
    sign_in(client, staff["street"])
    response = client.get("/staff/export.csv?view=all&programme=living_allowance")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["李建国"]
    event = exports()[-1]
    assert event.detail == {"format": "csv", "rows": 1, "view": "all",
                            "programme": "living_allowance"}


def test_the_queue_offers_both_files(client, staff):
    make_application(staff["resident"])
    sign_in(client, staff["street"])
    html = client.get("/staff/queue?view=all").get_data(as_text=True)
    assert "/staff/export.xlsx?view=all" in html and "/staff/export.csv?view=all" in html
