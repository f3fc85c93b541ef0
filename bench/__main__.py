"""`make bench` / `python -m bench`: the performance benchmark and its budgets.

In one run:
1. times ``evaluate()`` for all programmes (bench/eligibility.py);
2. serves a bare Flask "hello" app with gunicorn;
3. for each database (SQLite, PostgreSQL): brings it to the current schema, seeds it with
   --count applications (bench/queue.py; skipped when it already holds them), gives as
   many of them a recipient record and times building one payment roll and writing it in the
   bank's forms (bench/rolls.py), seeds as many registry persons and times the discovery
   sweep (bench/discovery.py),
   serves the portal with the same gunicorn settings, signs a street officer in through the
   real staff sign-in form (CSRF token included; then the second step with its authenticator
   code) and the bench resident through the resident sign-in form, and puts under load (wrk,
   bench/wrk.py): the home page and a service guide, each with and without Accept-Encoding,
   in turns with the bare app (so that both see the same machine); the self-check's first
   question, its results page and the family look-up; and, at SIGNED_IN_CLIENTS clients, the
   staff queue and the resident's status page of one application;
4. weighs each resident page as a browser would fetch it (bench/weight.py);
5. prints requests/s, p50/p95/p99 latency, errors and the ratio to the bare app per page, then
   one PASS/FAIL line per budget (bench/budgets.py). Exit status 1 if any fails.

The databases are the benchmark's own, never the test database: by default
instance/bench/bench-<count>-v<SEED_VERSION>.sqlite3 and
postgresql://postgres@127.0.0.1:5432/huyi_bench_v<SEED_VERSION> (BENCH_POSTGRES_URL; created
when missing). They keep their rows between runs; a new seed layout (bench/queue.py's
SEED_VERSION) starts new ones.
"""
from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from . import budgets, discovery, load, pages, queue, rolls, servers, weight, wrk
from .budgets import Check, kb

DEFAULT_POSTGRES = f"postgresql://postgres@127.0.0.1:5432/huyi_bench_v{queue.SEED_VERSION}"
PAIRED_ROUNDS = 3     # turns of the bare app and a kept page (see _measure_database)
_CSRF = re.compile(r'<input[^>]* name="csrf_token"[^>]* value="([^"]+)"')


def say(line: str = "") -> None:
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="applications to seed")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per page")
    parser.add_argument("--connections", type=int, default=4,
                        help="concurrent connections for the requests/s measurements")
    parser.add_argument("--workers", type=int, default=servers.default_workers(),
                        help="gunicorn workers (default: 2 × CPU cores)")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 DEFAULT_POSTGRES))
    parser.add_argument("--sqlite-path", default=None,
                        help="default: instance/bench/bench-<count>-v<SEED_VERSION>.sqlite3")
    parser.add_argument("--evaluate-calls", type=int, default=20_000)
    args = parser.parse_args(argv)

    say(f"== huyi portal benchmark: {args.count:,} applications, gunicorn {args.workers} sync "
        f"workers (2 × {os.cpu_count()} cores by default), {args.connections} clients, "
        f"{args.seconds:g} s a page")
    checks: list[Check] = []

    say("\n== eligibility: evaluate() for all programmes")
    from . import eligibility as eligibility_bench

    mean_ms = eligibility_bench.main(args.evaluate_calls)
    checks.append(Check("evaluate() for all programmes", mean_ms <= budgets.EVALUATE_MS,
                        f"{mean_ms:.3f} ms a call (budget {budgets.EVALUATE_MS:g} ms)"))

    wrk.executable()   # installed now (apt-get) if missing, before any server starts
    say("\n== bare Flask app (bench/hello.py), same gunicorn settings")
    with servers.gunicorn("bench.hello:app", workers=args.workers,
                          log=_log("hello")) as hello_port:
        hellos: list[wrk.Result] = []

        def measure_hello(seconds: float = args.seconds) -> wrk.Result:
            hellos.append(wrk.run(servers.HOST, hello_port, "/", seconds=seconds,
                                  connections=args.connections))
            return hellos[-1]

        hello = measure_hello()
        say(_header())
        say(_row("-", "bare Flask hello", hello, hello))
        weighed = False
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            checks += _measure_database(database, args, measure_hello, weigh=not weighed)
            weighed = True
    if any(h.errors for h in hellos):
        checks.append(Check("bare Flask: no errors under load", False,
                            f"{sum(h.errors for h in hellos)}"))

    say("\n== budgets")
    for check in checks:
        say(check.line())
    failed = [c for c in checks if not c.passed]
    say(f"\n{len(checks) - len(failed)} of {len(checks)} budgets met")
    return 1 if failed else 0


# --- measuring ----------------------------------------------------------------------------

KEPT = {"home": "/", "service guide": pages.GUIDE}                   # in turns with hello
ENCODINGS = {"": {}, ", br/gzip": {"Accept-Encoding": weight.ACCEPT_ENCODING}}


def _measure_database(database: str, args, measure_hello, weigh: bool) -> list[Check]:
    """Serve the portal on `database`, put each page under load, and check the budgets."""
    checks: list[Check] = []
    url = _database_url(database, args)
    say(f"\n== {database}: {_safe(url)}")
    reference = _prepare(url, args.count)
    checks += _roll_checks(url, args.count, database)
    checks.append(_discovery_check(url, args.count, database))
    with servers.gunicorn("portal:create_app()", env=_portal_env(url), workers=args.workers,
                          log=_log(database)) as port:
        if weigh:
            checks += _weigh(port)
        staff = sign_in_staff(port)
        resident = sign_in_resident(port)
        status_page = pages.status_link(reference)
        _expect_ok(port, status_page, resident)
        # Warm: every worker has compiled the templates and kept the pages, as in service.
        for path in (*KEPT.values(), pages.question_link(), pages.results_link(), pages.LOOKUP):
            for headers in ENCODINGS.values():
                wrk.run(servers.HOST, port, path, seconds=1, connections=args.connections,
                        headers=headers)
        say(_header())
        results: dict[str, wrk.Result] = {}
        ratios: dict[str, tuple[float, wrk.Result, wrk.Result]] = {}

        def load_run(path: str, headers=None, connections=args.connections, seconds=args.seconds):
            return wrk.run(servers.HOST, port, path, seconds=seconds, connections=connections,
                           headers=headers)

        # Each kept page with and without compression, in turns with the bare app (PAIRED_ROUNDS
        # short runs of each, adding up to --seconds each): on a shared machine the speed
        # drifts during a run, and in turns both see the same drift.
        slice_seconds = max(1.0, args.seconds / PAIRED_ROUNDS)
        for page, path in KEPT.items():
            for label, headers in ENCODINGS.items():
                hello_parts, page_parts = [], []
                for _ in range(PAIRED_ROUNDS):
                    hello_parts.append(measure_hello(slice_seconds))
                    page_parts.append(load_run(path, headers, seconds=slice_seconds))
                hello, measured = wrk.combined(hello_parts), wrk.combined(page_parts)
                name = page + label
                results[name] = measured
                ratios[name] = (budgets.KEPT_VS_HELLO, measured, hello)
                say(_row(database, "bare Flask hello (in turns)", hello, hello))
                say(_row(database, f"{name} (in turns)", measured, hello))
        hello = measure_hello()
        say(_row(database, "bare Flask hello", hello, hello))
        question = pages.question_link()
        for name, path in (("self-check question", question),
                           ("self-check results", pages.results_link()),
                           ("family look-up", pages.LOOKUP)):
            results[name] = load_run(path, ENCODINGS[", br/gzip"])
            say(_row(database, name, results[name], hello))
        ratios["self-check question"] = (budgets.QUESTION_VS_HELLO,
                                         results["self-check question"], hello)
        signed_in = {"staff queue (street officer)": (pages.QUEUE, staff),
                     "resident's status page": (status_page, resident)}
        for name, (path, cookie) in signed_in.items():
            results[name] = load_run(path, {**ENCODINGS[", br/gzip"], "Cookie": cookie},
                                     connections=budgets.SIGNED_IN_CLIENTS)
            say(_row(database, f"{name}, {budgets.SIGNED_IN_CLIENTS} clients", results[name],
                     hello))
    for name, (budget, measured, hello) in ratios.items():
        ratio = measured.per_second / hello.per_second if hello.per_second else 0.0
        checks.append(Check(f"{database}: {name} vs bare Flask", ratio >= budget,
                            f"{measured.per_second:.0f} vs {hello.per_second:.0f} requests/s = "
                            f"{ratio:.2f} (budget ≥ {budget:g})"))
    for name in signed_in:
        p95 = results[name].percentile(95)
        checks.append(Check(f"{database}: {name} p95 at {budgets.SIGNED_IN_CLIENTS} clients, "
                            f"{args.count:,} applications", p95 <= budgets.SIGNED_IN_P95_MS,
                            f"{p95:.1f} ms (budget ≤ {budgets.SIGNED_IN_P95_MS:g} ms)"))
    failed = {name: r.errors for name, r in results.items() if r.errors}
    checks.append(Check(f"{database}: no errors under load", not failed,
                        ", ".join(f"{n}: {e}" for n, e in failed.items()) or
                        f"{sum(r.requests for r in results.values())} responses, none an error"))
    return checks


def _expect_ok(port: int, path: str, cookie: str) -> None:
    """wrk counts a redirect as an answer: make sure the signed-in page is the page."""
    status, _, _ = load.get(servers.HOST, port, path, headers={"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"{path} after signing in: HTTP {status}")


def _header() -> str:
    return (f"{'database':<11} {'page':<42} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'errors':>6} {'× hello':>7}")


def _row(database: str, name: str, result: wrk.Result, hello: wrk.Result) -> str:
    ratio = result.per_second / hello.per_second if hello.per_second else 0.0
    return (f"{database:<11} {name:<42} {result.per_second:>7.0f} {result.percentile(50):>7.1f} "
            f"{result.percentile(95):>7.1f} {result.percentile(99):>7.1f} {result.errors:>6} "
            f"{ratio:>7.2f}")


def _weigh(port: int) -> list[Check]:
    say("page weight (bytes as transferred, Accept-Encoding: br, gzip):")
    checks = []

    def fetch(path):
        return load.get(servers.HOST, port, path)

    for name, path in pages.resident_pages().items():
        measured = weight.weigh(path, fetch)
        say(f"  {name:<20} first visit {kb(measured.first_visit):>9} "
            f"(HTML {kb(measured.html)} + {len(measured.assets)} assets), "
            f"repeat visit {kb(measured.repeat_visit):>8}")
        checks.append(Check(f"{name}: first visit ≤ {kb(budgets.FIRST_VISIT_BYTES)}",
                            measured.first_visit <= budgets.FIRST_VISIT_BYTES
                            and not measured.problems,
                            f"{kb(measured.first_visit)}" +
                            (f"; missing: {measured.problems}" if measured.problems else "")))
        checks.append(Check(f"{name}: repeat visit ≤ {kb(budgets.REPEAT_VISIT_BYTES)}",
                            measured.repeat_visit <= budgets.REPEAT_VISIT_BYTES,
                            kb(measured.repeat_visit)))
    return checks


def _sign_in(port: int, path: str, role: str) -> dict[str, str]:
    """The sign-in form at `path` with the bench account of `role`; returns its cookies."""
    from .queue import BENCH_PASSWORD, BENCH_PHONES

    status, headers, body = load.get(servers.HOST, port, path)
    html = weight.decode(body, headers.get("Content-Encoding")).decode("utf-8")
    token = _CSRF.search(html)
    if status != 200 or token is None:
        raise RuntimeError(f"{path}: HTTP {status}, no CSRF token")
    cookies = _cookies(headers)
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "password": BENCH_PASSWORD,
                                   "phone": BENCH_PHONES[role]}).encode()
    status, headers, _ = load.get(servers.HOST, port, path, method="POST", body=form, headers={
        "Cookie": _cookie_header(cookies), "Content-Type": "application/x-www-form-urlencoded"})
    cookies.update(_cookies(headers))
    if status != 303:
        raise RuntimeError(f"{role} sign-in failed: HTTP {status}")
    return cookies


def sign_in_staff(port: int) -> str:
    """Sign the bench street officer in through /staff/sign-in; returns the Cookie header."""
    cookie = _second_step(port, _sign_in(port, "/staff/sign-in", "street_officer"))
    status, _, _ = load.get(servers.HOST, port, pages.QUEUE, headers={"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"the staff queue after signing in: HTTP {status}")
    return cookie


def sign_in_resident(port: int) -> str:
    """Sign the bench resident in through /account/sign-in; returns the Cookie header."""
    return _cookie_header(_sign_in(port, "/account/sign-in", "resident"))


def _second_step(port: int, cookies: dict[str, str]) -> str:
    """The second sign-in step with the bench officer's authenticator code. A code counts
    once only, so if this time step's was used (a run a moment ago), the next step's is."""
    import pyotp

    from .queue import BENCH_TOTP_SECRET

    totp = pyotp.TOTP(BENCH_TOTP_SECRET)
    for ahead in (0, 30):
        status, headers, body = load.get(servers.HOST, port, "/staff/sign-in/verify",
                                         headers={"Cookie": _cookie_header(cookies)})
        html = weight.decode(body, headers.get("Content-Encoding")).decode("utf-8")
        token = _CSRF.search(html)
        if status != 200 or token is None:
            raise RuntimeError(f"/staff/sign-in/verify: HTTP {status}, no CSRF token")
        cookies.update(_cookies(headers))   # the new session's token (signing in renews it)
        form = urllib.parse.urlencode({"csrf_token": token.group(1),
                                       "code": totp.at(time.time() + ahead)}).encode()
        status, headers, _ = load.get(servers.HOST, port, "/staff/sign-in/verify",
                                      method="POST", body=form, headers={
                                          "Cookie": _cookie_header(cookies),
                                          "Content-Type": "application/x-www-form-urlencoded"})
        cookies.update(_cookies(headers))
        if status == 303:
            return _cookie_header(cookies)
    raise RuntimeError(f"staff sign-in, second step failed: HTTP {status}")


def _cookies(headers) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        found.update({name: morsel.value for name, morsel in parsed.items()})
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# --- databases and servers ----------------------------------------------------------------

def _database_url(database: str, args) -> str:
    if database == "sqlite":
        path = Path(args.sqlite_path) if args.sqlite_path else (
            servers.ROOT / "instance" / "bench"
            / f"bench-{args.count}-v{queue.SEED_VERSION}.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path.resolve()}"
    if database == "postgresql":
        return args.postgres_url
    raise SystemExit(f"unknown database {database!r} (sqlite or postgresql)")


def _safe(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", url)


def _prepare(url: str, count: int) -> str:
    """The schema, the seed and fresh statistics, from this process (not the servers).
    Returns the reference of one of the bench resident's applications."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import _sqlalchemy_url

    if url.startswith(("postgresql", "postgres:")):
        _create_postgres_database(url)
    # The servers' encryption key, so that they can read what the seed encrypts (the bench
    # officer's authenticator key, set again on every run).
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
                      "DATA_ENCRYPTION_KEYS": _run_key()})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        added = queue.seed(count)
        if added:
            say(f"seeded {added:,} applications in {time.perf_counter() - started:.0f} s")
        else:
            say(f"the database already holds {count:,} applications")
        queue.settle()
        from sqlalchemy import select

        from portal.applications.models import Application
        from portal.extensions import db

        reference = db.session.scalar(select(Application.reference)
                                      .order_by(Application.id.desc()).limit(1))
        db.session.remove()
        db.engine.dispose()
    return reference


def _on_own_app(url: str, measure):
    """`measure(app)` on an app of its own for the database at `url`, its connections closed
    after (before the servers start)."""
    from portal import create_app
    from portal.config import _sqlalchemy_url

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
                      "DATA_ENCRYPTION_KEYS": _run_key()})
    try:
        return measure(app)
    finally:
        with app.app_context():
            from portal.extensions import db

            db.session.remove()
            db.engine.dispose()


def _discovery_check(url: str, count: int, database: str) -> Check:
    """The discovery sweep's budget (bench/discovery.py): `count` registry persons seeded once,
    then one sweep over every programme, timed."""
    found = _on_own_app(url, lambda app: discovery.check(app, count, database))
    say(found.line())
    return found


def _roll_checks(url: str, count: int, database: str) -> list[Check]:
    """The payment roll's budgets (bench/rolls.py), before the servers start: its own seed of
    `count` recipients over the bench's applications, then one build, timed, and the roll
    written in the bank's two forms, the memory measured."""
    found = _on_own_app(url, lambda app: rolls.check(app, count, database))
    for each in found:
        say(each.line())
    return found


def _create_postgres_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")


@functools.cache
def _run_key() -> str:
    """The bench databases' data encryption key: made once and kept beside them
    (instance/bench/data-key), since their seeded rows – encrypted with it – are kept between
    runs. A bench key only: the bench databases hold made-up people."""
    from cryptography.fernet import Fernet

    path = servers.ROOT / "instance" / "bench" / "data-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _portal_env(url: str) -> dict[str, str]:
    """Production settings, with keys made for this run only (the data key: the bench's own)."""
    import secrets

    # Several workers: production refuses per-worker (memory://) limits. Without a Redis
    # server the limiter counts in each worker's memory and logs it – the requests measured
    # are GETs, which the limiter never sees.
    return {"PORTAL_ENV": "production", "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ID_HASH_KEYS": secrets.token_urlsafe(32),
            "DATA_ENCRYPTION_KEYS": _run_key(),
            "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI",
                                                    "redis://127.0.0.1:6379/0")}


def _log(name: str) -> Path:
    folder = servers.ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"gunicorn-{name}.log"


if __name__ == "__main__":
    sys.exit(main())
