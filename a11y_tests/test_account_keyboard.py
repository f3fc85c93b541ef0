"""Keyboard only: register → sign out → sign in → reset the password, and the time-out warning.

Only Tab, Shift+Tab, Space, Enter and typing. axe runs on the pages the visits cannot reach
(they need the code from the SMS outbox, which the test unseals as the SMS sender would).
"""
from __future__ import annotations

import re
import time

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from a11y_tests.test_axe_and_html import AXE_OPTIONS, _summary

PHONE = "13700005555"
NAME = "键盘测试"
PASSWORD = "jianpan-ceshi-mima"
NEW_PASSWORD = "xin-de-jianpan-mima"


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def focused(driver):
    return driver.switch_to.active_element


def tab_to(driver, matches, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`."""
    for _ in range(limit):
        if backwards:
            ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT) \
                .perform()
        else:
            press(driver, Keys.TAB)
        element = focused(driver)
        if matches(element):
            return element
    raise AssertionError("could not reach the element with the keyboard")


def by_id(element_id):
    return lambda element: element.get_attribute("id") == element_id


def button(text):
    return lambda element: element.tag_name == "button" and element.text.strip() == text


def h1(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def wait_for_h1(driver, text, seconds=20):
    # The page may be replaced between finding the <h1> and reading it: ignore that and retry.
    WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,
                                                       NoSuchElementException)).until(
        lambda d: h1(d) == text)


def check_axe(driver, axe_script, name):
    driver.execute_script(axe_script)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));",
        AXE_OPTIONS)
    assert "error" not in results, results.get("error")
    assert results["violations"] == [], f"{name}:\n{_summary(results['violations'])}"


def last_code(app, phone) -> str:
    """As the SMS sender would read it: the outbox keeps the code sealed until it is sent."""
    from portal.extensions import db
    from portal.messages import sms
    from portal.messages.models import OutboxMessage

    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)
                                     .where(OutboxMessage.recipient == phone)
                                     .order_by(OutboxMessage.id.desc())).first()
        text = sms.readable_text(message)
    return re.search(r"\d{6}", text).group(0)


@pytest.fixture()
def fresh(browser, base_url):
    browser.get(base_url + "/_test/sign-out")
    browser.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    yield browser
    browser.get(base_url + "/_test/sign-out")


@pytest.mark.browser
def test_register_then_sign_in_by_keyboard(fresh, base_url, live_server, axe_script):
    driver = fresh
    driver.get(base_url + "/account/register")
    tab_to(driver, by_id("phone")).send_keys("137 0000 5555")
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "注册账户：输入短信验证码")

    tab_to(driver, by_id("code")).send_keys(last_code(live_server.app, PHONE))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "填写姓名并设置密码")
    check_axe(driver, axe_script, "register details")

    tab_to(driver, by_id("display_name")).send_keys(NAME)
    tab_to(driver, by_id("password")).send_keys("123456")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.title.startswith("错误："))
    summary = driver.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "密码至少需要8个字符" in summary.text
    check_axe(driver, axe_script, "register details with errors")
    assert driver.find_element(By.ID, "display_name").get_attribute("value") == NAME

    tab_to(driver, by_id("password")).send_keys(PASSWORD)
    tab_to(driver, button("创建账户"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "我的账户")
    assert "139" not in driver.find_element(By.TAG_NAME, "main").text.replace("137****5555", "")

    # Sign out with the keyboard (the button on the account page).
    tab_to(driver, lambda e: e.tag_name == "button" and e.text.strip() == "退出登录"
           and e.find_elements(By.XPATH, "ancestor::main"))
    press(driver, Keys.SPACE)
    wait_for_h1(driver, "您已退出登录")

    # Sign in again, trying the show-password toggle on the way.
    driver.get(base_url + "/account/sign-in")
    tab_to(driver, by_id("phone")).send_keys(PHONE)
    password = tab_to(driver, by_id("password"))
    password.send_keys(PASSWORD)
    toggle = tab_to(driver, button("显示密码"))
    assert toggle.get_attribute("aria-pressed") == "false"
    press(driver, Keys.SPACE)
    assert password.get_attribute("type") == "text" and toggle.get_attribute("aria-pressed") == "true"
    press(driver, Keys.SPACE)
    assert password.get_attribute("type") == "password"
    tab_to(driver, button("登录"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "我的账户")


@pytest.mark.browser
def test_reset_password_by_keyboard(fresh, base_url, live_server, axe_script):
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.extensions import db

    with live_server.app.app_context():
        if db.session.scalar(select(Account).where(Account.phone == "13700006666")) is None:
            db.session.add(Account(phone="13700006666", display_name="重设测试",
                                   password_hash=hash_password("jiu-de-mima-123")))
            db.session.commit()
    driver = fresh
    driver.get(base_url + "/account/reset")
    tab_to(driver, by_id("phone")).send_keys("13700006666")
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "找回密码：输入短信验证码")
    tab_to(driver, by_id("code")).send_keys(last_code(live_server.app, "13700006666"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "设置新密码")
    check_axe(driver, axe_script, "reset password")
    tab_to(driver, by_id("password")).send_keys("password")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.title.startswith("错误："))
    check_axe(driver, axe_script, "reset password with errors")
    tab_to(driver, by_id("password")).send_keys(NEW_PASSWORD)
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "我的账户")
    assert "密码已重设" in driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.browser
def test_time_out_warning_can_be_answered_by_keyboard(fresh, base_url, live_server, axe_script):
    config = live_server.app.config
    saved = config["SESSION_IDLE_MINUTES"], config["SESSION_WARNING_SECONDS"]
    config["SESSION_IDLE_MINUTES"], config["SESSION_WARNING_SECONDS"] = 0.5, 25
    try:
        driver = fresh
        driver.get(base_url + "/_test/sign-in/13900000001?next=/account/")
        wait_for_h1(driver, "我的账户")
        dialog = driver.find_element(By.ID, "session-timeout")
        WebDriverWait(driver, 15).until(lambda d: dialog.get_attribute("open") is not None)
        assert dialog.get_attribute("role") == "alertdialog"
        assert focused(driver).text.strip() == "继续使用"
        check_axe(driver, axe_script, "time-out warning")
        press(driver, Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is None)
        time.sleep(1)
        assert h1(driver) == "我的账户"                      # still here, still signed in
        # Left alone, the page moves to the polite time-out page.
        wait_for_h1(driver, "您已自动退出", seconds=45)
        assert "/account/timed-out" in driver.current_url
        check_axe(driver, axe_script, "timed out")
    finally:
        config["SESSION_IDLE_MINUTES"], config["SESSION_WARNING_SECONDS"] = saved
