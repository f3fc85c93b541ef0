"""What each browser-suite run did, kept beside its results for the report (a11y_tests/report.py).

pytest-xdist runs the page checks in several worker processes and sends every test report back
to the process that started them; that process (and the later `-m whole_run` step, which runs
alone) writes one file per pytest session to `a11y_results/outcomes/`: every test's outcome,
its page, language and display mode (from the test's parameters, put on the report by the
worker as `user_properties`), and how the session was started (so the report can tell a full
run from a run of a few tests).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

# Parameter names the suite's tests use for what they check (see the parametrize calls).
PARAMETERS = ("visit", "language", "mode", "journey", "javascript", "width", "name")


def describe(value) -> str:
    """A parameter as text: a visit by its name, a journey function by its name."""
    for attribute in ("name", "__name__"):
        named = getattr(value, attribute, None)
        if isinstance(named, str):
            return named
    return str(value)


def label_item(item) -> None:
    """In the process that runs the test: note its parameters on the item's reports."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    for key in PARAMETERS:
        if key in params:
            item.user_properties.append((f"a11y:{key}", describe(params[key])))
    doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
    if doc:
        item.user_properties.append(("a11y:doc", doc.split("\n\n")[0].replace("\n", " ")[:300]))


class Recorder:
    """Collects the reports of one session in the process that started it."""

    def __init__(self, config):
        self.config = config
        self.started = time.time()
        self.tests: dict[str, dict] = {}

    def add(self, report) -> None:
        if not report.nodeid.startswith("a11y_tests/"):
            return
        if report.when != "call" and not (report.failed or report.skipped):
            return
        entry = self.tests.setdefault(report.nodeid, {"outcome": "passed"})
        params = {key[5:]: value for key, value in report.user_properties
                  if isinstance(key, str) and key.startswith("a11y:")}
        entry.update(params and {"params": params} or {})
        if report.failed:
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"] = _message(report)
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
        entry["seconds"] = round(entry.get("seconds", 0) + report.duration, 3)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        option = self.config.option
        data = {
            "started": self.started, "finished": time.time(),
            "args": [_relative(arg) for arg in self.config.args],
            "keyword": option.keyword or "", "markexpr": option.markexpr or "",
            "tests": self.tests,
        }
        path = folder / f"{int(self.started * 1000)}-{os.getpid()}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return path


def _message(report) -> str:
    """The failure's own words: the assertion message, not the traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text[:4000]


def _relative(arg: str) -> str:
    from a11y_tests.conftest import ROOT

    path = Path(arg.split("::")[0])
    try:
        return str(path.resolve().relative_to(ROOT)) + arg[len(arg.split("::")[0]):]
    except ValueError:
        return arg


# -- the session's start and end, called from a11y_tests/conftest.py ---------------------------

KEPT_PREVIOUS = "previous-summary.json"


def previous_summary(results: Path) -> bytes | None:
    """Before a new run empties the results folder: the last complete run's summary, kept as
    the run to compare with (when A11Y_PREVIOUS does not name one)."""
    path = results / "summary.json"
    if os.environ.get("A11Y_PREVIOUS") or not path.exists():
        return None
    try:
        complete = json.loads(path.read_text(encoding="utf-8"))["run"]["complete"]
    except (ValueError, KeyError, TypeError):
        return None
    return path.read_bytes() if complete else None


def finish(recorder: Recorder, results: Path) -> list[str]:
    """At the end of a session: write its outcomes, build the report and, after the whole-run
    step of a complete run, the accessibility statement's figures. Returns lines to print."""
    from a11y_tests import report
    from portal.public import statement

    recorder.write(results / "outcomes")
    previous = os.environ.get("A11Y_PREVIOUS") or None
    if previous is None and (results / KEPT_PREVIOUS).exists():
        previous = results / KEPT_PREVIOUS
    page = report.build(results, previous)
    lines = [f"report: {page}" + (f" (compared with {previous})" if previous else "")]
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    if summary["run"]["complete"] and statement.write_run(summary):
        lines.append(f"the accessibility statement's figures: {statement.RUN} (commit it)")
    return lines
