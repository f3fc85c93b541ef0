"""The YAML rule cases beside the programmes: each passes, and together they exercise every condition."""

from collections import defaultdict
from pathlib import Path

import pytest

from portal.eligibility import programmes
from portal.eligibility.casefile import load_cases, read_case_file
from portal.eligibility.loader import YamlFileError

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case):
    assert case.mismatches() == [], f"{case.id} {case.name}"


def test_every_programme_has_a_case_file():
    files = {case.file.stem for case in CASES}
    assert files == {p.code for p in programmes()}


def test_every_condition_is_seen_passing_and_failing():
    """Each condition must hold in some case and fail in another (one that asserts its programme).

    A condition that can never hold or never fail (an assessment, or "Huyi hukou, otherwise the
    office decides") must instead be seen unsettled.
    """
    seen = defaultdict(set)
    for case in CASES:
        for code, outcome in case.outcomes().items():
            for condition_id, answer in outcome.checks.items():
                seen[code, condition_id].add(answer)
    gaps = []
    for p in programmes():
        for condition in p.conditions:
            answers = seen[p.code, condition.id]
            wanted = {True} if condition.rule.can_pass else set()
            if condition.rule.can_fail:
                wanted.add(False)
            if not condition.rule.settled_by_facts:
                wanted.add(None)
            if missing := wanted - answers:
                gaps.append(f"{p.code}.{condition.id}: never {sorted(map(str, missing))}")
    assert gaps == []


def test_a_wrong_expectation_is_reported(tmp_path: Path):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "on: 2026-01-01\n"
        "cases:\n"
        "  - name: 一级、需要长期照护，却写成不符合\n"
        "    facts: {hukou: huyi, has_certificate: true, disability_grade: 1, household: none,\n"
        "            needs_long_term_care: true, work_injury_nursing: false}\n"
        "    expect: {nursing_allowance: ineligible}\n",
        encoding="utf-8",
    )
    (case,) = read_case_file(wrong)
    assert case.mismatches() and "expected ineligible, got eligible" in case.mismatches()[0]


@pytest.mark.parametrize(
    "body, field",
    [
        ("cases:\n  - name: x\n    facts: {agee: 3}\n    expect: {legal_aid: maybe}\n", "cases[0].facts"),
        ("cases:\n  - name: x\n    expect: {no_such_programme: maybe}\n", "cases[0].expect.no_such_programme"),
        ("cases:\n  - name: x\n    expect: {legal_aid: perhaps}\n", "cases[0].expect.legal_aid"),
        ("cases:\n  - name: x\n    without: [age]\n    expect: {legal_aid: maybe}\n", "cases[0].without"),
        ("on: soon\ncases:\n  - name: x\n    expect: {legal_aid: maybe}\n", "on"),
    ],
)
def test_a_malformed_case_file_names_the_field(tmp_path: Path, body, field):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(YamlFileError) as error:
        read_case_file(path)
    assert error.value.field == field
    assert "bad.yaml" in str(error.value)
