"""Who may see which applications, and the staff queues: filtered, searched, soonest deadline
first, with keyset pagination that stays fast on a large table.

Visibility is one rule, used by every staff view (queue, search, export, application view,
document download) and by status_changes:
- street officer: only the applications of their own street;
- district reviewer (区残联): every application;
- civil-affairs decider (区民政): only 两项补贴 (living and nursing allowance);
- anyone else (content editor, admin, residents): none here.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, false, func, or_, select, true, tuple_, union_all
from sqlalchemy.orm import defer
from sqlalchemy.sql.elements import ColumnElement

from portal.accounts.models import Account
from portal.applications import references, status_machine, working_days
from portal.applications.models import Application
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person

VIEW_MINE, VIEW_ALL = "mine", "all"
OVERDUE, DUE_SOON = "overdue", "due_soon"
PAGE_SIZE = 25

REFERENCE = re.compile(r"^HY-\d{4}-[0-9A-Z]{6}$")
FULL_ID = re.compile(r"^\d{17}[\dX]$")
LAST_FOUR = re.compile(r"^\d{3}[\dX]$")


# --- who may see what -------------------------------------------------------------------------

def visible(actor: Account) -> ColumnElement[bool]:
    """A WHERE clause: the applications `actor` may see."""
    role = getattr(actor, "role", None)
    if role == "street_officer":
        return Application.street == actor.street if actor.street else false()
    if role == "district_reviewer":
        return true()
    if role == "civil_affairs":
        return Application.programme.in_(status_machine.TWO_SUBSIDIES)
    return false()


def can_see(actor: Account, application: Application) -> bool:
    """The same rule as `visible`, for one application already loaded."""
    role = getattr(actor, "role", None)
    if role == "street_officer":
        return bool(actor.street) and application.street == actor.street
    if role == "district_reviewer":
        return True
    if role == "civil_affairs":
        return application.programme in status_machine.TWO_SUBSIDIES
    return False


def can_use_queues(actor: Account) -> bool:
    return getattr(actor, "role", None) in status_machine.STAFF_ACTING_ROLES


def visible_programmes(actor: Account, all_codes: list[str]) -> list[str]:
    if getattr(actor, "role", None) == "civil_affairs":
        return [c for c in all_codes if c in status_machine.TWO_SUBSIDIES]
    return list(all_codes)


def waiting_for(role: str) -> ColumnElement[bool]:
    """A WHERE clause: the applications whose turn is with `role` (its "to do" queue)."""
    clauses = []
    for status, programmes, include in status_machine.statuses_handled_by(role):
        clause = Application.status == status
        if programmes is not None:
            in_list = Application.programme.in_(programmes)
            clause = and_(clause, in_list if include else ~in_list)
        clauses.append(clause)
    return or_(*clauses) if clauses else false()


# --- filters and search -----------------------------------------------------------------------

@dataclass(frozen=True)
class QueueFilter:
    view: str = VIEW_MINE           # mine | all | a status code
    programme: str | None = None
    deadline: str | None = None     # None | overdue | due_soon
    q: str | None = None            # reference, full ID number, last 4 of the ID, name prefix

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links to the next page and the export)."""
        args = {"view": self.view, "programme": self.programme, "deadline": self.deadline,
                "q": self.q}
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class Search:
    kind: str       # reference | id_number | id_last4 | name
    value: str


def parse_search(raw: str | None) -> Search | None:
    text = (raw or "").strip()
    if not text:
        return None
    compact = references.normalise(text)
    if REFERENCE.match(compact):
        return Search("reference", compact)
    if FULL_ID.match(compact):
        return Search("id_number", compact)
    if LAST_FOUR.match(compact):
        return Search("id_last4", compact)
    return Search("name", text)


def _search_clause(search: Search) -> ColumnElement[bool]:
    if search.kind == "reference":
        return Application.reference == search.value
    if search.kind == "id_number":
        return Person.id_number_hash.in_(identity.lookup_hashes(search.value))
    if search.kind == "id_last4":
        return Person.id_number_last4_hash.in_(identity.last_four_hashes(search.value))
    return Person.full_name.startswith(search.value, autoescape=True)


def _where(actor: Account, filters: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    """Everything but the view (which states): visibility, programme, deadline, search."""
    clauses = [visible(actor)]
    if filters.programme:
        clauses.append(Application.programme == filters.programme)
    if filters.deadline == OVERDUE:
        clauses.append(Application.due_at < now)
    elif filters.deadline == DUE_SOON:
        last_day = working_days.add_working_days(
            working_days.local_date(now), status_machine.due_soon_working_days())
        clauses.append(and_(Application.due_at >= now,
                            Application.due_at <= working_days.end_of_day(last_day)))
    search = parse_search(filters.q)
    if search is not None:
        clauses.append(_search_clause(search))
    return clauses


def _view_parts(actor: Account, filters: QueueFilter) -> list[ColumnElement[bool]]:
    """The view as one clause per state. Each part walks its own index – (street, status,
    due_at, id) or (status, due_at, id) – already in deadline order, so no part is sorted."""
    if filters.view == VIEW_MINE:
        parts = []
        for status, programmes, include in status_machine.statuses_handled_by(actor.role):
            clause = Application.status == status
            if programmes is not None:
                in_list = Application.programme.in_(programmes)
                clause = and_(clause, in_list if include else ~in_list)
            parts.append(clause)
        return parts or [false()]
    if filters.view in status_machine.STATUSES:
        return [Application.status == filters.view]
    return [Application.status == status for status in status_machine.STATUSES]


# --- keyset pagination ------------------------------------------------------------------------

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def encode_cursor(application: Application) -> str:
    """"d<microseconds>-<id>" while deadlines last, then "n<id>" for those without one."""
    if application.due_at is None:
        return f"n{application.id}"
    micros = (_as_utc(application.due_at) - EPOCH) // timedelta(microseconds=1)
    return f"d{micros}-{application.id}"


def decode_cursor(raw: str | None) -> tuple[datetime | None, int] | None:
    """(due_at, id) of the last row shown; None for the first page or a cursor that is not ours."""
    if not raw:
        return None
    match = re.fullmatch(r"d(-?\d{1,18})-(\d{1,18})|n(\d{1,18})", raw)
    if not match:
        return None
    if match.group(3):
        return None, int(match.group(3))
    return EPOCH + timedelta(microseconds=int(match.group(1))), int(match.group(2))


@dataclass(frozen=True)
class QueueRow:
    application: Application
    person: Person
    time_left: working_days.TimeLeft | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    search: Search | None


def page(actor: Account, filters: QueueFilter, after: str | None = None,
         limit: int = PAGE_SIZE, now: datetime | None = None) -> QueuePage:
    """One page of the queue, soonest deadline first (those without a deadline last).

    Keyset pagination: WHERE (due_at, id) > (:due_at, :id) ORDER BY due_at, id LIMIT n, run
    for each state of the view as a sub-select that walks its index, the sub-selects joined
    with UNION ALL and cut to n – one query, however large the table. Only when the rows with
    a deadline run out, the same again for the rows without one, by id. A search is one query
    driven by the search (its matches are few).
    """
    now = now or datetime.now(timezone.utc)
    where = _where(actor, filters, now)
    parts = _view_parts(actor, filters)
    search = parse_search(filters.q)
    cursor = decode_cursor(after)
    if search is not None:
        states = [] if filters.view == VIEW_ALL else [or_(*parts)]
        found = _search_rows(where + states, cursor, limit + 1)
    else:
        found = []
        if cursor is None or cursor[0] is not None:
            keyset = [Application.due_at.is_not(None)]
            if cursor is not None:
                keyset.append(tuple_(Application.due_at, Application.id) > cursor)
            found = _fetch(where + keyset, parts, (Application.due_at, Application.id),
                           limit + 1)
        if len(found) <= limit and filters.deadline is None:
            keyset = [Application.due_at.is_(None)]
            if cursor is not None and cursor[0] is None:
                keyset.append(Application.id > cursor[1])
            found += _fetch(where + keyset, parts, (Application.id,), limit + 1 - len(found))
    more = len(found) > limit
    found = found[:limit]
    rows = [QueueRow(a, p, working_days.time_left(a.due_at, now)) for a, p in found]
    next_cursor = encode_cursor(found[-1][0]) if more else None
    return QueuePage(rows, next_cursor, search)


def _search_rows(where, cursor, limit):
    """A search: one query, driven by what was searched for (its matches are few), in the
    same order and with the same cursor as the queue."""
    if cursor is not None and cursor[0] is not None:
        where = where + [or_(Application.due_at.is_(None),
                             tuple_(Application.due_at, Application.id) > cursor)]
    elif cursor is not None:
        where = where + [Application.due_at.is_(None), Application.id > cursor[1]]
    statement = (_rows_statement().where(*where)
                 .order_by(Application.due_at.is_(None), Application.due_at, Application.id)
                 .limit(limit))
    return list(db.session.execute(statement))


def _rows_statement():
    """(Application, Person) as a queue row needs them: without the answers, which no row shows
    (they are the largest column; reading one anyway is an error, not a query per row)."""
    return (select(Application, Person).join(Person, Person.id == Application.person_id)
            .options(defer(Application.answers, raiseload=True)))


def _fetch(where, parts, order, limit):
    """(Application, Person) rows matching `where` and any of `parts`, in `order`."""
    joined = _rows_statement()
    if len(parts) == 1:
        statement = joined.where(*where, or_(*parts)).order_by(*order).limit(limit)
        return list(db.session.execute(statement))
    columns = [Application.id, *(c for c in order if c is not Application.id)]
    branches = [select(*columns).where(*where, part).order_by(*order).limit(limit).subquery()
                for part in parts]
    union = union_all(*(select(branch) for branch in branches)).subquery()
    statement = (joined.join(union, union.c.id == Application.id)
                 .order_by(*(union.c[c.key] for c in order)).limit(limit))
    return list(db.session.execute(statement))


def every_row(actor: Account, filters: QueueFilter, batch: int = 500,
              now: datetime | None = None) -> Iterator[QueueRow]:
    """Every row of the filtered queue, in queue order, read a batch at a time (for export)."""
    now = now or datetime.now(timezone.utc)
    after = None
    while True:
        result = page(actor, filters, after, limit=batch, now=now)
        yield from result.rows
        if result.next_cursor is None:
            return
        after = result.next_cursor


@dataclass(frozen=True)
class Summary:
    waiting: int
    overdue: int


def summary(actor: Account, now: datetime | None = None) -> Summary:
    """How many applications wait for `actor`, and how many of them are overdue."""
    now = now or datetime.now(timezone.utc)
    waiting, overdue = db.session.execute(
        select(func.count(), func.count().filter(Application.due_at < now))
        .select_from(Application)
        .where(visible(actor), waiting_for(actor.role))
    ).one()
    return Summary(waiting, overdue or 0)


@dataclass(frozen=True)
class StageCount:
    status: str
    waiting: int
    overdue: int    # past their deadline (due_at), as the queues' "overdue" filter counts


def stage_counts(now: datetime | None = None) -> list[StageCount]:
    """Across the district: how many applications wait in each stage still being handled
    (every active status, 0 where none), and how many of them are overdue. One grouped query
    on (status, programme, due_at)'s index – cheap enough for every metrics scrape."""
    now = now or datetime.now(timezone.utc)
    stages = [code for code, status in status_machine.STATUSES.items() if status.active]
    found = {status: (waiting, overdue or 0) for status, waiting, overdue in db.session.execute(
        select(Application.status, func.count(), func.count().filter(Application.due_at < now))
        .where(Application.status.in_(stages))
        .group_by(Application.status))}
    return [StageCount(code, *found.get(code, (0, 0))) for code in stages]
