"""`python -m bench.rolls`: the monthly payment roll for many recipients (issue 18's bar: a roll
for 100,000 active recipients builds in ≤ 30 s).

    python -m bench.rolls --database-url sqlite:////tmp/rolls.sqlite3 --count 100000

Upgrades the database, makes sure it holds `--count` applications (bench/queue.py's seed),
then gives every one of the first `--count` of them a recipient record (在册) of the nursing
allowance in bulk – the bench's applications stand in for approvals, whatever programme they
were seeded with, so the queue's own measurements see the same applications – paid from the
month of the roll or up to two months before (back months). Then it times
portal.benefits.rolls.build for that month, with the roll of an earlier run removed first and
the statistics taken again (so every run is a database's first roll, as the planner sees it),
and prints the time and the lines. `make bench` runs it on each bench database (`check`).
Never point it at a database whose data matters: it adds rows.
"""
from __future__ import annotations

import random
import time
import tracemalloc
from datetime import date, datetime, timezone

import click
from sqlalchemy import delete, func, select, update

from .budgets import EXPORT_PEAK_MB, ROLL_SECONDS, Check

PROGRAMME = "nursing_allowance"
MONTH = date(2026, 6, 1)
STARTS = (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))
BANDS = (("grade_1", 12000), ("grade_2", 8000))
BATCH = 5000


def seed(count: int, rng: random.Random | None = None) -> int:
    """Bring the bench database up to `count` recipients; returns how many were added."""
    from portal.applications.models import Application
    from portal.benefits.models import Recipient
    from portal.extensions import db

    rng = rng or random.Random(18)
    have = db.session.scalar(select(func.count()).select_from(Recipient)
                             .where(Recipient.programme == PROGRAMME))
    if have >= count:
        return 0
    taken = select(Recipient.application_id)
    rows = db.session.execute(
        select(Application.id, Application.person_id, Application.street)
        .where(Application.id.not_in(taken)).order_by(Application.id)
        .limit(count - have)).all()
    now = datetime.now(timezone.utc)
    for start in range(0, len(rows), BATCH):
        batch = []
        for application_id, person_id, street in rows[start:start + BATCH]:
            band, fen = rng.choice(BANDS)
            batch.append({
                "programme": PROGRAMME, "person_id": person_id,
                "application_id": application_id, "band": band, "monthly_amount_fen": fen,
                "start_month": rng.choice(STARTS), "street": street, "status": "paying",
                "status_since": MONTH, "created_at": now, "version": 1,
                "card_method": "bank_card", "card_last4": f"{application_id % 10000:04d}",
            })
        db.session.execute(Recipient.__table__.insert(), batch)
        db.session.commit()
    return len(rows)


def clear_roll() -> None:
    """The roll of an earlier run goes, and its months are due again."""
    from portal.benefits.models import PaymentLine, PaymentMonth, PaymentRoll, Recipient
    from portal.extensions import db

    roll_ids = select(PaymentRoll.id).where(PaymentRoll.programme == PROGRAMME)
    db.session.execute(delete(PaymentMonth).where(PaymentMonth.roll_id.in_(roll_ids)))
    db.session.execute(delete(PaymentLine).where(PaymentLine.roll_id.in_(roll_ids)))
    db.session.execute(delete(PaymentRoll).where(PaymentRoll.programme == PROGRAMME))
    db.session.execute(update(Recipient).where(Recipient.programme == PROGRAMME)
                       .values(next_due_month=None))
    db.session.commit()


def measure(count: int) -> tuple[float, int, int]:
    """(seconds, lines, months) of building the roll for `count` recipients (app context)."""
    from portal.benefits import rolls
    from portal.benefits.models import PaymentMonth
    from portal.extensions import db

    from .queue import settle

    clear_roll()
    # Statistics taken now see no payment months: the first roll of a new database, the case
    # where PostgreSQL once planned the build as a scan per row (portal/benefits/rolls.py).
    settle()
    started = time.perf_counter()
    roll = rolls.build(PROGRAMME, MONTH, None)
    seconds = time.perf_counter() - started
    months = db.session.scalar(select(func.count()).select_from(PaymentMonth)
                               .where(PaymentMonth.roll_id == roll.id))
    return seconds, roll.line_count, months


def measure_export(file_format: str) -> tuple[float, float, int, int]:
    """(seconds, peak MB allocated, bytes written, lines) of writing the bench's roll in the
    bank's form (portal.benefits.bank_files), as the download streams it – the peak of Python's
    own allocations while writing (tracemalloc; it slows the writing about twice). Run in a
    request context (the headings are translated); the roll is marked confirmed first."""
    from portal.benefits import bank_files
    from portal.benefits.models import PaymentRoll
    from portal.extensions import db

    db.session.execute(update(PaymentRoll).where(
        PaymentRoll.programme == PROGRAMME, PaymentRoll.month == MONTH).values(status="confirmed"))
    db.session.commit()
    roll_id = db.session.scalar(select(PaymentRoll.id).where(
        PaymentRoll.programme == PROGRAMME, PaymentRoll.month == MONTH))
    counter, size = [0], 0
    tracemalloc.start()
    started = time.perf_counter()
    try:
        for part in bank_files.PARTS[file_format](roll_id, "zh", counter):
            size += len(part)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return seconds, peak, size, counter[0]


def check(app, count: int, label: str) -> list[Check]:
    """Seed and measure in `app`'s database; the budgets as benchmark Checks: the build's time,
    and each download's memory – constant: at most EXPORT_PEAK_MB allocated at once, whatever the
    number of lines (every line held at once would be far more)."""
    with app.app_context():
        seed(count)
        seconds, lines, months = measure(count)
    checks = [Check(f"{label}: roll for {count:,} recipients builds in ≤ {ROLL_SECONDS:g} s",
                    seconds <= ROLL_SECONDS and lines == count,
                    f"{seconds:.1f} s, {lines:,} lines, {months:,} months")]
    for file_format in ("csv", "xlsx"):
        with app.test_request_context():
            took, peak, size, written = measure_export(file_format)
        checks.append(Check(
            f"{label}: the roll's {file_format} for the bank, {count:,} lines, in constant "
            f"memory (≤ {EXPORT_PEAK_MB:g} MB at once)",
            peak <= EXPORT_PEAK_MB and written == lines,
            f"{peak:.1f} MB at most, {took:.1f} s (traced), {size / 1e6:.1f} MB written"))
    return checks


@click.command("bench-rolls")
@click.option("--database-url", required=True, help="The database to seed and measure.")
@click.option("--count", default=100_000, show_default=True, help="Recipients.")
def main(database_url: str, count: int):
    from . import queue
    from .budgets import migrated_app

    app = migrated_app(database_url)
    with app.app_context():
        added = queue.seed(count)
        if added:
            click.echo(f"seeded {added:,} applications")
    for found in check(app, count, database_url.split(":")[0]):
        click.echo(found.line())


if __name__ == "__main__":
    main()
