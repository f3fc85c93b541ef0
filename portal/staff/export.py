"""Exporting a queue as a spreadsheet: CSV (UTF-8 with BOM, for Excel) or .xlsx (openpyxl).

Streamed, in constant memory, however many rows:
- The rows are read in keyset batches (the queue's order: soonest deadline first, those
  without one last), selecting only the columns the file shows – never ORM objects kept in the
  session. Each batch is a short query of its own; no transaction or cursor stays open while
  the file travels to a slow connection.
- Everything the generator needs is copied into plain values while the request is being
  handled: the response is sent after the view returned, when the request's database session
  has been closed (on gunicorn the staff member's Account object is detached by then – the
  export used to send its header row and drop the connection). The generator runs inside
  stream_with_context and opens its own session.
- CSV goes out a batch at a time. An .xlsx file is a zip that can only be finished at the end:
  openpyxl's write-only mode writes the rows to a temporary file on disk (constant memory), and
  the finished file is then sent in chunks.
- Compression is done here, a batch at a time (brotli or gzip, as the browser accepts; .xlsx is
  already compressed), and Flask-Compress is told to leave the response alone
  (delivery.encoded_by_view): its streaming compressor buffered the start of the file, so
  a failure became a bare 500 with `Accept-Encoding: br`.

Audited by what was actually sent: `queue.export` (with the format and the row count) is
recorded only after the last chunk was handed to the server – the generator resumes after
its last `yield` only when the server asks for more, having written everything before it. A
connection that drops, or an error, records `queue.export_failed` with the rows that went
out before it.

Formula injection: a cell that starts with = + - @ tab or CR is never run as a formula. In
CSV such a cell gets a leading apostrophe (neutralise); in .xlsx every cell is written as a
text cell (a formula needs an <f> element, which a text cell never has) and marked with
Excel's own "quote prefix", so Excel shows the text as typed and keeps it text when edited.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace

import brotli
from flask import Response, request, stream_with_context
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import select, tuple_, union_all

from portal import spreadsheets
from portal.accounts.models import Account
from portal.applications import casefile, queues, status_machine, working_days
from portal.applications.models import Application
from portal.audit import log as audit
from portal.content.streets import by_code as street_by_code
from portal.extensions import db
from portal.labels import programme_name
from portal.people import identity
from portal.people.models import Person
from portal.spreadsheets import FORMATS
from portal.web.delivery import encoded_by_view

BATCH = 1000


def time_limit_text(time_left) -> str:
    if time_left is None:
        return _("无时限")
    if time_left.state == working_days.OVERDUE:
        return _("已超期 %(days)s 个工作日", days=time_left.working_days)
    if time_left.state == working_days.DUE_TODAY:
        return _("今天到期")
    return _("还剩 %(days)s 个工作日", days=time_left.working_days)


def headings() -> list[str]:
    return [_("受理编号"), _("项目"), _("申请对象"), _("身份证号码（已隐去部分）"),
            _("街道"), _("状态"), _("提交时间"), _("办理期限"), _("时限情况")]


# ------------------------------------------------------------------------- the rows

_COLUMNS = (Application.id, Application.due_at, Application.reference, Application.programme,
            Application.street, Application.status, Application.submitted_at,
            Person.full_name, Person.id_number_encrypted)


@dataclass(frozen=True)
class Scope:
    """Who exports, as plain values (queues.visible and the view read .role and .street)."""
    account_id: int
    role: str
    street: str | None

    def as_actor(self):
        return SimpleNamespace(id=self.account_id, role=self.role, street=self.street)


def raw_rows(scope: Scope, filters: queues.QueueFilter, now: datetime,
             batch: int = BATCH) -> Iterator[list]:
    """Batches of plain rows (the columns above), in queue order, visible to `scope` only.
    Each batch walks the queue's indexes as a queue page does (queues.page): one sub-select
    per state of the view, joined with UNION ALL – however deep into the table."""
    actor = scope.as_actor()
    where = queues._where(actor, filters, now)
    parts = queues._view_parts(actor, filters)
    cursor = None
    while True:   # those with a deadline, by (due_at, id)
        keyset = [Application.due_at.is_not(None)]
        if cursor is not None:
            keyset.append(tuple_(Application.due_at, Application.id) > cursor)
        found = _batch(where + keyset, parts, (Application.due_at, Application.id), batch)
        if found:
            yield found
        if len(found) < batch:
            break
        cursor = (found[-1].due_at, found[-1].id)
    if filters.deadline is not None:
        return
    last_id = None
    while True:   # then those without one, by id
        keyset = [Application.due_at.is_(None)]
        if last_id is not None:
            keyset.append(Application.id > last_id)
        found = _batch(where + keyset, parts, (Application.id,), batch)
        if found:
            yield found
        if len(found) < batch:
            return
        last_id = found[-1].id


def _batch(where, parts, order, limit) -> list:
    """The columns of up to `limit` rows matching `where` and any of `parts`, in `order`
    (queues._fetch, for columns instead of objects). The read ends with the batch: nothing
    stays open while it travels."""
    joined = select(*_COLUMNS).join(Person, Person.id == Application.person_id)
    if len(parts) == 1:
        statement = joined.where(*where, parts[0]).order_by(*order).limit(limit)
    else:
        columns = [Application.id, *(c for c in order if c is not Application.id)]
        # Each branch joins the person too: a search's clause is on the person's columns, and
        # without the join it would match every application (a cross join).
        branches = [select(*columns).join(Person, Person.id == Application.person_id)
                    .where(*where, part).order_by(*order).limit(limit)
                    .subquery() for part in parts]
        union = union_all(*(select(branch) for branch in branches)).subquery()
        statement = (joined.join(union, union.c.id == Application.id)
                     .order_by(*(union.c[c.key] for c in order)).limit(limit))
    found = db.session.execute(statement).all()
    db.session.rollback()
    return found


class Cells:
    """Rows as the file shows them: labels, the ID number's last four only. What repeats
    (programme, street and status names, a due date's time-limit text, a person's masked
    number) is worked out once per export, not once per row."""

    def __init__(self, now: datetime, locale: str):
        self.now, self.locale = now, locale
        self.zone = get_timezone()
        self.today = working_days.local_date(now)
        self._labels: dict = {}
        self._limits: dict = {}
        self._masked: dict = {}

    def _label(self, kind: str, code: str | None) -> str:
        key = (kind, code)
        if key not in self._labels:
            if kind == "programme":
                text = programme_name(code)
            elif kind == "street":
                street = street_by_code(code or "")
                text = street.name(self.locale) if street else (code or "")
            else:
                status = status_machine.STATUSES.get(code)
                text = str(status.label) if status else code
            self._labels[key] = text
        return self._labels[key]

    def _limit(self, due_at: datetime | None) -> tuple[str, str]:
        day = working_days.local_date(due_at) if due_at is not None else None
        if day not in self._limits:
            time_left = working_days.time_left(due_at, self.now)
            self._limits[day] = (time_left.due_date.isoformat() if time_left else "",
                                 time_limit_text(time_left))
        return self._limits[day]

    def _masked_id(self, encrypted: str | None) -> str:
        if encrypted not in self._masked:
            if len(self._masked) > 10_000:      # memory stays bounded
                self._masked.clear()
            self._masked[encrypted] = identity.masked(identity.read(encrypted))
        return self._masked[encrypted]

    def __call__(self, row) -> list[str]:
        submitted = ""
        if row.submitted_at is not None:
            moment = row.submitted_at
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            submitted = moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        return [row.reference, self._label("programme", row.programme), row.full_name,
                self._masked_id(row.id_number_encrypted), self._label("street", row.street),
                self._label("status", row.status), submitted, *self._limit(row.due_at)]


# ------------------------------------------------------------------------- the files

def csv_parts(scope: Scope, filters, now: datetime, locale: str,
              counter: list[int]) -> Iterator[bytes]:
    yield from spreadsheets.csv_parts(headings(), raw_rows(scope, filters, now),
                                      Cells(now, locale), counter)


def xlsx_parts(scope: Scope, filters, now: datetime, locale: str,
               counter: list[int]) -> Iterator[bytes]:
    book = spreadsheets.workbook()
    sheet = spreadsheets.sheet(book, _("申请"), (18, 24, 12, 22, 12, 14, 18, 12, 18),
                               frozen_heading=True)
    rows = spreadsheets.append_rows(sheet, headings(), raw_rows(scope, filters, now),
                                    Cells(now, locale))
    yield from spreadsheets.saved(book)
    counter[0] = rows


# ------------------------------------------------------------------------- compression

def _encoder(name: str | None):
    """(compress(bytes) -> bytes, finish() -> bytes) for the chosen Content-Encoding."""
    if name == "br":
        compressor = brotli.Compressor(quality=4, lgwin=18)
        return (lambda data: compressor.process(data) + compressor.flush(),
                compressor.finish)
    if name == "gzip":
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return (lambda data: compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH),
                compressor.flush)
    return (lambda data: data), (lambda: b"")


def chosen_encoding(file_format: str) -> str | None:
    if file_format != "csv":     # a zip already
        return None
    best = request.accept_encodings.best_match(["br", "gzip"])
    return best if best in ("br", "gzip") else None


# ------------------------------------------------------------------------- the response

def response(actor: Account, filters: queues.QueueFilter, file_format: str,
             name: str) -> Response:
    """The export as a streamed, audited download (see the module's docstring)."""
    scope = Scope(actor.id, actor.role, actor.street)
    search = queues.parse_search(filters.q)
    detail = {"format": file_format, **casefile.filter_detail(filters, search)}
    now = datetime.now(timezone.utc)
    locale = str(get_locale())
    make = csv_parts if file_format == "csv" else xlsx_parts

    def audited(finished: bool, rows: int) -> None:
        audit.record(db.session.get(Account, scope.account_id),
                     "queue.export" if finished else "queue.export_failed", "queue", None,
                     {**detail, "rows": rows})

    return streamed(lambda counter: make(scope, filters, now, locale, counter), file_format,
                    name, audited)


def streamed(parts: Callable[[list[int]], Iterator[bytes]], file_format: str, name: str,
             audited: Callable[[bool, int], None]) -> Response:
    """A download streamed in constant memory – `parts(counter)` yields its bytes and counts
    its rows in counter[0] – compressed here when it is a CSV, and recorded by what was
    actually sent: `audited(finished, rows)` runs (and is committed) once the server has
    written the last byte, or when the connection dropped or something failed."""
    encoding = chosen_encoding(file_format)

    def generate():
        counter = [0]
        compress, finish = _encoder(encoding)
        finished = False
        try:
            for part in parts(counter):
                out = compress(part)
                if out:
                    yield out
            tail = finish()
            if tail:
                yield tail
            finished = True
        finally:
            # Resumed after the last yield: the server has written everything. Otherwise the
            # connection dropped (GeneratorExit) or something failed: recorded as such.
            db.session.rollback()
            audited(finished, counter[0])
            db.session.commit()

    result = Response(stream_with_context(generate()), mimetype=FORMATS[file_format])
    result.headers["Content-Disposition"] = f"attachment; filename={name}"
    result.headers["Cache-Control"] = "no-store"
    result.headers["Vary"] = "Accept-Encoding"
    if encoding:
        result.headers["Content-Encoding"] = encoding
    encoded_by_view(result)
    return result


