"""axe-core on every visited page × language × display mode, then the W3C HTML checker on all.

Zero violations allowed (tags wcag2a wcag2aa wcag21a wcag21aa wcag22aa best-practice).
Results are written as JSON (axe's zh_CN locale) under a11y_results/axe/.

Which page versions (a11y_tests/modes.py): every page in Chinese in the default, text-only and
yellow-on-black modes (text-only takes pictures out; a high-contrast scheme is where a colour is
most likely to fall short of 7:1 – black-on-white uses the same rules with the colours swapped
and is checked on the representative pages), every page in English in the default mode, and the
representative pages (between them every kind of component the layout has) in all 10 modes in
both languages. Why not every page × 10 modes × 2 languages (about 4,400 versions): one version
costs about 0.3 s of browser time on the 2-CPU CI machine: over 20 minutes, more than 10 even
in two processes, in a CI run that must stay under 15 in all. Within one language a page
differs between the other modes only in the class on <html> and the settings bar's pressed
buttons, so the stylesheet's rules for each mode meet every component on the representative
pages; the colours do not depend on the language.
In the high-contrast schemes axe also runs its enhanced-contrast rule (7:1, WCAG 1.4.6).
The W3C checker reads each distinct document once (modes differ only in the class on <html>
except text-only). The numbers of each run are printed at the end of the suite.
"""
from __future__ import annotations

import json
import re

import pytest

from a11y_tests import built_pages, html_checker, page_checks
from a11y_tests.browser_session import snapshot
from a11y_tests.modes import HIGH_CONTRAST, combinations
from a11y_tests.registry import LANGUAGES, all_visits

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
CASES = combinations(all_visits(), LANGUAGES)
# Text-only mode shows the same content with no pictures, video or decoration.
PICTURES_JS = (
    "return Array.from(document.querySelectorAll('img, svg, video, picture, canvas, iframe, "
    "object, embed')).filter(e => e.getClientRects().length > 0).length + Array.from("
    "document.querySelectorAll('body *')).filter(e => getComputedStyle(e).backgroundImage "
    "!== 'none').length")


@pytest.fixture(scope="module")
def state(browser, browser_state, axe_script):
    # axe-core is put into every new document by the browser itself while this module runs:
    # sending its 0.6 MB over WebDriver for each page took as long as running it.
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": axe_script})
    yield browser_state
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                            {"identifier": added["identifier"]})


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
    built_pages.save(f"{visit.name}-{language}-{mode}", snapshot(driver))
    if mode == "text-only":
        assert driver.execute_script(PICTURES_JS) == 0, \
            f"{visit.path}: pictures or decoration in text-only mode"

    if not driver.execute_script("return typeof axe === 'object'"):
        driver.execute_script(axe_script)
    options = dict(AXE_OPTIONS)
    if mode in HIGH_CONTRAST:      # every text at least 7:1 in the high-contrast schemes
        options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));",
        options,
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
    _beyond_axe(driver, visit, language, mode)


def _beyond_axe(driver, visit, language, mode):
    """The checks of a11y_tests/page_checks.py, in this page load: every page in the default
    mode in both languages (a fresh form, in Chinese, also sent empty once); the type ramp on the
    pages checked in elder mode."""
    where = f"{visit.path} [{language}, {mode}]"
    if mode == "elder":
        problems = page_checks.elder_type_problems(driver)
        assert not problems, f"{where}:\n" + "\n".join(problems)
    if mode != "default":
        return
    problems = page_checks.check_page(driver, visit, language)
    assert not problems, f"{where}:\n" + "\n".join(problems)
    if language == "zh" and not visit.actions and page_checks.send_empty_form(driver):
        problems = page_checks.summary_problems(driver)
        assert problems is not None, f"{where}: sent empty, the form showed no error summary"
        problems += page_checks.invalid_problems(driver)
        assert not problems, f"{where}, sent empty:\n" + "\n".join(problems)


@pytest.mark.browser
@pytest.mark.whole_run
def test_html_is_valid(results_dir):
    """The W3C Nu checker (vnu-jar) on every page the axe test built: zero errors."""
    pages = built_pages.load_all()
    assert pages, "no page was built – run the page suite first (make test does)"
    folder = results_dir / "html"
    folder.mkdir(exist_ok=True)
    files, seen = [], set()
    for name, html in pages.items():
        distinct = re.sub(r'^(<!DOCTYPE html>\s*<html lang="[^"]*") class="[^"]*"', r"\1", html)
        if distinct in seen:        # the same document in another mode: checked already
            continue
        seen.add(distinct)
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    report, errors = html_checker.check(files)
    (results_dir / "html-validity.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
             for m in errors[:40]]
    assert not errors, f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(lines)
