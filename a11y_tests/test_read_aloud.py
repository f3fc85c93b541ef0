"""朗读 (read aloud): an optional layer (static/js/read-aloud.js) over the browser's own speech
synthesis. A stand-in for window.speechSynthesis is put into each page before it loads, so the
tests hear what would be said without sound (and without depending on installed voices)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from a11y_tests import layout
from a11y_tests.keyboard import Keyboard
from a11y_tests.registry import Visit

HOME = Visit("public.home", "/", "home")
STATEMENT = Visit("public.accessibility_statement", "/accessibility", "accessibility-statement")

FAKE_SPEECH = """
window.__spoken = []; window.__calls = [];
window.__voices = [{name: "English voice", lang: "en-US"}, {name: "粤语", lang: "zh-HK"},
                   {name: "普通话", lang: "zh-CN"}];
class FakeUtterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } }
const fake = {
  speaking: false, paused: false, pending: false, current: null,
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name});
             this.current = u; this.speaking = true; },
  cancel() { window.__calls.push("cancel"); this.current = null; this.speaking = false; },
  pause() { window.__calls.push("pause"); this.paused = true; },
  resume() { window.__calls.push("resume"); this.paused = false; },
  getVoices() { return window.__voices; },
  listeners: [],
  addEventListener(type, listener) { if (type === "voiceschanged") this.listeners.push(listener); },
  voicesChanged(voices) { window.__voices = voices; this.listeners.forEach(l => l({})); },
  finish() { const u = this.current; this.current = null; if (u && u.onend) u.onend({}); },
};
Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
window.SpeechSynthesisUtterance = FakeUtterance;
"""
# As headless Chromium often is: speech synthesis is there, but it has no voice (yet).
NO_VOICES = FAKE_SPEECH + """
window.__voices = [];
"""
# A voice is listed, but speaking fails (as when the speech service is missing).
FAILING = FAKE_SPEECH + """
speechSynthesis.speak = function (u) {
  window.__spoken.push({text: u.text});
  setTimeout(() => u.onerror && u.onerror({error: "synthesis-failed"}), 0);
};
"""
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", {value: undefined, configurable: true});
"""


@contextmanager
def before_each_page(driver, source: str):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                               {"identifier": added["identifier"]})


def _spoken(driver) -> list[dict]:
    return driver.execute_script("return window.__spoken")


def _visible_buttons(driver) -> list[str]:
    return [b.text for b in driver.find_elements(By.CSS_SELECTOR,
                                                 ".read-aloud__controls .read-aloud__button")
            if b.is_displayed()]


def _section_buttons(driver) -> list[str]:
    return [b.accessible_name for b in driver.find_elements(
        By.CSS_SELECTOR, "main .read-aloud__section")]


def _finish_all(driver, limit: int = 200) -> None:
    for _ in range(limit):
        if not driver.execute_script("return !!speechSynthesis.current"):
            return
        driver.execute_script("speechSynthesis.finish()")
    raise AssertionError("reading never ended")


@pytest.mark.browser
def test_reads_the_main_content_in_chinese_when_asked_by_keyboard(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(HOME, "zh", "default")
        assert _spoken(driver) == []                           # off until asked
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        keys = Keyboard(driver)
        keys.tab_to("朗读本页")
        keys.press(Keys.ENTER)
        first = _spoken(driver)[0]
        assert first == {"text": "鄠邑区残疾人服务网上办事平台", "lang": "zh-CN", "voice": "普通话"}
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字", "暂停", "停止朗读"]
        assert driver.find_element(By.CSS_SELECTOR, ".read-aloud-current").tag_name == "h1"
        _finish_all(driver)
        texts = [item["text"] for item in _spoken(driver)]
        main = driver.find_element(By.TAG_NAME, "main").text.replace("朗读这一部分\n", "")
        assert all(text in main.replace("\n", " ") or text in main for text in texts)
        assert any("如果您不方便上网" in text for text in texts)
        assert not any("文字大小" in text or "西安市鄠邑区残疾人联合会" in text for text in texts)
        assert all(len(text) <= 180 for text in texts)
        assert driver.find_element(By.CSS_SELECTOR, ".read-aloud__status").text == "朗读完了。"
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        assert not driver.find_elements(By.CSS_SELECTOR, ".read-aloud-current")


@pytest.mark.browser
def test_pause_resume_and_stop_by_keyboard(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(STATEMENT, "zh", "default")
        keys = Keyboard(driver)
        keys.tab_to("朗读本页")
        keys.press(Keys.SPACE)
        keys.tab_to("暂停")
        keys.press(Keys.ENTER)
        assert driver.execute_script("return window.__calls").count("pause") == 1
        assert driver.switch_to.active_element.text == "继续"
        assert driver.switch_to.active_element.get_attribute("aria-pressed") == "true"
        keys.press(Keys.ENTER)
        assert "resume" in driver.execute_script("return window.__calls")
        keys.tab_to("停止朗读")
        keys.press(Keys.ENTER)
        assert driver.execute_script("return window.__calls")[-1] == "cancel"
        assert driver.switch_to.active_element.text == "朗读本页"    # focus not lost
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        count = len(_spoken(driver))
        driver.execute_script("speechSynthesis.finish()")           # nothing more is queued
        assert len(_spoken(driver)) == count
        # Escape stops too.
        keys.press(Keys.ENTER)
        keys.press(Keys.ESCAPE)
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        assert driver.find_element(By.CSS_SELECTOR, ".read-aloud__status").text == "已停止朗读。"


@pytest.mark.browser
def test_reads_the_selection(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(HOME, "zh", "default")
        keys = Keyboard(driver)
        keys.tab_to("朗读选中的文字")
        keys.press(Keys.ENTER)
        assert _spoken(driver) == []
        assert "请先选中" in driver.find_element(By.CSS_SELECTOR, ".read-aloud__status").text
        selected = driver.execute_script(
            "const p = document.querySelector('main .lead'); const r = document.createRange();"
            "r.selectNodeContents(p); const s = getSelection(); s.removeAllRanges(); s.addRange(r);"
            "return p.innerText.trim();")
        keys.press(Keys.ENTER)          # the button still has focus
        assert [item["text"] for item in _spoken(driver)] == [selected]


@pytest.mark.browser
def test_english_pages_use_an_english_voice(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(HOME, "en", "default")
        keys = Keyboard(driver)
        keys.tab_to("Read this page")
        keys.press(Keys.ENTER)
        assert _spoken(driver)[0]["lang"] == "en"
        assert _spoken(driver)[0]["voice"] == "English voice"


@pytest.mark.browser
def test_no_controls_without_speech_synthesis_or_without_javascript(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, NO_SPEECH):
        driver.get_log("browser")                               # forget earlier pages' logs
        browser_state.prepare(HOME, "zh", "default")
        assert driver.execute_script("return typeof window.speechSynthesis") == "undefined"
        assert _visible_buttons(driver) == []
        assert not driver.find_element(By.CSS_SELECTOR, "[data-read-aloud]").is_displayed()
        errors = [entry for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and entry["source"] == "javascript"]
        assert not errors, errors
    with layout.javascript_off(driver):
        browser_state.prepare(HOME, "zh", "default")
        assert _visible_buttons(driver) == []
        assert not driver.find_elements(By.CSS_SELECTOR, ".read-aloud__button")


GUIDE = Visit("guides.programme", "/programmes/living_allowance", "guide-living-allowance")


@pytest.mark.browser
def test_without_voices_nothing_is_offered_and_the_buttons_come_with_the_voices(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, NO_VOICES):
        browser_state.prepare(GUIDE, "zh", "default")
        assert driver.execute_script("return typeof speechSynthesis.speak") == "function"
        assert _visible_buttons(driver) == []
        assert not driver.find_element(By.CSS_SELECTOR, "[data-read-aloud]").is_displayed()
        assert _section_buttons(driver) == []
        driver.execute_script("speechSynthesis.voicesChanged([{name: 'English', lang: 'en-GB'}])")
        assert _visible_buttons(driver) == []                          # no Chinese voice
        driver.execute_script("speechSynthesis.voicesChanged([{name: '普通话', lang: 'zh_CN'}])")
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        assert _section_buttons(driver)[0] == "朗读这一部分：手语视频"
        driver.execute_script("speechSynthesis.voicesChanged([])")     # and go with them
        assert _visible_buttons(driver) == [] and _section_buttons(driver) == []


@pytest.mark.browser
def test_a_failure_to_speak_is_said_not_hidden(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAILING):
        browser_state.prepare(HOME, "zh", "default")
        keys = Keyboard(driver)
        keys.tab_to("朗读本页")
        keys.press(Keys.ENTER)
        status = driver.find_element(By.CSS_SELECTOR, ".read-aloud__status")
        assert "没有读出来" in status.text
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        assert driver.switch_to.active_element.text == "朗读本页"


def _focused(driver) -> str:
    if driver.execute_script("return document.activeElement === document.body"):
        return "BODY"
    return driver.switch_to.active_element.accessible_name


@pytest.mark.browser
def test_focus_stays_on_a_live_control_after_escape_and_at_the_end(browser_state):
    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(STATEMENT, "zh", "default")
        keys = Keyboard(driver)
        keys.tab_to("朗读本页")
        keys.press(Keys.ENTER)
        keys.tab_to("暂停")
        keys.press(Keys.ESCAPE)                       # 暂停 disappears under the focus
        assert _visible_buttons(driver) == ["朗读本页", "朗读选中的文字"]
        assert _focused(driver) == "朗读本页"
        keys.press(Keys.ENTER)
        keys.tab_to("停止朗读")
        _finish_all(driver)                           # reading ends on its own
        assert driver.find_element(By.CSS_SELECTOR, ".read-aloud__status").text == "朗读完了。"
        assert _focused(driver) == "朗读本页"


@pytest.mark.browser
def test_each_section_can_be_read_from_its_heading_by_keyboard(browser_state, axe_script):
    from a11y_tests.test_axe_and_html import AXE_OPTIONS

    driver = browser_state.driver
    with before_each_page(driver, FAKE_SPEECH):
        browser_state.prepare(GUIDE, "zh", "default")
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2")]
        assert _section_buttons(driver) == [f"朗读这一部分：{h}" for h in headings]
        # The buttons the suite's other page loads may not show (no voices in headless
        # Chromium): axe and the target size here, where they are shown.
        driver.execute_script(axe_script)
        results = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));",
            AXE_OPTIONS)
        assert results.get("violations") == [], results
        _checked, small = layout.small_targets(driver, 44)
        assert not small, small
        keys = Keyboard(driver)
        keys.tab_to("朗读这一部分：需要准备的材料")
        keys.press(Keys.ENTER)
        _finish_all(driver)
        texts = [item["text"] for item in _spoken(driver)]
        assert texts[0] == "需要准备的材料"
        section = driver.execute_script(
            "const h = document.getElementById('documents'); let out = '';"
            "for (let e = h.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling)"
            " out += e.innerText; return out.replace(/\\s+/g, '');")
        assert all(text.replace(" ", "") in section for text in texts[1:])
        assert len(texts) > 1 and not any("办理流程和时限" in text for text in texts)
        assert not any("朗读这一部分" in text for text in texts)
        assert _focused(driver) == "朗读这一部分：需要准备的材料"    # still there
