"""The monthly payment roll (发放名册): build, confirm, the bank's result.

build(programme, month, actor)   set-based SQL (INSERT … SELECT), never an object per line:
    1. every month due of every paying recipient of the programme, from their first month not
       yet on a roll (back months, 补发; failed months come back) to the roll's month – of a
       suspended or ended recipient only the months before its stop month, and never a month
       of an unpaid period (a suspension resumed without back pay;
       portal.benefits.lifecycle) – each at
       the rate in force in that month (portal.benefits.rates; the approved amount where the
       file's rate is not known) – payment_month. A month already on a roll and not failed is
       skipped by the database's own unique index (INSERT … ON CONFLICT DO NOTHING), not by a
       NOT EXISTS over payment_month: with the table's statistics saying "empty" (its first
       roll) PostgreSQL planned that as a scan of the table being inserted into, once per row
       – 170 s for 100,000 recipients instead of 4;
    2. one line per recipient (so one per person) with the months it covers and their total –
       payment_line; a line whose months failed before carries the bank's reason;
    3. the roll's count and total.
  The database refuses the same recipient and month on two rolls (unless that payment failed)
  and the same person twice on a roll. A draft may be built again (it is replaced).
confirm(roll_id, actor, expected_version)   draft → confirmed, once: a conditional UPDATE on
  the row (status still draft, version unchanged). Of two confirmations at once (two officers,
  two workers) the second finds no row – on PostgreSQL it waits for the first's row lock,
  then sees the changed row – and fails with AlreadyConfirmed (RollChanged: the draft was
  built again since the confirming officer read it).
import_bank_result(roll_id, data, actor)   the bank's CSV (reference, paid|failed, reason):
  every row is checked first; one bad row refuses the file (BankFileError lists them) and
  nothing changes. Paid and failed lines are marked; failed months come back on the next roll.
  When no line is left pending, the roll is locked.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import (
    Date,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import Account
from portal.audit import log as audit
from portal.benefits import rates as rate_data
from portal.benefits.models import (
    PaymentLine,
    PaymentMonth,
    PaymentRoll,
    Recipient,
    UnpaidPeriod,
)
from portal.extensions import db

R = Recipient.__table__
M = PaymentMonth.__table__
L = PaymentLine.__table__
ROLL = PaymentRoll.__table__
GAP = UnpaidPeriod.__table__
# The partial unique index's own condition (models.py: uq_payment_month_once), as SQL.
NOT_FAILED = text("state <> 'failed'")
IS_FAILED = text("failed.state = 'failed'")
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
MONTHS_PER_STATEMENT = 400     # SQLite allows 500 terms in one compound SELECT
MAX_REASON = 200


class RollError(Exception):
    """Nothing was changed."""


class NotMonthly(RollError):
    """The programme pays no monthly cash."""


class RollNotDraft(RollError):
    """The roll has been confirmed: it cannot be built again."""


class AlreadyConfirmed(RollError):
    """The roll was confirmed already (perhaps a moment ago, by someone else)."""


class RollChanged(RollError):
    """The draft was built again since it was read (another version): check it again."""


class RollBusy(RollError):
    """Another roll was being built at the same time over the same months: try again."""


class NotConfirmed(RollError):
    """A draft roll goes to no bank: confirm it first."""


@dataclass(frozen=True)
class BankRowError:
    row: int          # the file's row number (1 = the first row)
    problem: str      # columns | reference | result | reason | twice | settled


class BankFileError(RollError):
    def __init__(self, errors: list[BankRowError]):
        super().__init__(", ".join(f"{e.row}:{e.problem}" for e in errors))
        self.errors = errors


def _now() -> datetime:
    return datetime.now(timezone.utc)


def find(roll_id: int) -> PaymentRoll | None:
    return db.session.get(PaymentRoll, roll_id)


def rolls(limit: int = 100) -> list[PaymentRoll]:
    return list(db.session.scalars(select(PaymentRoll).order_by(
        PaymentRoll.month.desc(), PaymentRoll.programme).limit(limit)))


# ── building ──────────────────────────────────────────────────────────────────────────────

def _amount_expression(programme: str, month_column):
    """The month's amount: the file's rate in force that month where known, else the
    recipient's approved amount – a CASE over the file's dated rates (a handful of terms)."""
    rates = rate_data.rates_of(programme)
    whens = []
    for band in rates.bands:
        for i, value in enumerate(band.values):
            if value.amount_fen is None:
                continue
            until = band.values[i + 1].since if i + 1 < len(band.values) else None
            condition = and_(R.c.band == band.id, month_column >= value.since)
            if until is not None:
                condition = and_(condition, month_column < until)
            whens.append((condition, value.amount_fen))
    return case(*whens, else_=R.c.monthly_amount_fen) if whens else R.c.monthly_amount_fen


def _month_table(months: list[date]):
    parts = [select(literal(m, Date).label("month")) for m in months]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("due")


def build(programme: str, month: date, actor: Account | None) -> PaymentRoll:
    """Build (or build again, while a draft) the roll of `programme` for `month`; commits."""
    if not rate_data.pays_monthly(programme):
        raise NotMonthly(programme)
    month = rate_data.first_of_month(month)
    now = _now()
    try:
        roll = db.session.scalar(select(PaymentRoll).where(
            PaymentRoll.programme == programme, PaymentRoll.month == month).with_for_update())
        if roll is not None:
            if roll.status != "draft":
                raise RollNotDraft(str(roll.id))
            _discard_lines(roll.id)
            roll.built_at, roll.built_by_account_id = now, actor.id if actor else None
        else:
            roll = PaymentRoll(programme=programme, month=month, status="draft",
                               built_by_account_id=actor.id if actor else None, built_at=now)
            db.session.add(roll)
        db.session.flush()
        _insert_months(roll.id, programme, month)
        _insert_lines(roll.id)
        after = rate_data.next_month(month)
        db.session.execute(update(R).where(
            R.c.programme == programme, R.c.status == "paying", R.c.start_month <= month,
            or_(R.c.next_due_month.is_(None), R.c.next_due_month < after),
        ).values(next_due_month=after))
        # Suspended or ended: due up to the stop month at most.
        until = case((R.c.stop_month < after, R.c.stop_month), else_=literal(after, Date))
        db.session.execute(update(R).where(
            R.c.programme == programme, R.c.status != "paying", R.c.stop_month.is_not(None),
            R.c.start_month <= month,
            or_(R.c.next_due_month.is_(None), R.c.next_due_month < until),
        ).values(next_due_month=until))
        totals = db.session.execute(
            select(func.count(), func.coalesce(func.sum(L.c.amount_fen), 0))
            .where(L.c.roll_id == roll.id)).one()
        roll.line_count, roll.total_fen = totals[0], int(totals[1])
        audit.record(actor, "roll.build", "roll", str(roll.id),
                     {"programme": programme, "month": month.isoformat()[:7],
                      "lines": roll.line_count, "total_fen": roll.total_fen})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RollBusy(programme) from None
    except RollError:
        db.session.rollback()
        raise
    return roll


def _discard_lines(roll_id: int) -> None:
    """A draft built again: its months are due again (the recipients' next due month goes back
    to the first month the draft held), then its lines and months go."""
    first = select(func.min(M.c.month)).where(M.c.roll_id == roll_id,
                                              M.c.recipient_id == R.c.id).scalar_subquery()
    db.session.execute(update(R).where(
        exists().where(M.c.roll_id == roll_id, M.c.recipient_id == R.c.id)
    ).values(next_due_month=first))
    db.session.execute(delete(M).where(M.c.roll_id == roll_id))
    db.session.execute(delete(L).where(L.c.roll_id == roll_id))


def _payable():
    """Recipients who may have months due: paying, or suspended/ended with months before their
    stop month (portal.benefits.lifecycle)."""
    return or_(R.c.status == "paying", R.c.stop_month.is_not(None))


def _insert_months(roll_id: int, programme: str, month: date) -> None:
    earliest = db.session.scalar(select(func.min(func.coalesce(R.c.next_due_month,
                                                               R.c.start_month)))
                                 .where(R.c.programme == programme, _payable()))
    if earliest is None or earliest > month:
        return
    months = rate_data.months_between(earliest, month)
    for start in range(0, len(months), MONTHS_PER_STATEMENT):
        due = _month_table(months[start:start + MONTHS_PER_STATEMENT])
        chosen = (
            select(literal(roll_id).label("roll_id"), R.c.id, due.c.month,
                   _amount_expression(programme, due.c.month), literal("pending"))
            .select_from(R.join(due, and_(
                due.c.month >= R.c.start_month,
                due.c.month >= func.coalesce(R.c.next_due_month, R.c.start_month))))
            .where(R.c.programme == programme, _payable(),
                   or_(R.c.stop_month.is_(None), due.c.month < R.c.stop_month),
                   ~exists().where(GAP.c.recipient_id == R.c.id,
                                   GAP.c.first_month <= due.c.month,
                                   GAP.c.last_month >= due.c.month))
        )
        dialect_insert = INSERTS[db.session.get_bind().dialect.name]
        db.session.execute(
            dialect_insert(M).from_select(
                ["roll_id", "recipient_id", "month", "amount_fen", "state"], chosen)
            .on_conflict_do_nothing(index_elements=["recipient_id", "month"],
                                    index_where=NOT_FAILED))


def _insert_lines(roll_id: int) -> None:
    grouped = (
        select(M.c.roll_id, M.c.recipient_id, R.c.person_id, R.c.street,
               func.min(M.c.month), func.max(M.c.month), func.count(), func.sum(M.c.amount_fen),
               literal("pending"))
        .select_from(M.join(R, R.c.id == M.c.recipient_id))
        .where(M.c.roll_id == roll_id)
        .group_by(M.c.roll_id, M.c.recipient_id, R.c.person_id, R.c.street)
    )
    db.session.execute(insert(L).from_select(
        ["roll_id", "recipient_id", "person_id", "street", "first_month", "last_month",
         "months", "amount_fen", "state"], grouped))
    # A line that brings back months which failed: the bank's last reason for them.
    earlier = L.alias("earlier")
    failed = M.alias("failed")
    reason = (select(earlier.c.reason)
              .where(earlier.c.recipient_id == L.c.recipient_id, earlier.c.state == "failed",
                     earlier.c.roll_id != roll_id)
              .order_by(earlier.c.id.desc()).limit(1).scalar_subquery())
    db.session.execute(update(L).where(
        L.c.roll_id == roll_id,
        exists().where(failed.c.recipient_id == L.c.recipient_id, IS_FAILED,
                       failed.c.month >= L.c.first_month, failed.c.month <= L.c.last_month),
    ).values(retry_reason=reason))


# ── confirming ────────────────────────────────────────────────────────────────────────────

def confirm(roll_id: int, actor: Account, expected_version: int | None = None) -> PaymentRoll:
    """draft → confirmed, once (see the module's docstring); commits."""
    now = _now()
    conditions = [ROLL.c.id == roll_id, ROLL.c.status == "draft"]
    if expected_version is not None:
        conditions.append(ROLL.c.version == expected_version)
    result = db.session.execute(
        update(ROLL).where(*conditions).values(
            status="confirmed", confirmed_at=now, confirmed_by_account_id=actor.id,
            version=ROLL.c.version + 1))
    if result.rowcount != 1:
        db.session.rollback()
        status = db.session.scalar(select(ROLL.c.status).where(ROLL.c.id == roll_id))
        if status == "draft":       # built again since it was read: not what was checked
            raise RollChanged(str(roll_id))
        raise AlreadyConfirmed(str(roll_id))
    audit.record(actor, "roll.confirm", "roll", str(roll_id), {})
    db.session.commit()
    roll = db.session.get(PaymentRoll, roll_id)
    db.session.refresh(roll)
    return roll


# ── the bank's result ─────────────────────────────────────────────────────────────────────

RESULTS = {"paid": "paid", "failed": "failed", "成功": "paid", "失败": "failed"}


def parse_bank_file(data: bytes) -> list[tuple[int, list[str]]]:
    """(row number, cells) of the bank's CSV; a header row (not starting with a number) is
    skipped. UTF-8 with or without BOM, or GB18030 (what Excel in China writes)."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("gb18030", errors="replace")
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(content)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and not cells[0].isdigit():
            continue
        rows.append((number, cells))
    return rows


def import_bank_result(roll_id: int, data: bytes, actor: Account) -> dict[str, int]:
    """Mark the roll's lines paid or failed from the bank's file; commits. Returns the counts
    {"paid": n, "failed": n, "pending": n left}. Raises BankFileError (nothing saved)."""
    roll = db.session.get(PaymentRoll, roll_id)
    if roll is None or roll.status == "draft":
        raise NotConfirmed(str(roll_id))
    rows = parse_bank_file(data)
    lines = {line.id: line for line in db.session.scalars(
        select(PaymentLine).where(PaymentLine.roll_id == roll_id))}
    errors, seen, marks = [], set(), []
    if not rows:
        errors.append(BankRowError(1, "empty"))
    for number, cells in rows:
        if len(cells) < 2 or len(cells) > 3:
            errors.append(BankRowError(number, "columns"))
            continue
        reference, result = cells[0], RESULTS.get(cells[1].lower())
        reason = (cells[2] if len(cells) > 2 else "")[:MAX_REASON]
        line = lines.get(int(reference)) if reference.isdigit() else None
        if line is None:
            errors.append(BankRowError(number, "reference"))
        elif line.id in seen:
            errors.append(BankRowError(number, "twice"))
        elif line.state != "pending":
            errors.append(BankRowError(number, "settled"))
        elif result is None:
            errors.append(BankRowError(number, "result"))
        elif result == "failed" and not reason:
            errors.append(BankRowError(number, "reason"))
        else:
            seen.add(line.id)
            marks.append((line, result, reason or None))
    if errors:
        raise BankFileError(errors)
    now = _now()
    for line, result, reason in marks:
        line.state, line.reason, line.result_at = result, reason, now
        db.session.execute(update(M).where(M.c.roll_id == roll_id,
                                           M.c.recipient_id == line.recipient_id)
                           .values(state=result))
        if result == "failed":   # its months are due again
            db.session.execute(update(R).where(
                R.c.id == line.recipient_id,
                or_(R.c.next_due_month.is_(None), R.c.next_due_month > line.first_month),
            ).values(next_due_month=line.first_month))
    counts = {"paid": sum(1 for m in marks if m[1] == "paid"),
              "failed": sum(1 for m in marks if m[1] == "failed")}
    counts["pending"] = sum(1 for line in lines.values() if line.state == "pending")
    if counts["pending"] == 0:
        roll.status, roll.locked_at = "locked", now
    audit.record(actor, "roll.bank_result", "roll", str(roll_id), counts)
    db.session.commit()
    return counts


# ── reading ───────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class StreetTotal:
    street: str
    lines: int
    amount_fen: int


def street_totals(roll_id: int, street: str | None = None) -> list[StreetTotal]:
    """The roll's count and total per street (of `street` only, when given)."""
    query = (select(L.c.street, func.count(), func.sum(L.c.amount_fen))
             .where(L.c.roll_id == roll_id).group_by(L.c.street).order_by(L.c.street))
    if street is not None:
        query = query.where(L.c.street == street)
    rows = db.session.execute(query)
    return [StreetTotal(street, count, int(total or 0)) for street, count, total in rows]


def batch_of_lines(roll_id: int, after: int, limit: int, *where):
    """The next `limit` lines of the roll after line `after` (keyset on id), as a subquery to
    join from: chosen before any join, so that a new roll – whose id the statistics do not
    know yet, its row count guessed at a few hundred – is never joined whole and then sorted
    for each batch (0.2 s a batch at 100,000 lines on PostgreSQL; now a few ms)."""
    return (select(L).where(L.c.roll_id == roll_id, L.c.id > after, *where)
            .order_by(L.c.id).limit(limit).subquery("batch"))


def lines_page(roll_id: int, after: int = 0, limit: int = 200,
               *where) -> list[PaymentLine]:
    """A page of the roll's lines (keyset on id), with their recipients and people loaded;
    `where`: more conditions (portal.benefits.access.lines_visible)."""
    batch = batch_of_lines(roll_id, after, limit, *where)
    return list(db.session.scalars(
        select(PaymentLine).where(PaymentLine.id.in_(select(batch.c.id)))
        .options(selectinload(PaymentLine.recipient).selectinload(Recipient.person))
        .order_by(PaymentLine.id).limit(limit)))


def payments_of(recipient_id: int) -> list[PaymentLine]:
    """Every line of the recipient on a confirmed or locked roll, newest first (what the
    resident sees: a draft is not a payment yet)."""
    return list(db.session.scalars(
        select(PaymentLine).join(PaymentRoll, PaymentRoll.id == PaymentLine.roll_id)
        .where(PaymentLine.recipient_id == recipient_id, PaymentRoll.status != "draft")
        .order_by(PaymentLine.first_month.desc(), PaymentLine.id.desc())))


def months_of(line: PaymentLine) -> list[PaymentMonth]:
    return list(db.session.scalars(
        select(PaymentMonth).where(PaymentMonth.roll_id == line.roll_id,
                                   PaymentMonth.recipient_id == line.recipient_id)
        .order_by(PaymentMonth.month)))
