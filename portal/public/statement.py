"""The accessibility statement's data: its review record (portal/data/accessibility_statement.yaml)
and the figures of the last complete browser-suite run (portal/data/accessibility_run.yaml).

Each review notes its date and the digest of what it reviewed: the statement template. A test
fails when the template changes without a new review, so the date on the statement is always the
date someone last read what it says.

The figures (pages checked, page versions, languages, display modes, problems found, the date of
the run …) are never written by hand: the browser suite writes them at the end of a complete run
(a11y_tests/run_record.finish → `write_run`), from the same data as its report
(a11y_results/summary.json). The file is committed with the code the run checked, so a deployed
portal shows the figures of the run on its own code and needs nothing from CI at run time.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import yaml

from portal import config
from portal.config import ROOT

DATA = config.DATA / "accessibility_statement.yaml"
RUN = config.DATA / "accessibility_run.yaml"
TEMPLATE = ROOT / "templates" / "public" / "accessibility.html"
# The figures the statement shows, in a11y_tests/report.statement_figures' words.
FIGURES = ("run_date", "pages", "languages", "modes", "page_versions", "axe_violations",
           "html_documents", "html_errors", "keyboard_journeys", "apply_journey_key_presses",
           "focus_pages", "layout_pages", "tests_failed")
RUN_HEADER = """\
# The figures the accessibility statement quotes: those of the last complete run of the browser
# suite (a11y_tests), written by the run itself at its end (a11y_tests/run_record.py, from
# a11y_results/summary.json). Never edit by hand: run `make test` and commit this file.
"""


@dataclass(frozen=True)
class Review:
    reviewed_on: date
    digest: str


@dataclass(frozen=True)
class Record:
    reviews: tuple[Review, ...]

    @property
    def last_review(self) -> Review:
        return self.reviews[-1]


@dataclass(frozen=True)
class RunFigures:
    run_date: date
    pages: int
    languages: int
    modes: int
    page_versions: int
    axe_violations: int
    html_documents: int
    html_errors: int
    keyboard_journeys: int
    apply_journey_key_presses: int
    focus_pages: int
    layout_pages: int
    tests_failed: int


def load() -> Record:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return Record(reviews=tuple(Review(item["date"], item["digest"]) for item in data["reviews"]))


def load_run(path=None) -> RunFigures | None:
    """The last complete run's figures; None when no complete run has been recorded yet."""
    path = RUN if path is None else path
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not data.get("figures"):
        return None
    figures = data["figures"]
    return RunFigures(**{name: figures[name] for name in FIGURES})


def write_run(summary: dict, path=None) -> bool:
    """Record a run's figures (a11y_tests/report.py's summary) – only a complete run's."""
    if not summary.get("run", {}).get("complete"):
        return False
    figures = {name: summary["figures"][name] for name in FIGURES}
    figures["run_date"] = date.fromisoformat(figures["run_date"])
    RunFigures(**figures)   # all there
    body = yaml.safe_dump({"figures": figures}, allow_unicode=True, sort_keys=False)
    (RUN if path is None else path).write_text(RUN_HEADER + body, encoding="utf-8")
    return True


def current_digest(template=None) -> str:
    """SHA-256 of the statement template (its figures come from the run, not from a review)."""
    return hashlib.sha256((TEMPLATE if template is None else template).read_bytes()).hexdigest()
