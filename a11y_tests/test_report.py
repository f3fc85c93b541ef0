"""The run's report (a11y_tests/report.py) on a small fixture results folder cut down from a real
run (a11y_tests/fixtures/report/: 13 page versions, the elder-mode screenshots, two keyboard
journeys, the HTML check), with one failure of each kind put in – an axe violation, an HTML
error, a failed layout test – and a previous run that had another violation, one page version
fewer and 15 more Tabs on the way to a submitted application.

The unit tests need no browser. The last test opens the report in Chromium: axe-core and the
W3C checker find nothing, it fits 320 px, and every thumbnail has its alt text and full-size link.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import html5lib
import pytest

from a11y_tests import report

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture()
def results(tmp_path) -> Path:
    folder = tmp_path / "a11y_results"
    shutil.copytree(FIXTURE / "current", folder)
    return folder


def _parse(page: Path):
    return html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _table(document, caption_start: str) -> list[list[str]]:
    for table in document.iter("table"):
        caption = table.find("caption")
        if caption is not None and _text(caption).startswith(caption_start):
            return [[_text(cell) for cell in row if cell.tag in ("th", "td")]
                    for row in table.iter("tr")]
    raise AssertionError(f"no table captioned {caption_start!r}")


def test_totals_per_check_mode_and_language(results):
    summary = report.summarise(results)
    totals = summary["totals"]
    assert (totals["pages"], totals["page_versions"], totals["html_documents"]) == (5, 13, 13)
    assert totals["languages"] == ["en", "zh"]
    assert totals["modes"] == ["default", "yellow-on-black", "text-only"]
    assert (totals["axe_violations"], totals["html_errors"]) == (1, 1)
    assert totals["tests"] == {"passed": 16, "failed": 2, "error": 0, "skipped": 0}
    checks = {check["check"]: check for check in summary["checks"]}
    assert (checks["axe-core"]["runs"], checks["axe-core"]["failed"]) == (13, 1)
    assert (checks["W3C HTML checker"]["runs"], checks["W3C HTML checker"]["failed"]) == (13, 1)
    layout = checks["test_layout.py::test_page_fits_targets_are_big_enough_and_text_spacing_"
                    "loses_nothing"]
    assert (layout["runs"], layout["failed"], layout["pages"]) == (1, 1, 1)
    assert summary["by_mode"]["yellow-on-black"] == {
        "page_versions": 4, "pages": 4, "tests_passed": 3, "tests_failed": 1, "problems": 1}
    assert summary["by_mode"]["default"]["problems"] == 2   # the HTML error, the layout test
    assert summary["by_language"]["en"]["page_versions"] == 4
    assert summary["by_language"]["zh"]["problems"] == 2
    assert not summary["run"]["complete"]      # a few tests chosen with -k: not a full run
    keys = summary["keyboard"]["apply-home-to-submitted"]
    assert keys["total_key_presses"] == sum(keys["keys"].values()) + keys["typed_characters"]


def test_every_failure_with_its_page_element_and_rule(results):
    failures = report.summarise(results)["failures"]
    where = [(f["check"], f["page"], f["language"], f["mode"], f["element"], f["rule"])
             for f in failures]
    assert where == [
        ("axe", "home", "zh", "yellow-on-black", "footer .hotline", "color-contrast-enhanced"),
        ("html", "home", "en", "default", '</nav>\n<main id="main" tabindex="-1">\n<h1>',
         "Duplicate ID “main”."),
        ("test", "home", "zh", "default",
         "test_page_fits_targets_are_big_enough_and_text_spacing_loses_nothing[home-zh-default-"
         "320px]",
         "test_layout.py::test_page_fits_targets_are_big_enough_and_text_spacing_loses_nothing"),
    ]   # (the failed axe test itself is listed once, as its violation)
    page = report.build(results)
    rows = _table(_parse(page), "axe-core：")
    assert rows[1][1].startswith("home") and "鄠邑区残疾人服务" in rows[1][1]  # name + title
    assert "footer .hotline" in rows[1][3] and "color-contrast-enhanced" in rows[1][4]
    assert "元素必须满足增强的颜色对比度阈值" in rows[1][4]
    assert "Duplicate ID “main”." in _table(_parse(page), "W3C HTML检查器：")[1][4]
    assert "scrolls sideways" in _table(_parse(page), "其他测试 other tests：")[1][4]


def test_screenshots_become_thumbnails_that_link_to_full_size(results):
    page = report.build(results)
    links = [a for a in _parse(page).iter("a") if a.find("img") is not None]
    assert len(links) == 3
    for link in links:
        image = link.find("img")
        assert (results / link.get("href")).exists()
        thumb = results / image.get("src")
        assert image.get("src").startswith("screenshots/thumbs/") and thumb.exists()
        from PIL import Image
        with Image.open(thumb) as opened:
            assert opened.size[0] == report.THUMB_WIDTH
    alts = sorted(link.find("img").get("alt") for link in links)
    assert "鄠邑区残疾人服务网上办事平台 – 鄠邑区残疾人服务，长辈版：开启，中文：整页截图" in alts
    assert all("长辈版：开启" in alt and "中文" in alt for alt in alts)


def test_difference_from_the_previous_run(results, monkeypatch):
    monkeypatch.delenv("A11Y_PREVIOUS", raising=False)
    previous = FIXTURE / "previous"
    difference = report.compare(report.load_previous(previous), report.summarise(results))
    assert [(f["check"], f["page"], f["rule"]) for f in difference["new"]] == [
        ("axe", "home", "color-contrast-enhanced"), ("html", "home", "Duplicate ID “main”."),
        ("test", "home", "test_layout.py::test_page_fits_targets_are_big_enough_and_text_"
                         "spacing_loses_nothing")]
    assert [(f["page"], f["mode"], f["rule"]) for f in difference["fixed"]] == [
        ("preferences", "text-only", "target-size")]
    changed = {c["label"]: (c["before"], c["now"], c["change"]) for c in difference["changed"]}
    assert changed["页面版本 page versions"] == (12, 13, 1)
    assert changed["按键次数 key presses：apply-home-to-submitted"][2] == -15
    assert changed["HTML错误 HTML errors"] == (0, 1, 1)
    # A summary.json given instead of a folder says the same.
    old_summary = report.summarise(previous)
    kept = results.parent / "old-summary.json"
    kept.write_text(json.dumps(old_summary, ensure_ascii=False), encoding="utf-8")
    assert report.compare(report.load_previous(kept), report.summarise(results)) == difference

    page = _parse(report.build(results, previous))
    assert _table(page, "这次有、上次没有的失败")[1][4].startswith("color-contrast-enhanced")
    assert "target-size" in _table(page, "上次有、这次没有的失败")[1][4]
    assert ["页面版本 page versions", "12", "13", "+1"] in _table(page, "和上次不同的数量")
    keyboard = _table(page, "每条流程的按键次数")
    assert any(row[-1] == "-15" for row in keyboard if "apply-home-to-submitted" in row[0])
    # Without a previous run there is nothing to compare, and the page says so.
    plain = report.build(results).read_text(encoding="utf-8")
    assert "这次没有给出上次运行的结果" in plain and "新出现的失败 " not in plain


def test_the_command_line_builds_the_same_page(results, capsys):
    assert report.main([str(results), "--previous", str(FIXTURE / "previous")]) == 0
    assert f"report: {results / 'index.html'}" in capsys.readouterr().out
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    assert summary["figures"]["apply_journey_key_presses"] == \
        summary["keyboard"]["apply-home-to-submitted"]["total_key_presses"]
    # A run of a few tests never becomes the statement's figures.
    assert report.main([str(results), "--update-statement"]) == 1


@pytest.mark.browser
def test_the_report_itself_is_accessible(browser, axe_script, results, tmp_path):
    """The report built from the fixture (with a previous run, so every section shows) has no
    axe violations in Chromium and no W3C checker errors, and fits 320 px."""
    from a11y_tests import html_checker, layout
    from a11y_tests.test_axe_and_html import AXE_OPTIONS
    from a11y_tests.test_display_modes import _axe

    page = report.build(results, FIXTURE / "previous")
    _, errors = html_checker.check([str(page)])
    assert not errors, [f"{m.get('lastLine')}: {m['message']}" for m in errors]
    for width in (1280, 320):
        with layout.viewport(browser, width):
            browser.get(page.as_uri())
            assert browser.execute_script("return document.documentElement.lang") == "zh-Hans"
            violations = _axe(browser, axe_script, AXE_OPTIONS)
            assert not violations, [(v["id"], [n["target"] for n in v["nodes"]])
                                    for v in violations]
            assert layout.overflow_problems(browser) == []
            broken = browser.execute_script(
                "return Array.from(document.images).filter(i => !i.naturalWidth).length")
            assert broken == 0


def test_ci_keeps_the_report_and_everything_it_links_to(results):
    kept = [line.split("#", 1)[0].strip()
            for line in (report.ROOT / ".ci" / "artefacts").read_text(encoding="utf-8").splitlines()]
    kept = [path for path in kept if path]
    page = report.build(results, FIXTURE / "previous")
    document = _parse(page)
    linked = {element.get(attribute) for element in document.iter()
              for attribute in ("href", "src") if isinstance(element.tag, str)
              and element.get(attribute)}
    local = {link for link in linked if not link.startswith(("#", "http:", "https:"))}
    assert {"summary.json", "html-validity.json", "screenshots/elder-home-zh.png",
            "screenshots/thumbs/elder-home-zh.png"} <= local
    for link in local | {"index.html"}:
        path = f"a11y_results/{link}"
        assert any(path == k or (k.endswith("/") and path.startswith(k)) for k in kept), path
    assert "portal/data/accessibility_run.yaml" in kept


def test_a_complete_runs_summary_is_kept_for_the_next_run(tmp_path, monkeypatch):
    from a11y_tests.run_record import previous_summary

    monkeypatch.delenv("A11Y_PREVIOUS", raising=False)
    assert previous_summary(tmp_path) is None
    (tmp_path / "summary.json").write_text('{"run": {"complete": false}}', encoding="utf-8")
    assert previous_summary(tmp_path) is None          # a run of a few tests is not kept
    (tmp_path / "summary.json").write_text('{"run": {"complete": true}}', encoding="utf-8")
    assert previous_summary(tmp_path) == b'{"run": {"complete": true}}'
    monkeypatch.setenv("A11Y_PREVIOUS", "/elsewhere/summary.json")
    assert previous_summary(tmp_path) is None          # the one named wins


def test_outcomes_from_the_workers_keep_page_language_and_mode():
    """What pytest-xdist sends back from a worker: the report with the parameters the worker
    put on it (label_item), read by the recorder in the process that started the run."""
    from types import SimpleNamespace

    from a11y_tests.registry import Visit
    from a11y_tests.run_record import Recorder, label_item

    def check():
        """Focus is visible.

        More words."""
    item = SimpleNamespace(user_properties=[], function=check, callspec=SimpleNamespace(
        params={"visit": Visit("public.home", "/", "home"), "language": "en", "mode": "elder",
                "width": 320}))
    label_item(item)
    crash = SimpleNamespace(message="AssertionError: covered by header")
    reports = [SimpleNamespace(nodeid="a11y_tests/test_x.py::check[home]", when=when,
                               outcome=outcome, failed=outcome == "failed", skipped=False,
                               duration=0.5, user_properties=item.user_properties,
                               longrepr=SimpleNamespace(reprcrash=crash))
               for when, outcome in (("setup", "passed"), ("call", "failed"),
                                     ("teardown", "passed"))]
    recorder = Recorder(SimpleNamespace(args=[], option=None))
    for one in reports:
        recorder.add(one)
    assert recorder.tests == {"a11y_tests/test_x.py::check[home]": {
        "outcome": "failed", "message": "AssertionError: covered by header", "seconds": 0.5,
        "params": {"visit": "home", "language": "en", "mode": "elder", "width": "320",
                   "doc": "Focus is visible."}}}


def test_key_presses_are_counted_by_name_and_typed_characters_one_each():
    from selenium.webdriver.common.keys import Keys

    from a11y_tests.keyboard import KeyCount

    count = KeyCount()
    count.add(Keys.TAB, Keys.TAB, Keys.ENTER, Keys.SPACE, Keys.ARROW_DOWN)
    count.add(Keys.TAB, modifier="Shift")
    count.add("a", modifier="Ctrl")
    count.add("王桂英")                     # typed: one press a character
    count.files_chosen += 1
    assert count.as_dict() == {
        "total_key_presses": 10, "typed_characters": 3, "files_chosen": 1,
        "keys": {"Ctrl+A": 1, "Down": 1, "Enter": 1, "Shift+Tab": 1, "Space": 1, "Tab": 2}}


def test_a_complete_run_writes_the_statements_figures(results, tmp_path, monkeypatch):
    """`make test`: the page suite (`-m "not whole_run"`) then the whole-run step, with nothing
    chosen by -k, and every page version checked – then, and only then, the statement's figures
    (portal/data/accessibility_run.yaml) are this run's."""
    from a11y_tests.run_record import Recorder, finish
    from portal.public import statement

    for path in (results / "outcomes").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.update(args=["a11y_tests"], keyword="")
        path.write_text(json.dumps(data), encoding="utf-8")
    run_file = tmp_path / "accessibility_run.yaml"
    monkeypatch.setattr(statement, "RUN", run_file)
    monkeypatch.delenv("A11Y_PREVIOUS", raising=False)
    monkeypatch.setattr(report, "_expected_versions", lambda: 14)   # one version missing
    assert not report.summarise(results)["run"]["complete"]
    monkeypatch.setattr(report, "_expected_versions", lambda: 13)
    assert report.summarise(results)["run"]["complete"]

    from types import SimpleNamespace
    session = Recorder(SimpleNamespace(args=["a11y_tests"], option=SimpleNamespace(
        keyword="", markexpr="whole_run")))
    lines = finish(session, results)
    assert lines[0] == f"report: {results / 'index.html'}"
    assert "accessibility_run.yaml (commit it)" in lines[1]
    figures = statement.load_run()
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    assert (figures.pages, figures.page_versions, figures.modes, figures.languages) == (5, 13, 3, 2)
    assert figures.apply_journey_key_presses == \
        summary["keyboard"]["apply-home-to-submitted"]["total_key_presses"]
    assert (figures.axe_violations, figures.html_errors, figures.tests_failed) == (1, 1, 2)
    assert figures.run_date.isoformat() == summary["run"]["date"]
