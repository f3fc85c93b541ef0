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
from datetime import date, datetime, timezone

import click
from sqlalchemy import delete, func, select, update

from .budgets import ROLL_SECONDS, Check

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


def check(app, count: int, label: str) -> Check:
    """Seed and measure in `app`'s database; the budget as a benchmark Check."""
    with app.app_context():
        seed(count)
        seconds, lines, months = measure(count)
    return Check(f"{label}: roll for {count:,} recipients builds in ≤ {ROLL_SECONDS:g} s",
                 seconds <= ROLL_SECONDS and lines == count,
                 f"{seconds:.1f} s, {lines:,} lines, {months:,} months")


@click.command("bench-rolls")
@click.option("--database-url", required=True, help="The database to seed and measure.")
@click.option("--count", default=100_000, show_default=True, help="Recipients.")
def main(database_url: str, count: int):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import _sqlalchemy_url

    from . import queue

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI":
                      _sqlalchemy_url(database_url)})
    with app.app_context():
        upgrade()
        added = queue.seed(count)
        if added:
            click.echo(f"seeded {added:,} applications")
    click.echo(check(app, count, database_url.split(":")[0]).line())


if __name__ == "__main__":
    main()
