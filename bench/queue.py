"""`python -m bench.queue`: seed many applications into a database and time the staff queue.

    python -m bench.queue --database-url postgresql://postgres@127.0.0.1/bench --count 100000

Not a `flask` command: the benchmark is no part of the production app (run it from the
repository's root, as `make bench` does).

Upgrades the given database to the current schema, bulk-inserts `--count` applications
(with their people and two status events each) unless it already holds that many, then opens
the queue page as each kind of officer – first page, a deep page through the keyset cursor,
filters and searches – and prints, for each, the number of SQL queries and the time taken
(median of --repeat runs). Never point it at a database whose data matters: it adds rows.
"""
from __future__ import annotations

import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone

import click
from flask import Flask
from sqlalchemy import event, func, select

BENCH_PASSWORD = "Bench-Queue-2026!"  # the bench accounts' password (bench databases only)
# The bench staff's authenticator key, for the second sign-in step (bench databases only).
BENCH_TOTP_SECRET = "BENCHQUEUEBENCHQUEUEBENCHQUEUEBE"
BENCH_PHONES = {"resident": "17000000000", "street_officer": "17000000001",
                "district_reviewer": "17000000002", "civil_affairs": "17000000003"}
# How the applications are spread over the states: most are settled, about a third active.
STATUS_WEIGHTS = {
    "submitted": 8, "accepted": 8, "street_checked": 6, "district_reviewed": 6,
    "needs_info": 5, "approved": 3, "public_notice": 2, "paying": 45, "rejected": 12,
    "withdrawn": 5,
}
# Who files: in the district each application comes from its own resident's (or family's)
# account – one account for about every APPLICATIONS_PER_FILER applications – and the bench
# resident, who signs in to see a status page, filed the newest RESIDENT_OWN of them. (One
# account filing all 100,000 would make the database's statistics say so, and its planner
# treat "the applications this account filed" as the whole table.)
APPLICATIONS_PER_FILER = 2
RESIDENT_OWN = 5
# Part of the bench databases' default names: a seed made by an earlier layout is not reused.
SEED_VERSION = 2
PROGRAMME_WEIGHTS = {
    "living_allowance": 25, "nursing_allowance": 25, "assistive_devices": 12,
    "rehab_services": 10, "child_rehab": 5, "home_modification": 5, "vocational_training": 6,
    "education_aid": 4, "startup_subsidy": 3, "fuel_subsidy": 3, "home_care": 2,
}
BATCH = 5000


@click.command("bench-queue")
@click.option("--database-url", required=True,
              help="The database to seed and measure (it is upgraded first).")
@click.option("--count", default=100_000, show_default=True,
              help="How many applications the database should hold.")
@click.option("--repeat", default=10, show_default=True, help="Runs per measurement.")
def main(database_url: str, count: int, repeat: int):
    """Seed applications in bulk and print the queue page's query count and time."""
    from portal import create_app
    from portal.config import _sqlalchemy_url

    app = create_app({"ENV_NAME": "testing", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(database_url)})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        added = seed(count)
        if added:
            click.echo(f"seeded {added} applications in {time.perf_counter() - started:.1f} s")
        settle()
    # Outside any app context: each request then has its own, as in production.
    for line in measure(app, repeat):
        click.echo(line)


def seed(count: int, rng: random.Random | None = None) -> int:
    """Bring the database up to `count` applications; returns how many were added."""
    from portal.accounts import second_factor
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.applications import working_days
    from portal.applications.models import Application, StatusEvent
    from portal.cli.demo_content import make_id_number
    from portal.content.streets import all_streets
    from portal.extensions import db
    from portal.people import identity
    from portal.people.models import Person

    rng = rng or random.Random(2026)
    accounts = {}
    password = hash_password(BENCH_PASSWORD)
    for role, phone in BENCH_PHONES.items():
        account = db.session.scalar(select(Account).where(Account.phone == phone))
        if account is None:
            account = Account(phone=phone, password_hash=password, role=role,
                              display_name=f"bench {role}",
                              street="ganting" if role in ("street_officer", "resident")
                              else None)
            db.session.add(account)
        if account.is_staff:  # every run: encrypted with this run's key, no step used yet
            second_factor.set_demo_totp(account, BENCH_TOTP_SECRET)
        accounts[role] = account
    db.session.commit()

    have = db.session.scalar(select(func.count()).select_from(Application))
    missing = count - have
    if missing <= 0:
        return 0
    first = db.session.scalar(select(func.coalesce(func.max(Person.id), 0))) + 1
    streets = [s.code for s in all_streets()]
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())
    programmes = list(PROGRAMME_WEIGHTS)
    programme_weights = list(PROGRAMME_WEIGHTS.values())
    now = datetime.now(timezone.utc)
    resident = accounts["resident"].id
    base_day = date(1935, 1, 1)
    last = first + missing - 1
    filers = {}  # filer number → account id, made as the batches need them

    for start in range(0, missing, BATCH):
        people, applications, events = [], [], []
        numbers = range(first + start, first + min(start + BATCH, missing))
        wanted = {_filer_phone(n // APPLICATIONS_PER_FILER): n // APPLICATIONS_PER_FILER
                  for n in numbers if n // APPLICATIONS_PER_FILER not in filers}
        for phone, account_id in db.session.execute(   # made by an earlier, smaller seed
                select(Account.phone, Account.id).where(Account.phone.in_(wanted))):
            filers[wanted.pop(phone)] = account_id
        if wanted:
            ids = db.session.scalars(Account.__table__.insert().returning(
                Account.__table__.c.id, sort_by_parameter_order=True), [
                {"phone": phone, "password_hash": password, "display_name": f"居民{filer}",
                 "role": "resident"} for phone, filer in wanted.items()]).all()
            filers.update(zip(wanted.values(), ids))
        for n in numbers:
            born = base_day + timedelta(days=n % 30000)
            id_number = make_id_number("610118", born, (n // 30000) % 1000)
            street = rng.choice(streets)
            status = rng.choices(statuses, status_weights)[0]
            changed = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            due = working_days.due_at_for(status, changed)
            people.append({
                "id": n, "full_name": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(
                    "秀建国玉小桂志淑立海") + rng.choice("兰国芳龙芝强珍新燕栋"),
                **identity.stored_fields(id_number), "street": street,
                "created_at": changed,
            })
            applications.append({
                "id": n, "reference": _reference(n),
                "programme": rng.choices(programmes, programme_weights)[0], "person_id": n,
                "applicant_account_id": resident if n > last - RESIDENT_OWN
                else filers[n // APPLICATIONS_PER_FILER], "relationship_to_person": "family",
                "answers": {}, "status": status, "street": street, "locale": "zh_Hans_CN",
                "submitted_at": changed - timedelta(days=3), "status_changed_at": changed,
                "due_at": due, "version": 1,
            })
            events.append({"application_id": n, "from_status": None, "to_status": "submitted",
                           "created_at": changed - timedelta(days=3)})
            if status != "submitted":
                events.append({"application_id": n, "from_status": "submitted",
                               "to_status": status, "created_at": changed})
        db.session.execute(Person.__table__.insert(), people)
        db.session.execute(Application.__table__.insert(), applications)
        db.session.execute(StatusEvent.__table__.insert(), events)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        # Keep the sequences ahead of the ids inserted explicitly.
        for table in ("person", "application"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
    return missing


def _filer_phone(filer: int) -> str:
    return f"19{filer:09d}"


def settle() -> None:
    """Fresh statistics, as autovacuum (PostgreSQL) or a scheduled ANALYZE would give."""
    from portal.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")


def _reference(n: int) -> str:
    """A reference number in the real format (HY-2026-XXXXXX), unique for each n."""
    from portal.applications.references import ALPHABET, LENGTH

    letters = []
    for _ in range(LENGTH):
        n, digit = divmod(n, len(ALPHABET))
        letters.append(ALPHABET[digit])
    return "HY-2026-" + "".join(reversed(letters))


class QueryCounter:
    """Counts the SQL statements sent to the database while it is open, and their time."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.seconds = 0.0

        def before(conn, *args):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, *args):
            self.count += 1
            self.seconds += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())

        self._listeners = (("before_cursor_execute", before), ("after_cursor_execute", after))

    def __enter__(self):
        for name, listener in self._listeners:
            event.listen(self.engine, name, listener)
        return self

    def __exit__(self, *exc):
        for name, listener in self._listeners:
            event.remove(self.engine, name, listener)


def _sealed(app: Flask, role: str, args: dict) -> dict:
    """The queue URL's arguments as the search form's redirect makes them: the text sealed."""
    if "q" not in args:
        return args
    from portal.accounts.models import Account
    from portal.extensions import db
    from portal.staff import search_token

    with app.app_context():
        account_id = db.session.scalar(
            select(Account.id).where(Account.phone == BENCH_PHONES[role]))
        token = search_token.seal(account_id, args["q"])
    return {**{k: v for k, v in args.items() if k != "q"}, search_token.PARAMETER: token}


def measure(app: Flask, repeat: int) -> list[str]:
    """Open the queue as each officer and report queries and time per page. Runs outside any
    app context, so each request loads its account and data as in production."""
    with app.app_context():
        from portal.extensions import db

        scenarios, total = _scenarios()
        engine = db.engine
    lines = [f"database: {engine.dialect.name}, {total} applications",
             f"{'page':<52} {'queries':>7} {'SQL ms':>7} {'page ms':>8} {'max ms':>7}"]
    client = app.test_client()
    signed_in = None
    for name, role, args in scenarios:
        if signed_in != role:
            client.get(f"/_test/sign-in/{BENCH_PHONES[role]}")
            signed_in = role
        times, sql, queries = [], [], 0
        for _ in range(repeat):
            with QueryCounter(engine) as counter:
                started = time.perf_counter()
                response = client.get("/staff/queue", query_string=_sealed(app, role, args))
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise click.ClickException(f"{name}: HTTP {response.status_code}")
            queries = counter.count
            sql.append(counter.seconds * 1000)
        lines.append(f"{name:<52} {queries:>7} {statistics.median(sql):>7.1f} "
                     f"{statistics.median(times):>8.1f} {max(times):>7.1f}")
    lines.append("queries: every SQL statement of the request (the signed-in account, the "
                 "queue page, the 'waiting for you' count, the people the officer may not decide "
                 "about and, for a search, its audit row, chained); "
                 "SQL ms: their time, median; page ms: the whole request with the HTML, median "
                 f"of {repeat}; max ms: the slowest request")
    return lines


def _scenarios():
    from portal.applications.models import Application
    from portal.extensions import db
    from portal.people import identity
    from portal.people.models import Person

    sample = db.session.execute(
        select(Application.reference, Person.full_name, Person.id_number_encrypted)
        .join(Person, Person.id == Application.person_id)
        .where(Application.street == "ganting").order_by(Application.id.desc()).limit(1)).one()
    deep = _deep_cursor(BENCH_PHONES["district_reviewer"], pages=200)
    scenarios = [
        ("street officer: waiting for me", "street_officer", {}),
        ("street officer: every status", "street_officer", {"view": "all"}),
        ("street officer: overdue", "street_officer", {"view": "all", "deadline": "overdue"}),
        ("street officer: search by reference", "street_officer",
         {"view": "all", "q": sample.reference}),
        ("street officer: search by last 4 of ID", "street_officer",
         {"view": "all", "q": identity.read(sample.id_number_encrypted).last_four}),
        ("street officer: search by name prefix", "street_officer",
         {"view": "all", "q": sample.full_name[:2]}),
        ("district reviewer: waiting for me", "district_reviewer", {}),
        ("district reviewer: every status", "district_reviewer", {"view": "all"}),
        ("district reviewer: every status, page 201 (keyset)", "district_reviewer",
         {"view": "all", "after": deep}),
        ("district reviewer: one programme, due soon", "district_reviewer",
         {"view": "all", "programme": "assistive_devices", "deadline": "due_soon"}),
        ("civil affairs: waiting for me", "civil_affairs", {}),
    ]
    return scenarios, db.session.scalar(select(func.count()).select_from(Application))


def _deep_cursor(phone: str, pages: int) -> str | None:
    """The cursor after `pages` pages of the district reviewer's whole list."""
    from portal.accounts.models import Account
    from portal.applications import queues
    from portal.extensions import db

    actor = db.session.scalar(select(Account).where(Account.phone == phone))
    result = queues.page(actor, queues.QueueFilter(view="all"), limit=queues.PAGE_SIZE * pages)
    return result.next_cursor


if __name__ == "__main__":
    main()
