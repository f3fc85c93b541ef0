"""Rule test cases: read ``cases/<code>.yaml`` and check ``evaluate`` against them.

A case file holds cases written by people who know the policy::

    on: 2026-01-01            # optional: the date the cases are evaluated on (default today)
    base:                     # optional: facts shared by every case in the file
      age: 40
      hukou: huyi
    cases:
      - name: 一级残疾、需要长期照护：符合
        facts: {disability_grade: 1}       # changes to the base facts (optional)
        without: [hukou]                   # base facts to leave out (optional)
        on: 2020-12-31                     # optional: this case's own date
        expect:                            # programme -> result, or {result, missing}
          nursing_allowance: eligible
          living_allowance: {result: maybe, missing: [household]}

Run them all with ``python -m portal.eligibility.casefile``; pytest runs them one by one.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.eligibility.catalogue import programme, programmes
from portal.eligibility.engine import ELIGIBLE, INELIGIBLE, MAYBE, Outcome, evaluate
from portal.eligibility.facts import FACTS, validate_facts
from portal.eligibility.loader import DATA_DIR, YamlFileError, read_yaml

CASES_DIR = DATA_DIR / "cases"
RESULTS = (ELIGIBLE, MAYBE, INELIGIBLE)


@dataclass(frozen=True)
class Expected:
    result: str
    missing: tuple[str, ...] | None  # None: not checked


@dataclass(frozen=True)
class Case:
    """One case: the facts, the date, and the expected outcome for some programmes."""

    file: Path
    index: int
    name: str
    facts: dict[str, Any]
    on: datetime.date | None
    expect: dict[str, Expected]

    @property
    def id(self) -> str:
        """A short ASCII id for test reports, e.g. ``nursing_allowance#03``."""
        return f"{self.file.stem}#{self.index:02d}"

    def outcomes(self) -> dict[str, Outcome]:
        """The outcomes of the programmes this case expects something of."""
        return {o.programme: o for o in evaluate(self.facts, on=self.on) if o.programme in self.expect}

    def mismatches(self) -> list[str]:
        """What differs from the expectation, in words; empty when the case passes."""
        found = []
        for code, outcome in self.outcomes().items():
            wanted = self.expect[code]
            if outcome.result != wanted.result:
                reasons = "; ".join(f"{text} [{passed}]" for text, _, passed in outcome.reasons)
                found.append(f"{code}: expected {wanted.result}, got {outcome.result} ({reasons})")
            elif wanted.missing is not None and tuple(outcome.missing) != wanted.missing:
                found.append(f"{code}: expected missing {list(wanted.missing)}, got {outcome.missing}")
        return found


def load_cases(directory: Path | str = CASES_DIR) -> list[Case]:
    """Every case in every ``*.yaml`` file of ``directory``, in file and case order."""
    cases: list[Case] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        cases.extend(read_case_file(path))
    return cases


def read_case_file(path: Path) -> list[Case]:
    """The cases of one file; a malformed file raises ``YamlFileError`` naming file and field."""
    data = read_yaml(path)
    _only(path, data, "", {"on", "base", "cases"})
    default_on = _date(path, data.get("on"), "on")
    base = data.get("base") or {}
    _facts(path, base, "base")
    items = data.get("cases")
    if not isinstance(items, list) or not items:
        raise YamlFileError(path, "cases", "must be a list with at least one case")
    cases = []
    for index, item in enumerate(items, start=1):
        at = f"cases[{index - 1}]"
        _only(path, item, at, {"name", "facts", "without", "on", "expect"})
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise YamlFileError(path, f"{at}.name", "every case needs a name")
        changes = item.get("facts") or {}
        _facts(path, changes, f"{at}.facts")
        facts = {**base, **changes}
        without = item.get("without") or []
        for fact in without:
            if fact not in facts:
                raise YamlFileError(path, f"{at}.without", f"{fact!r} is not among the facts to leave out")
            del facts[fact]
        on = _date(path, item.get("on"), f"{at}.on") or default_on
        cases.append(Case(path, index, name.strip(), facts, on, _expect(path, item.get("expect"), at)))
    return cases


def _only(path: Path, node: Any, at: str, allowed: set[str]) -> None:
    if not isinstance(node, dict):
        raise YamlFileError(path, at or None, "must be a mapping")
    if extra := sorted(map(str, set(node) - allowed)):
        raise YamlFileError(path, at or None, f"unknown field(s) {extra}")


def _date(path: Path, value: Any, at: str) -> datetime.date | None:
    if value is not None and (not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)):
        raise YamlFileError(path, at, f"must be a date like 2026-01-01, not {value!r}")
    return value


def _facts(path: Path, facts: Any, at: str) -> None:
    if not isinstance(facts, dict):
        raise YamlFileError(path, at, "must be a mapping of facts")
    try:
        validate_facts(facts)
    except ValueError as error:
        raise YamlFileError(path, at, str(error)) from error


def _expect(path: Path, node: Any, at: str) -> dict[str, Expected]:
    if not isinstance(node, dict) or not node:
        raise YamlFileError(path, f"{at}.expect", "must map at least one programme to its result")
    expected = {}
    for code, wanted in node.items():
        where = f"{at}.expect.{code}"
        try:
            programme(code)
        except KeyError:
            raise YamlFileError(path, where, "is not a programme code") from None
        missing = None
        if isinstance(wanted, dict):
            _only(path, wanted, where, {"result", "missing"})
            wanted, missing = wanted.get("result"), wanted.get("missing")
            if not isinstance(missing, list) or not all(isinstance(n, str) and n in FACTS for n in missing):
                raise YamlFileError(path, f"{where}.missing", "must be a list of fact names")
            missing = tuple(missing)
        if wanted not in RESULTS:
            raise YamlFileError(path, where, f"result must be one of {RESULTS}, not {wanted!r}")
        expected[code] = Expected(wanted, missing)
    return expected


def main() -> int:
    """Run every case; print the failures and a count. Exit status 1 if any case fails."""
    cases = load_cases()
    failed = 0
    for case in cases:
        if problems := case.mismatches():
            failed += 1
            print(f"FAIL {case.id} {case.name}")
            for problem in problems:
                print(f"     {problem}")
    print(f"{len(cases) - failed} of {len(cases)} cases pass, over {len(programmes())} programmes.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
