"""axe-core on every visited page × language × display mode, then the W3C HTML checker on all.

Zero violations allowed (tags wcag2a wcag2aa wcag21a wcag21aa wcag22aa best-practice).
Results are written as JSON (axe's zh_CN locale) under a11y_results/axe/.
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from a11y_tests.browser_session import BrowserState, snapshot
from a11y_tests.conftest import VNU_JAR, _require
from a11y_tests.modes import MODES
from a11y_tests.registry import LANGUAGES, all_visits

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
CASES = [(visit, language, mode) for visit in all_visits() for language in LANGUAGES
         for mode in MODES]
SNAPSHOTS: dict[str, str] = {}


@pytest.fixture(scope="module")
def state(browser, base_url):
    return BrowserState(browser, base_url)


def _summary(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("visit, language, mode", CASES,
                         ids=[f"{v.name}-{lang}-{mode}" for v, lang, mode in CASES])
def test_page_has_no_axe_violations(state, axe_script, results_dir, visit, language, mode):
    driver = state.driver
    state.prepare(visit, language, mode)
    page_lang = driver.execute_script("return document.documentElement.lang")
    assert page_lang == HTML_LANG[language], f"{visit.path}: lang={page_lang!r}"
    if visit.expect_text:
        assert visit.expect_text[language] in driver.page_source, \
            f"{visit.name}: the expected state was not reached"
    SNAPSHOTS[f"{visit.name}-{language}-{mode}"] = snapshot(driver)

    driver.execute_script(axe_script)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));",
        AXE_OPTIONS,
    )
    assert "error" not in results, results.get("error")
    out = results_dir / "axe" / language / mode
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{visit.name}.json").write_text(
        json.dumps({"url": results["url"], "violations": results["violations"],
                    "testEngine": results["testEngine"]}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    assert results["violations"] == [], (
        f"{visit.path} [{language}, {mode}]:\n{_summary(results['violations'])}")


@pytest.mark.browser
def test_html_is_valid(results_dir):
    """The W3C Nu checker (vnu-jar) on every page the axe test built: zero errors."""
    _require(VNU_JAR.exists(), f"the W3C Nu HTML checker is missing ({VNU_JAR})")
    _require(shutil.which("java") is not None, "Java is not installed")
    assert SNAPSHOTS, "no page was visited – run the whole a11y_tests module"
    folder = results_dir / "html"
    folder.mkdir(exist_ok=True)
    files = []
    for name, html in SNAPSHOTS.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    completed = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         "--stdout", *files],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(completed.stdout or "{}")
    (results_dir / "html-validity.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    errors = [m for m in report.get("messages", []) if m.get("type") == "error"]
    lines = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
             for m in errors[:40]]
    assert completed.returncode == 0 or errors, completed.stderr[-2000:]
    assert not errors, f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(lines)
