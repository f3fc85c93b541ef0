"""The performance budgets (issue #9), in one place: the benchmark prints them as PASS/FAIL
lines and the tests in tests/perf/ assert the ones that do not need a load run."""
from __future__ import annotations

from dataclasses import dataclass

# Bytes as transferred (br or gzip, as a browser asks).
FIRST_VISIT_BYTES = 50 * 1024      # a resident page: HTML + the CSS, JS and images it references
REPEAT_VISIT_BYTES = 15 * 1024     # the same page again: HTML only (assets cached for a year)
# Requests/s against the bare Flask app's (wrk, gunicorn, in turns with it):
KEPT_VS_HELLO = 0.45               # the home page and a service guide, with and without
                                   # Accept-Encoding (kept pages: portal/web/page_cache.py)
QUESTION_VS_HELLO = 0.3            # the self-check's first question (a form: rendered each time)
# The staff queue and a signed-in resident's status page, 100,000 applications, each database:
SIGNED_IN_P95_MS = 100.0           # p95 latency …
SIGNED_IN_CLIENTS = 8              # … with this many clients at once
EVALUATE_MS = 1.0                  # evaluate() for all programmes, one call
ROLL_SECONDS = 30.0                # a payment roll for 100,000 active recipients builds (issue 18)
# …and is written in the bank's form in constant memory (issue 18): at most this much allocated
# at once (tracemalloc's peak; 100,000 lines held at once as Python rows would be over 100 MB).
EXPORT_PEAK_MB = 16.0
DISCOVERY_SECONDS = 60.0           # the discovery sweep of 100,000 registry persons (issue 19)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def migrated_app(database_url: str):
    """An app for `database_url` with the schema brought up to date – for a benchmark run on
    its own (`python -m bench.rolls`, `python -m bench.discovery`)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import _sqlalchemy_url

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI":
                      _sqlalchemy_url(database_url)})
    with app.app_context():
        upgrade()
    return app
