"""What a person typed is never lost, and a phone shows the page first (issues #14 and #16).

- Without JavaScript, a signed-in form page says when the session ends; a page sent after it
  ended comes back into the form once the same person has signed in again (WCAG 2.2.1).
- Changing a display setting in the bar mid-form keeps what was typed, and the keyboard focus
  returns to the button that was pressed (not the top of the page).
- At 390 CSS px (a common phone) the settings bar is one line that opens, and the page's
  content starts on the first screen.

The real server of the suite (live_server), the one browser; JavaScript is switched off for
the time-out check with Chromium's own switch (CDP), not by leaving the script out.
"""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from a11y_tests import layout
from a11y_tests.browser_session import perform
from a11y_tests.visits.apply import NEW_DRAFT, RESIDENT, section
from portal.account import session as sessions
from portal.cli.demo_content import DEMO_PASSWORD
from portal.preferences.cookie import NAME as DISPLAY_COOKIE

pytestmark = pytest.mark.browser


def _new_draft_page(browser_state, page: str) -> str:
    """A fresh draft for someone else, signed in as the demo resident: its `page` page."""
    driver, base = browser_state.driver, browser_state.base_url
    driver.get(base + "/_test/sign-out")
    driver.get(f"{base}/_test/sign-in/{RESIDENT}")
    browser_state.account = RESIDENT
    driver.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    driver.delete_cookie(DISPLAY_COOKIE)
    driver.get(base + "/apply/nursing_allowance/")
    for action in NEW_DRAFT + (section(page),):
        perform(driver, action)
    return driver.current_url


def _age_session(driver, app) -> None:
    """The session as it is after more than the idle time without a request (the cookie the
    server signed, re-signed with an older last-seen time)."""
    cookie = driver.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie["value"])
    data[sessions.SEEN] = float(data[sessions.SEEN]) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    driver.delete_cookie(cookie["name"])
    driver.add_cookie({"name": cookie["name"], "value": serializer.dumps(data), "path": "/",
                       "httpOnly": True})


def test_without_javascript_the_time_out_is_announced_and_sent_answers_come_back(
        browser_state, live_server):
    driver = browser_state.driver
    address = "鄠邑区甘亭街道东街社区18号楼"
    _new_draft_page(browser_state, "personal")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.refresh()
        ends = driver.find_element(By.CSS_SELECTOR, "main form .session-ends")
        assert ends.is_displayed()
        assert re.fullmatch(r"本页将在\d\d:\d\d后因长时间未操作退出，请在此之前保存。", ends.text)
        driver.find_element(By.ID, "full_name").send_keys("王秀英")
        driver.find_element(By.ID, "address").send_keys(address)
        _age_session(driver, live_server.app)
        perform(driver, ("click", "main form button[type=submit]"))
        text = driver.find_element(By.TAG_NAME, "main").text
        assert "您填写的内容已保存" not in text
        assert "您刚才发送的这一页的内容还没有保存，我们已为您保留24小时" in text
        perform(driver, ("click", "main a.button"))
        driver.find_element(By.ID, "phone").send_keys(RESIDENT)
        driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
        perform(driver, ("click", "main form button[type=submit]"))
        assert driver.current_url.endswith("/personal")
        assert driver.find_element(By.ID, "address").get_attribute("value") == address
        assert driver.find_element(By.ID, "full_name").get_attribute("value") == "王秀英"
        assert "已经放回表格中，但还没有保存" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser_state.account = RESIDENT


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_changing_a_setting_mid_form_keeps_the_typing_and_the_place(browser_state, javascript):
    driver = browser_state.driver
    _new_draft_page(browser_state, "personal")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not javascript})
    try:
        driver.refresh()
        driver.find_element(By.ID, "address").send_keys("鄠邑区甘亭街道东街社区7号")
        perform(driver, ("click", "#bar-size-large"))
        assert "size-large" in driver.find_element(By.TAG_NAME, "html").get_attribute("class")
        assert driver.find_element(By.ID, "address").get_attribute("value") == \
            "鄠邑区甘亭街道东街社区7号"
        # Focus goes back to the pressed button (now pressed), not the top of the page.
        focused = driver.switch_to.active_element
        assert focused.get_attribute("id") == "bar-size-large"
        assert focused.get_attribute("aria-pressed") == "true"
        perform(driver, ("click", "#bar-reset"))
        assert driver.find_element(By.ID, "address").get_attribute("value") == \
            "鄠邑区甘亭街道东街社区7号"
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_enter_in_a_field_still_sends_the_page_not_a_setting(browser_state, live_server):
    """The bar's buttons are tied to the page's form; Enter must still press the page's own
    kind of button (the form's default button), never the bar's first one."""
    from selenium.webdriver.common.keys import Keys

    driver = browser_state.driver
    _new_draft_page(browser_state, "personal")
    # (In passing: after 继续使用 in the time-out dialog the stated end moves with the session.)
    driver.execute_script("document.querySelector('[data-session-ends]').textContent = '--:--';"
                          "document.querySelector('#session-timeout form').requestSubmit();")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(
        By.CSS_SELECTOR, "[data-session-ends]").text != "--:--")
    stated = driver.find_element(By.CSS_SELECTOR, "[data-session-ends]").text
    from datetime import datetime, timedelta, timezone
    beijing = timezone(timedelta(hours=8))
    idle = live_server.app.config["SESSION_IDLE_MINUTES"]
    expected = {(datetime.now(beijing) + timedelta(minutes=idle, seconds=s)).strftime("%H:%M")
                for s in (-60, 0, 60)}
    assert stated in expected, (stated, expected)
    driver.execute_script("window.__beforeSubmit = true;")
    driver.find_element(By.ID, "full_name").send_keys("王秀英", Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return window.__beforeSubmit === undefined && document.readyState === 'complete'"))
    assert "#bar-" not in driver.current_url
    assert "size-" not in (driver.find_element(By.TAG_NAME, "html").get_attribute("class") or "")
    assert driver.title.startswith("错误：")    # the page was sent: its other fields are missing
    assert driver.find_element(By.ID, "full_name").get_attribute("value") == "王秀英"


@pytest.mark.parametrize("mode", ["default", "elder"])
def test_on_a_390_px_phone_the_content_starts_on_the_first_screen(browser_state, mode):
    driver, base = browser_state.driver, browser_state.base_url
    driver.get(base + "/help")
    driver.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    driver.delete_cookie(DISPLAY_COOKIE)
    with layout.viewport(driver, 390, 844):
        if mode == "elder":
            driver.get(base + "/help")
            driver.find_element(By.CSS_SELECTOR, "summary.preferences-bar__summary").click()
            perform(driver, ("click", "#bar-elder-n"))
        for path in ("/", "/apply/", "/status/lookup"):
            driver.get(base + path)
            top = driver.execute_script(
                "return document.querySelector('main h1').getBoundingClientRect().top")
            assert top < 844 - 100, f"{path} [{mode}]: the page's heading starts at {top} px"
            # The settings are one tap away: the disclosure opens to every button.
            summary = driver.find_element(By.CSS_SELECTOR, "summary.preferences-bar__summary")
            assert summary.is_displayed()
            assert not driver.find_element(By.ID, "bar-size-large-n").is_displayed()
            assert not driver.find_element(By.ID, "bar-size-large").is_displayed()  # wide row
            summary.click()
            for button in ("bar-size-large", "bar-elder", "bar-scheme", "bar-textonly"):
                assert driver.find_element(By.ID, button + "-n").is_displayed()
    # On a wide screen the bar is open, without the disclosure's summary.
    driver.get(base + "/")
    assert not driver.find_element(By.CSS_SELECTOR, "summary.preferences-bar__summary")\
        .is_displayed()
    assert driver.find_element(By.ID, "bar-size-large").is_displayed()
    if mode == "elder":
        perform(driver, ("click", "#bar-reset"))
