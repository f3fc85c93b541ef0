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
