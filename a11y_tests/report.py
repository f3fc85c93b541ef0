"""The browser suite's report: one accessible page, `a11y_results/index.html`, for the people
who look after accessibility regressions – and the run's summary, `a11y_results/summary.json`,
which the accessibility statement's figures come from (portal/data/accessibility_run.yaml).

It reads what the run left in its results folder:

- `axe/<language>/<mode>/<page>.json` – axe-core's violations for each page version;
- `html-validity.json` and `html/` – the W3C Nu HTML checker's errors and the documents it read;
- `pages/<page>-<language>-<mode>.html` – the page versions (for their titles);
- `outcomes/*.json` – every test's outcome, page, language and mode (a11y_tests/run_record.py);
- `screenshots/<mode>-<page>-<language>.png` – made into thumbnails under `screenshots/thumbs/`;
- `keyboard/<journey>.json` – the key presses of the journeys that count them.

The page gives the totals per check, per display mode and per language, every failure with its
page, element and rule, the screenshots, the key presses of the keyboard journeys, and – when a
previous run is given (`A11Y_PREVIOUS` or `--previous`: its results folder or its summary.json)
– what changed: new failures, fixed failures and every count that moved.

Built at the end of every browser-suite session (a11y_tests/conftest.py); to build it again:

    .venv/bin/python -m a11y_tests.report [RESULTS] [--previous OLD_RESULTS_OR_SUMMARY]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import jinja2

FORMAT = 1
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("report_page.html")
THUMB_WIDTH = 320
THUMB_HEIGHT = 240
LANGUAGE_NAMES = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}
# The tests behind the statement's figures (portal/data/accessibility_run.yaml).
FOCUS_TEST = "a11y_tests/test_focus_visible.py::"
LAYOUT_TEST = "a11y_tests/test_layout.py::"
JOURNEY_TEST = "a11y_tests/test_keyboard_journeys.py::"
AXE_TEST = "a11y_tests/test_axe_and_html.py::test_page_has_no_axe_violations"
HTML_TEST = "a11y_tests/test_axe_and_html.py::test_html_is_valid"
APPLY_JOURNEY = "apply-home-to-submitted"


# -- reading a results folder ----------------------------------------------------------------

def _modes() -> list[str]:
    from a11y_tests.modes import MODES

    return list(MODES)


def mode_label(mode: str) -> str:
    """The display settings a mode stands for, in the settings page's own words."""
    from a11y_tests.modes import MODES
    from portal.preferences import cookie
    from portal.preferences.options import SETTINGS

    if mode not in MODES:
        return mode
    chosen = cookie.parse(MODES[mode].get(cookie.NAME))
    parts = [f"{setting.label}：{setting.choice(chosen[setting.name]).label}"
             for setting in SETTINGS if chosen[setting.name] != setting.default]
    return "，".join(parts) or "默认设置"


def split_version(name: str) -> tuple[str, str, str] | None:
    """"home-zh-yellow-on-black" → ("home", "zh", "yellow-on-black")."""
    for mode in sorted(_modes(), key=len, reverse=True):
        for language in LANGUAGE_NAMES:
            suffix = f"-{language}-{mode}"
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[:-len(suffix)], language, mode
    return None


def split_screenshot(name: str) -> tuple[str, str, str] | None:
    """"elder-guide-nursing-allowance-zh" → ("guide-nursing-allowance", "zh", "elder")."""
    for mode in sorted(_modes(), key=len, reverse=True):
        for language in LANGUAGE_NAMES:
            if name.startswith(mode + "-") and name.endswith("-" + language):
                page = name[len(mode) + 1:-len(language) - 1]
                if page:
                    return page, language, mode
    return None


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _path_of(url: str) -> str:
    return re.sub(r"^[a-z]+://[^/]*", "", url or "") or "/"


def _titles(results: Path) -> dict[str, str]:
    """{page: its <title>} from the page versions kept (Chinese, default mode preferred)."""
    titles: dict[str, str] = {}
    folder = results / "pages"
    files = sorted(folder.glob("*.html")) if folder.is_dir() else []
    files.sort(key=lambda p: (not p.stem.endswith("-zh-default"), p.stem))
    for path in files:
        parts = split_version(path.stem)
        if not parts or parts[0] in titles:
            continue
        head = path.read_text(encoding="utf-8")[:20000]
        found = re.search(r"<title>(.*?)</title>", head, re.S)
        if found:
            titles[parts[0]] = unescape(re.sub(r"\s+", " ", found.group(1)).strip())
    return titles


def _target(node: dict) -> str:
    def flat(target):
        return " ".join(flat(t) for t in target) if isinstance(target, list) else str(target)
    return flat(node.get("target", []))


def _axe(results: Path) -> tuple[list[dict], list[dict], str]:
    """(page versions checked, one failure per element and rule, axe-core's version)."""
    versions, failures, engine = [], [], ""
    for path in sorted((results / "axe").glob("*/*/*.json")):
        language, mode, page = path.parent.parent.name, path.parent.name, path.stem
        data = _read_json(path)
        engine = engine or data.get("testEngine", {}).get("version", "")
        violations = data.get("violations", [])
        nodes = sum(len(v.get("nodes", [])) for v in violations)
        versions.append({"page": page, "language": language, "mode": mode,
                         "path": _path_of(data.get("url", "")), "violations": nodes})
        for violation in violations:
            for node in violation.get("nodes", []):
                failures.append({
                    "check": "axe", "page": page, "language": language, "mode": mode,
                    "path": _path_of(data.get("url", "")), "rule": violation.get("id", ""),
                    "impact": violation.get("impact") or "", "help": violation.get("help", ""),
                    "help_url": violation.get("helpUrl", ""), "element": _target(node),
                    "html": (node.get("html") or "")[:400],
                    "detail": (node.get("failureSummary") or "")[:800],
                })
    return versions, failures, engine


def _html(results: Path) -> dict | None:
    """The W3C checker's run: documents read, its version, one failure per error."""
    report_file = results / "html-validity.json"
    if not report_file.exists():
        return None
    report = _read_json(report_file)
    folder = results / "html"
    documents = sorted(p.stem for p in folder.glob("*.html")) if folder.is_dir() else []
    failures = []
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        stem = Path(_path_of(message.get("url", ""))).stem
        page, language, mode = split_version(stem) or (stem, "", "")
        line = message.get("lastLine")
        failures.append({
            "check": "html", "page": page, "language": language, "mode": mode, "path": "",
            "rule": message.get("message", ""), "impact": "", "help": "", "help_url": "",
            "element": (message.get("extract") or "").strip()[:400],
            "html": "", "detail": f"line {line}" if line else "",
        })
    return {"documents": len(documents), "version": report.get("version", ""),
            "failures": failures}


def _sessions(results: Path) -> tuple[list[dict], dict[str, dict]]:
    """Every session's start (args, -k, -m) and every test's latest outcome."""
    sessions, tests = [], {}
    folder = results / "outcomes"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for path in sorted(files, key=lambda p: _read_json(p).get("started", 0)):
        data = _read_json(path)
        sessions.append({key: data.get(key) for key in
                         ("started", "finished", "args", "keyword", "markexpr")})
        tests.update(data.get("tests", {}))
    return sessions, tests


def _check_name(nodeid: str) -> str:
    """"a11y_tests/test_layout.py::test_x[home-zh]" → "test_layout.py::test_x"."""
    return nodeid.split("[", 1)[0].removeprefix("a11y_tests/")


def _keyboard(results: Path) -> dict[str, dict]:
    folder = results / "keyboard"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return {path.stem: _read_json(path) for path in files}


def _screenshots(results: Path) -> list[dict]:
    folder = results / "screenshots"
    shots = []
    for path in sorted(folder.glob("*.png")) if folder.is_dir() else []:
        parts = split_screenshot(path.stem)
        page, language, mode = parts or (path.stem, "", "")
        shots.append({"file": f"screenshots/{path.name}",
                      "thumb": f"screenshots/thumbs/{path.name}",
                      "page": page, "language": language, "mode": mode})
    return shots


def make_thumbnails(results: Path, shots: list[dict]) -> None:
    """The top of each full-page screenshot, THUMB_WIDTH px wide (made once per file)."""
    from PIL import Image

    for shot in shots:
        source, thumb = results / shot["file"], results / shot["thumb"]
        if thumb.exists() and thumb.stat().st_mtime >= source.stat().st_mtime:
            continue
        thumb.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as image:
            width, height = image.size
            top = image.crop((0, 0, width, min(height, width * THUMB_HEIGHT // THUMB_WIDTH)))
            top.thumbnail((THUMB_WIDTH, THUMB_HEIGHT))
            top.save(thumb, optimize=True)


# -- the summary ----------------------------------------------------------------------------

def failure_key(failure: dict) -> str:
    return " | ".join(failure[k] for k in ("check", "page", "language", "mode", "rule", "element"))


def _expected_versions() -> int | None:
    try:
        from a11y_tests.coverage import counts
        return counts()["axe_runs"]
    except Exception:   # noqa: BLE001 – a results folder from another checkout
        return None


def _is_full(session: dict, markexprs: tuple[str, ...]) -> bool:
    args = [arg.rstrip("/") for arg in session.get("args") or []]
    return (not session.get("keyword") and (session.get("markexpr") or "") in markexprs
            and args in (["a11y_tests"], []))


def summarise(results: Path) -> dict:
    """Everything the report shows, as plain data (written to summary.json)."""
    results = Path(results)
    versions, axe_failures, axe_version = _axe(results)
    html = _html(results)
    sessions, tests = _sessions(results)
    screenshots = _screenshots(results)
    keyboard = _keyboard(results)

    # Failures of tests whose own results do not already list them element by element.
    with_violations = {(v["page"], v["language"], v["mode"]) for v in versions if v["violations"]}
    test_failures = []
    for nodeid, test in sorted(tests.items()):
        if test["outcome"] not in ("failed", "error"):
            continue
        params = test.get("params", {})
        page = params.get("visit") or params.get("name") or params.get("journey") or ""
        language, mode = params.get("language", ""), params.get("mode", "")
        if nodeid.startswith(AXE_TEST) and (page, language, mode) in with_violations:
            continue
        if nodeid.startswith(HTML_TEST) and html and html["failures"]:
            continue
        test_failures.append({
            "check": "test", "page": page, "language": language, "mode": mode, "path": "",
            "rule": _check_name(nodeid), "impact": "", "help": "", "help_url": "",
            "element": nodeid.split("::", 1)[-1], "html": "",
            "detail": test.get("message", ""),
        })
    failures = axe_failures + (html["failures"] if html else []) + test_failures

    # Totals per check.
    checks = [{
        "check": "axe-core", "what": "axe-core（每个页面版本的规则检查）", "runs": len(versions),
        "passed": sum(1 for v in versions if not v["violations"]),
        "failed": sum(1 for v in versions if v["violations"]),
        "skipped": 0, "problems": len(axe_failures),
        "pages": len({v["page"] for v in versions}),
    }]
    if html is not None:
        checks.append({
            "check": "W3C HTML checker", "what": "W3C HTML检查器（不同的文档各一次）",
            "runs": html["documents"],
            "passed": html["documents"] - len({(f["page"], f["language"], f["mode"])
                                               for f in html["failures"]}),
            "failed": len({(f["page"], f["language"], f["mode"]) for f in html["failures"]}),
            "skipped": 0, "problems": len(html["failures"]),
            "pages": len({split_version(d)[0] for d in _html_documents(results)
                          if split_version(d)}),
        })
    grouped: dict[str, list[dict]] = defaultdict(list)
    for nodeid, test in tests.items():
        grouped[_check_name(nodeid)].append(test)
    for name in sorted(grouped):
        group = grouped[name]
        outcomes = Counter(t["outcome"] for t in group)
        checks.append({
            "check": name, "what": next((t["params"].get("doc", "") for t in group
                                         if t.get("params", {}).get("doc")), ""),
            "runs": len(group), "passed": outcomes["passed"],
            "failed": outcomes["failed"] + outcomes["error"], "skipped": outcomes["skipped"],
            "problems": outcomes["failed"] + outcomes["error"],
            "pages": len({t.get("params", {}).get("visit") for t in group} - {None}),
        })

    by_mode = _group_totals(versions, tests, "mode")
    by_language = _group_totals(versions, tests, "language")
    for failure in failures:
        for key, table in (("mode", by_mode), ("language", by_language)):
            if failure[key] in table:
                table[failure[key]]["problems"] += 1

    outcomes = Counter(t["outcome"] for t in tests.values())
    expected = _expected_versions()
    whole_run = any(_is_full(s, ("", "whole_run")) for s in sessions) and html is not None
    complete = (any(_is_full(s, ("", "not whole_run")) for s in sessions) and whole_run
                and expected is not None and len(versions) == expected)
    finished = max((s.get("finished") or 0 for s in sessions), default=0)
    when = (datetime.fromtimestamp(finished, timezone.utc) if finished
            else datetime.now(timezone.utc))
    summary = {
        "format": FORMAT,
        "run": {
            "finished": when.isoformat(timespec="seconds"), "date": when.date().isoformat(),
            "complete": complete, "expected_page_versions": expected,
            "axe_core": axe_version, "html_checker": html["version"] if html else "",
            "sessions": sessions,
        },
        "totals": {
            "pages": len({v["page"] for v in versions}), "page_versions": len(versions),
            "languages": sorted({v["language"] for v in versions}),
            "modes": [m for m in _modes() if m in {v["mode"] for v in versions}],
            "axe_violations": len(axe_failures),
            "axe_rules": len({f["rule"] for f in axe_failures}),
            "html_documents": html["documents"] if html else 0,
            "html_errors": len(html["failures"]) if html else 0,
            "tests": {k: outcomes[k] for k in ("passed", "failed", "error", "skipped")},
            "failures": len(failures),
        },
        "checks": checks,
        "by_mode": by_mode,
        "by_language": by_language,
        "failures": failures,
        "keyboard": keyboard,
        "screenshots": screenshots,
        "titles": _titles(results),
    }
    summary["figures"] = statement_figures(summary, tests)
    return summary


def _html_documents(results: Path) -> list[str]:
    folder = results / "html"
    return sorted(p.stem for p in folder.glob("*.html")) if folder.is_dir() else []


def _group_totals(versions: list[dict], tests: dict, key: str) -> dict[str, dict]:
    names = _modes() if key == "mode" else list(LANGUAGE_NAMES)
    table = {name: {"page_versions": 0, "pages": set(), "tests_passed": 0, "tests_failed": 0,
                    "problems": 0} for name in names}
    for version in versions:
        row = table.setdefault(version[key], {"page_versions": 0, "pages": set(),
                                              "tests_passed": 0, "tests_failed": 0,
                                              "problems": 0})
        row["page_versions"] += 1
        row["pages"].add(version["page"])
    for test in tests.values():
        value = test.get("params", {}).get(key)
        if value in table:
            if test["outcome"] == "passed":
                table[value]["tests_passed"] += 1
            elif test["outcome"] in ("failed", "error"):
                table[value]["tests_failed"] += 1
    for row in table.values():
        row["pages"] = len(row["pages"])
    return {name: row for name, row in table.items()
            if row["page_versions"] or row["tests_passed"] or row["tests_failed"]}


def statement_figures(summary: dict, tests: dict) -> dict:
    """The figures the accessibility statement quotes, all from this run."""
    def distinct(prefix: str, param: str) -> int:
        return len({t.get("params", {}).get(param) for nodeid, t in tests.items()
                    if nodeid.startswith(prefix)} - {None})

    totals = summary["totals"]
    apply = summary["keyboard"].get(APPLY_JOURNEY, {})
    return {
        "run_date": summary["run"]["date"],
        "pages": totals["pages"],
        "page_versions": totals["page_versions"],
        "languages": len(totals["languages"]),
        "modes": len(totals["modes"]),
        "axe_violations": totals["axe_violations"],
        "html_documents": totals["html_documents"],
        "html_errors": totals["html_errors"],
        "keyboard_journeys": distinct(JOURNEY_TEST, "journey"),
        "focus_pages": distinct(FOCUS_TEST, "visit"),
        "layout_pages": distinct(LAYOUT_TEST, "visit"),
        "apply_journey_key_presses": apply.get("total_key_presses", 0),
        "tests_failed": totals["tests"]["failed"] + totals["tests"]["error"],
    }


# -- the difference from a previous run ------------------------------------------------------

def load_previous(where: str | Path | None) -> dict | None:
    """A previous run: its results folder (its summary.json, or summarised now) or a summary."""
    if not where:
        return None
    path = Path(where)
    if path.is_dir():
        return _read_json(path / "summary.json") if (path / "summary.json").exists() \
            else summarise(path)
    return _read_json(path)


def compare(previous: dict, current: dict) -> dict:
    before = {failure_key(f): f for f in previous.get("failures", [])}
    now = {failure_key(f): f for f in current["failures"]}
    counts = []

    def count(label: str, old, new) -> None:
        if old is None and new is None:
            return
        counts.append({"label": label, "before": old, "now": new,
                       "change": (new or 0) - (old or 0)})

    old_totals, new_totals = previous.get("totals", {}), current["totals"]
    for key, label in (("pages", "页面 pages"), ("page_versions", "页面版本 page versions"),
                       ("axe_violations", "axe问题 axe violations"),
                       ("html_documents", "HTML文档 HTML documents"),
                       ("html_errors", "HTML错误 HTML errors"),
                       ("failures", "失败合计 all failures")):
        count(label, old_totals.get(key), new_totals.get(key))
    for key in ("passed", "failed", "skipped"):
        count(f"测试 tests {key}", old_totals.get("tests", {}).get(key),
              new_totals["tests"].get(key))
    old_checks = {c["check"]: c for c in previous.get("checks", [])}
    for check in current["checks"]:
        old = old_checks.get(check["check"], {})
        count(f"{check['check']}：运行 runs", old.get("runs"), check["runs"])
        count(f"{check['check']}：失败 failed", old.get("failed"), check["failed"])
    for key, table in (("by_mode", "显示模式 mode"), ("by_language", "语言 language")):
        old_rows = previous.get(key, {})
        for name, row in current[key].items():
            old = old_rows.get(name, {})
            count(f"{table} {name}：页面版本 page versions", old.get("page_versions"),
                  row["page_versions"])
            count(f"{table} {name}：问题 problems", old.get("problems"), row["problems"])
    old_keys = previous.get("keyboard", {})
    for journey in sorted(set(old_keys) | set(current["keyboard"])):
        count(f"按键次数 key presses：{journey}",
              old_keys.get(journey, {}).get("total_key_presses"),
              current["keyboard"].get(journey, {}).get("total_key_presses"))
    return {
        "previous_finished": previous.get("run", {}).get("finished", ""),
        "previous_complete": previous.get("run", {}).get("complete", False),
        "new": [now[k] for k in sorted(set(now) - set(before))],
        "fixed": [before[k] for k in sorted(set(before) - set(now))],
        "counts": counts,
        "changed": [c for c in counts if c["change"]],
    }


# -- the page --------------------------------------------------------------------------------

def render(summary: dict, difference: dict | None) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["when"] = _when
    modes = {mode: mode_label(mode) for mode in _modes()}
    return environment.get_template(TEMPLATE.name).render(
        s=summary, diff=difference, mode_names=modes, language_names=LANGUAGE_NAMES,
        title_of=lambda page: summary["titles"].get(page, ""),
        lang=lambda text: "" if re.search(r"[\u3400-\u9fff]", text or "") else ' lang="en"')


def _when(iso: str) -> str:
    """"2026-12-04T07:45:46+00:00" → "2026年12月4日 07:45 UTC"."""
    moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M} UTC"


def build(results: str | Path, previous: str | Path | dict | None = None) -> Path:
    """Write summary.json and index.html into the results folder; return the page's path."""
    results = Path(results)
    summary = summarise(results)
    make_thumbnails(results, summary["screenshots"])
    old = previous if isinstance(previous, dict) else load_previous(previous)
    difference = compare(old, summary) if old else None
    (results / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    page = results / "index.html"
    page.write_text(render(summary, difference), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    from a11y_tests.conftest import RESULTS

    parser = argparse.ArgumentParser(
        prog="python -m a11y_tests.report",
        description="Build a11y_results/index.html and summary.json from a browser-suite run.")
    parser.add_argument("results", nargs="?", default=str(RESULTS),
                        help="the run's results folder (default: %(default)s)")
    parser.add_argument("--previous", default=os.environ.get("A11Y_PREVIOUS") or None,
                        help="a previous run's results folder or summary.json "
                             "(default: $A11Y_PREVIOUS)")
    parser.add_argument("--update-statement", action="store_true",
                        help="also write the statement's figures (portal/data/"
                             "accessibility_run.yaml) – only from a complete run")
    args = parser.parse_args(argv)
    page = build(args.results, args.previous)
    print(f"report: {page}")
    if args.update_statement:
        from portal.public import statement

        summary = _read_json(Path(args.results) / "summary.json")
        if not statement.write_run(summary):
            print("not a complete run: the statement's figures were left as they were")
            return 1
        print(f"statement figures: {statement.RUN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
