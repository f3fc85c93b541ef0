"""The display modes themselves, in the browser: what each one does, that it needs no
JavaScript, that the system's contrast, motion and forced-colours preferences are honoured –
and screenshots of every mode for people to look at (a11y_results/screenshots/, kept by CI).
(That every text reaches 7:1 in the high-contrast schemes is checked on every page by the axe
suite, which runs axe's enhanced-contrast rule in those modes.)"""
from __future__ import annotations

import json
from urllib.request import urlopen

import pytest
from selenium.webdriver.common.by import By

from a11y_tests import layout
from a11y_tests.browser_session import perform
from a11y_tests.keyboard import Keyboard
from a11y_tests.modes import MODES
from a11y_tests.registry import Visit, all_visits

HOME = Visit("public.home", "/", "home")
PREVIEW = next(visit for visit in all_visits() if visit.name == "media-preview")
GUIDE = next(visit for visit in all_visits() if visit.name == "guide-nursing-allowance")

# What each mode puts on <html> and the body text size it gives (CSS px; default 18).
EXPECTED = {
    "default": (set(), 18),
    "large-text": ({"size-large"}, 27),
    "xlarge-text": ({"size-xlarge"}, 36),
    "elder": ({"mode-elder"}, 24),          # MIIT 适老化: main text 18 pt
    "yellow-on-black": ({"scheme-yellow"}, 18),
    "black-on-white": ({"scheme-white"}, 18),
    "wide-spacing": ({"spacing-wide"}, 18),
    "text-only": ({"mode-text-only"}, 18),
    "large-cursor": ({"cursor-large"}, 18),
    "reduced-motion": ({"motion-reduced"}, 18),
}
CONTRAST_OPTIONS = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]},
                    "resultTypes": ["violations"]}


def _classes(driver) -> set[str]:
    return set(driver.execute_script("return document.documentElement.className").split())


def _axe(driver, axe_script, options) -> list:
    if not driver.execute_script("return typeof axe === 'object'"):
        driver.execute_script(axe_script)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));", options)
    assert "error" not in results, results.get("error")
    return results["violations"]


def _contrast_summary(violations) -> str:
    return "\n".join(f"{node['target']}: {node.get('failureSummary', '')[:200]}"
                     for violation in violations for node in violation["nodes"][:10])


@pytest.mark.browser
def test_every_mode_has_an_expectation():
    assert set(EXPECTED) == set(MODES)


@pytest.mark.browser
@pytest.mark.parametrize("mode", list(MODES))
def test_mode_is_applied_on_the_server_without_javascript(browser_state, mode):
    """With JavaScript off, the cookie alone gives the classes and the text size; the bar's
    buttons still change the setting (here: 特大) and keep the others."""
    driver = browser_state.driver
    classes, body_px = EXPECTED[mode]
    with layout.javascript_off(driver):
        browser_state.prepare(HOME, "zh", mode)
        assert _classes(driver) == classes
        assert driver.execute_script(layout.BODY_PX_JS) == pytest.approx(body_px, abs=0.5)
        assert not driver.find_elements(By.CSS_SELECTOR, ".read-aloud__button")
        perform(driver, ("click", ".preferences-bar button[value=xlarge]"))
        layout_classes = _classes(driver)
    expected_after = (classes - {"size-large"}) | {"size-xlarge"}
    assert layout_classes == expected_after
    assert driver.current_url.split("#")[0].endswith("/")   # back, at the pressed button


@pytest.mark.browser
def test_elder_mode_is_one_column_with_60px_targets(browser_state):
    driver = browser_state.driver
    with layout.viewport(driver, 1280):
        browser_state.prepare(HOME, "zh", "elder")
        columns = driver.execute_script(
            "return getComputedStyle(document.querySelector('.service-list'))"
            ".gridTemplateColumns.split(' ').length")
        button = driver.find_element(By.CSS_SELECTOR, ".preferences-bar button")
        assert columns == 1
        assert button.size["height"] >= 60
        browser_state.prepare(HOME, "zh", "default")
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('.service-list'))"
            ".gridTemplateColumns.split(' ').length") == 2


@pytest.mark.browser
@pytest.mark.parametrize("name", ["home", "preferences", "accessibility-report-error"])
def test_system_asking_for_more_contrast_gets_black_on_white(browser_state, axe_script, name):
    visit = next(v for v in all_visits() if v.name == name)
    driver = browser_state.driver
    with layout.emulated_media(driver, prefers_contrast="more"):
        browser_state.prepare(visit, "zh", "default")
        colours = driver.execute_script(
            "const s = getComputedStyle(document.body); return [s.color, s.backgroundColor];")
        violations = _axe(driver, axe_script, CONTRAST_OPTIONS)
        browser_state.prepare(visit, "zh", "yellow-on-black")   # a chosen scheme wins
        chosen = driver.execute_script("return getComputedStyle(document.body).color")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert not violations, _contrast_summary(violations)
    assert chosen == "rgb(255, 255, 0)"


PROBE_JS = """
const sheet = Array.from(document.styleSheets).find(s => s.href && s.href.includes("portal.css"));
sheet.insertRule("@keyframes a11y-probe { to { opacity: 0.5; } }", sheet.cssRules.length);
sheet.insertRule(".a11y-probe { transition: opacity 2s; animation: a11y-probe 2s infinite; "
  + "scroll-behavior: smooth; }", sheet.cssRules.length);
const probe = document.createElement("p");
probe.className = "a11y-probe";
document.querySelector("main").appendChild(probe);
const s = getComputedStyle(probe);
return [s.animationName, s.transitionDuration, s.scrollBehavior];
"""


@pytest.mark.browser
def test_reduced_motion_stops_animation_and_transitions(browser_state):
    """Anything that moves (a test rule added to the stylesheet) stands still in the reduced-
    motion mode and when the system asks for reduced motion."""
    driver = browser_state.driver
    browser_state.prepare(HOME, "zh", "default")
    assert driver.execute_script(PROBE_JS) == ["a11y-probe", "2s", "smooth"]
    browser_state.prepare(HOME, "zh", "reduced-motion")
    assert driver.execute_script(PROBE_JS) == ["none", "0s", "auto"]
    with layout.emulated_media(driver, prefers_reduced_motion="reduce"):
        browser_state.prepare(HOME, "zh", "default")
        assert driver.execute_script(PROBE_JS) == ["none", "0s", "auto"]


@pytest.mark.browser
def test_forced_colours_keep_the_chosen_setting_and_focus_visible(browser_state):
    driver = browser_state.driver
    with layout.emulated_media(driver, forced_colors="active"):
        browser_state.prepare(HOME, "zh", "large-text")
        pressed, plain = driver.execute_script(
            "const b = document.querySelectorAll('.preferences-bar button[name=size]');"
            "return [getComputedStyle(b[1]).backgroundColor, getComputedStyle(b[0]).backgroundColor];")
        assert pressed != plain
        keys = Keyboard(driver)
        stops = keys.walk()
        problems = [f"{stop}: {stop.problems()}" for stop in stops if stop.problems()]
        assert len(stops) >= 10 and not problems, problems


@pytest.mark.browser
def test_text_only_shows_no_pictures_or_video_and_keeps_the_content(browser_state):
    driver = browser_state.driver
    browser_state.prepare(PREVIEW, "zh", "text-only")
    assert not driver.find_elements(By.TAG_NAME, "video")
    assert "示例" in driver.find_element(By.CSS_SELECTOR, ".sign-language").text
    transcript = driver.find_element(By.CSS_SELECTOR, ".sign-language__transcript").text
    assert "这是一段示例视频" in transcript
    links = {a.text for a in driver.find_elements(By.CSS_SELECTOR, ".sign-language a")}
    assert {"下载手语视频", "下载文字稿（文本文件）"} <= links
    # Every page in text-only mode is checked for pictures and decoration by the axe suite,
    # in the same page load as its axe run (test_axe_and_html.py).


@pytest.mark.browser
def test_large_cursor(browser_state, base_url):
    driver = browser_state.driver
    browser_state.prepare(HOME, "zh", "large-cursor")
    cursors = driver.execute_script(
        "return [getComputedStyle(document.body).cursor,"
        " getComputedStyle(document.querySelector('main a')).cursor]")
    assert "cursor-arrow.svg" in cursors[0] and "cursor-hand.svg" in cursors[1]
    for name in ("cursor-arrow.svg", "cursor-hand.svg", "cursor-text.svg"):
        with urlopen(f"{base_url}/static/img/{name}") as response:
            assert response.headers["Content-Type"].startswith("image/svg+xml")
            assert b'width="48"' in response.read()
    browser_state.prepare(HOME, "zh", "default")
    assert "svg" not in driver.execute_script("return getComputedStyle(document.body).cursor")


@pytest.mark.browser
@pytest.mark.parametrize("mode", list(MODES))
def test_screenshots(browser_state, results_dir, mode):
    """Full-page PNGs of the home page, a service guide (with its sign-language video) and an
    editor's page with a form, a video and a table, in every mode (and both languages in the
    default mode), for people to look at."""
    driver = browser_state.driver
    folder = results_dir / "screenshots"
    pages = [(HOME, "zh"), (GUIDE, "zh"), (PREVIEW, "zh")] + (
        [(HOME, "en"), (GUIDE, "en")] if mode == "default" else [])
    for visit, language in pages:
        browser_state.prepare(visit, language, mode)
        path = folder / f"{mode}-{visit.name}-{language}.png"
        layout.full_page_screenshot(driver, path)
        assert path.stat().st_size > 5000
    (folder / "index.json").write_text(json.dumps(sorted(p.name for p in folder.glob("*.png")),
                                                  ensure_ascii=False, indent=1))


# --- the indicators page's bar charts: every series stands out in every scheme ------------------

INDICATORS = next(visit for visit in all_visits() if visit.name == "indicators")
# Each chart's series as drawn: a solid fill colour, or a pattern (its id, ink and ground
# colours) with the bar's outline colour; the background behind the chart; the legend's keys.
CHART_SERIES_JS = """
const paint = el => { const s = getComputedStyle(el); return {fill: s.fill, stroke: s.stroke,
  strokeWidth: parseFloat(s.strokeWidth) || 0}; };
const background = el => { for (let e = el; e; e = e.parentElement) {
  const c = getComputedStyle(e).backgroundColor;
  if (c && !/^rgba\(.*, 0\)$/.test(c) && c !== "transparent") return c; }
  return "rgb(255, 255, 255)"; };
const seriesOf = rect => Array.from(rect.classList).map(c => c.replace("chart__bar--", ""))
  .find(c => c !== "chart__bar" && !["solid", "hatch", "dots"].includes(c));
const describe = rect => { const p = paint(rect);
  const m = /url\\("?#([^")]+)"?\\)/.exec(p.fill);
  if (!m) return {kind: "solid", colour: p.fill};
  const pattern = document.getElementById(m[1]);
  const ink = pattern.querySelector(".chart__pattern-ink"), ground = pattern.querySelector(".chart__pattern-ground");
  const inkPaint = paint(ink);
  return {kind: "pattern", id: m[1].replace(/^chart-[a-z]+-/, ""),
          ink: ink.tagName === "circle" ? inkPaint.fill : inkPaint.stroke,
          ground: paint(ground).fill, outline: p.stroke, outlineWidth: p.strokeWidth};
};
return Array.from(document.querySelectorAll(".chart")).map(chart => {
  const svg = chart.querySelector(".chart__svg");
  const series = {};
  for (const rect of svg.querySelectorAll("rect.chart__bar"))
    series[seriesOf(rect)] = series[seriesOf(rect)] || describe(rect);
  const legend = {};
  for (const rect of chart.querySelectorAll(".chart__legend rect.chart__bar"))
    legend[seriesOf(rect)] = describe(rect);
  return {id: svg.id || svg.getAttribute("aria-labelledby"), background: background(chart),
          series: series, legend: legend};
});
"""


def _rgb(css: str) -> tuple[int, int, int]:
    import re

    found = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert found, f"not a colour: {css!r}"
    return tuple(int(v) for v in found.groups())


def _contrast(a: str, b: str) -> float:
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b_ = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    light, dark = sorted((luminance(_rgb(a)), luminance(_rgb(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _chart_problems(charts) -> list[str]:
    """WCAG 1.4.11 (3:1 against what is next to it) for each series, and 1.4.1 between them:
    two solid series need 3:1 between their colours, otherwise they differ by pattern."""
    found = []
    for chart in charts:
        where, background = chart["id"], chart["background"]
        for key, drawn in chart["series"].items():
            if drawn["kind"] == "solid":
                if _contrast(drawn["colour"], background) < 3:
                    found.append(f"{where} {key}: {drawn['colour']} on {background} "
                                 f"({_contrast(drawn['colour'], background):.2f}:1)")
            else:
                if _contrast(drawn["ink"], drawn["ground"]) < 3:
                    found.append(f"{where} {key}: pattern {drawn['ink']} on {drawn['ground']}")
                if drawn["outlineWidth"] < 1 or _contrast(drawn["outline"], background) < 3:
                    found.append(f"{where} {key}: outline {drawn['outline']} "
                                 f"({drawn['outlineWidth']} px) on {background}")
            if chart["legend"].get(key) != drawn:
                found.append(f"{where} {key}: the legend's key {chart['legend'].get(key)} "
                             f"differs from the bars {drawn}")
        keys = sorted(chart["series"])
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                one, two = chart["series"][a], chart["series"][b]
                if one["kind"] == two["kind"] == "solid":
                    if _contrast(one["colour"], two["colour"]) < 3:
                        found.append(f"{where}: {a} and {b} differ by colour only "
                                     f"({one['colour']} / {two['colour']})")
                elif one["kind"] == two["kind"] == "pattern" and one["id"] == two["id"]:
                    found.append(f"{where}: {a} and {b} share the pattern {one['id']}")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("mode, media", [
    ("default", {}), ("yellow-on-black", {}), ("black-on-white", {}),
    ("default", {"prefers_contrast": "more"}), ("default", {"forced_colors": "active"}),
], ids=["default", "yellow-on-black", "black-on-white", "system-more-contrast",
        "forced-colours"])
def test_every_chart_series_stands_out_in_every_scheme(browser_state, mode, media):
    driver = browser_state.driver
    with layout.emulated_media(driver, **media):
        browser_state.prepare(INDICATORS, "zh", mode)
        charts = driver.execute_script(CHART_SERIES_JS)
    # Four charts: three with two or more series, and the ratings' (one series: the share
    # satisfied per programme – its legend and baseline are still checked).
    assert len(charts) == 4 and sum(len(chart["series"]) >= 2 for chart in charts) == 3, charts
    problems = _chart_problems(charts)
    assert not problems, "\n".join(problems)
