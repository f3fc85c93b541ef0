"""The performance budgets (issue #9), in one place: the benchmark prints them as PASS/FAIL
lines and the tests in tests/perf/ assert the ones that do not need a load run."""
from __future__ import annotations

from dataclasses import dataclass

# Bytes as transferred (br or gzip, as a browser asks).
FIRST_VISIT_BYTES = 50 * 1024      # a resident page: HTML + the CSS, JS and images it references
REPEAT_VISIT_BYTES = 15 * 1024     # the same page again: HTML only (assets cached for a year)
HOME_VS_HELLO = 0.5                # home page requests/s at least half the bare Flask app's
QUEUE_P95_MS = 100.0               # staff queue, 100,000 applications, on each database
EVALUATE_MS = 1.0                  # evaluate() for all programmes, one call


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"
