"""`python -m bench.discovery`: the discovery sweep over many registry persons (issue 19's bar:
100,000 registry persons × every programme in ≤ 60 s, never everyone in memory at once).

    python -m bench.discovery --database-url sqlite:////tmp/discovery.sqlite3 --count 100000

Upgrades the database, makes sure it holds `--count` certificate holders in the registries
(one import, written in bulk: ID numbers hashed and encrypted as an import keeps them; ages,
categories, grades, validity, streets and 低保/低收入/特困 households varied), then times
portal.registries.discovery.sweep and prints the time, the people, the leads and how many
distinct sets of facts the engine ran on. Never point it at a database whose data matters.
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, timezone

import click
from sqlalchemy import func, select

from .budgets import DISCOVERY_SECONDS, Check

ON = date(2026, 12, 1)
BATCH = 5000
CATEGORIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
HOUSEHOLDS = (None, None, None, "dibao", "low_income", "tekun")


def seed(count: int, rng: random.Random | None = None) -> int:
    """Bring the registries up to `count` certificate holders; returns how many were added."""
    from portal.cli.demo_content import make_id_number
    from portal.content.streets import all_streets
    from portal.extensions import db
    from portal.people import crypto, identity
    from portal.registries.models import RegistryImport, RegistryPerson

    rng = rng or random.Random(19)
    have = db.session.scalar(select(func.count()).select_from(RegistryPerson))
    if have >= count:
        return 0
    streets = [street.code for street in all_streets()]
    done = RegistryImport(kind="certificates", as_of=ON, source="bench", row_count=count - have)
    db.session.add(done)
    db.session.commit()
    now = datetime.now(timezone.utc)
    name = crypto.encrypt("张建国")
    for start in range(have, count, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, count)):
            born = date(1930 + n % 90, 1 + n % 12, 1 + n % 28)
            number = make_id_number(f"61{n // 1000 % 10000:04d}", born, n % 1000)
            valid = None if n % 3 else date(2025 + n % 10, 6, 30)
            rows.append({
                "id_number_hash": identity.lookup_hash(number),
                "id_number_last4_hash": identity.last_four_hash(number[-4:]),
                "id_number_encrypted": crypto.encrypt(number), "name_encrypted": name,
                "phone_encrypted": None, "street": rng.choice(streets),
                "certificate_record_id": None, "certificate_as_of": ON,
                "disability_category": rng.choice(CATEGORIES),
                "disability_grade": rng.randint(1, 4), "certificate_valid_until": valid,
                "household": rng.choice(HOUSEHOLDS), "household_as_of": ON, "updated_at": now,
            })
        db.session.execute(RegistryPerson.__table__.insert(), rows)
        db.session.commit()
    _point_at_records(done.id)
    return count - have


def _point_at_records(import_id: int) -> None:
    """The sweep reads certificate holders: every bench person gets one (bench) record."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.registries.models import RegistryPerson, RegistryRecord

    record = RegistryRecord(import_id=import_id, line=2, id_number_hash="bench",
                            id_number_encrypted="bench", name_encrypted="bench")
    db.session.add(record)
    db.session.flush()
    db.session.execute(update(RegistryPerson).where(
        RegistryPerson.certificate_record_id.is_(None)).values(certificate_record_id=record.id))
    db.session.commit()


def measure() -> tuple[float, object]:
    from portal.registries import discovery

    started = time.perf_counter()
    report = discovery.sweep(on=ON)
    return time.perf_counter() - started, report


def check(app, count: int, label: str) -> Check:
    with app.app_context():
        seed(count)
        seconds, report = measure()
    return Check(f"{label}: discovery sweep of {count:,} registry persons in "
                 f"≤ {DISCOVERY_SECONDS:g} s",
                 seconds <= DISCOVERY_SECONDS and report.people == count,
                 f"{seconds:.1f} s, {report.people:,} people, {report.leads:,} leads, "
                 f"{report.evaluations:,} distinct facts")


@click.command("bench-discovery")
@click.option("--database-url", required=True, help="The database to seed and measure.")
@click.option("--count", default=100_000, show_default=True, help="Registry persons.")
def main(database_url: str, count: int):
    from .budgets import migrated_app

    app = migrated_app(database_url)
    click.echo(check(app, count, database_url.split(":")[0]).line())


if __name__ == "__main__":
    main()
