"""Journeys completed with the keyboard alone – Tab, Shift+Tab, Enter, Space and typing – with
JavaScript on and with it off. Every Tab on the way also checks that focus is visible and not
hidden (a11y_tests/keyboard.py).

Other areas add their journeys here, or in their own test module with the same helpers:

    def my_journey(keys, base_url): ...
    JOURNEYS.append(my_journey)   # or parametrize your own test over ["on", "off"]
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from a11y_tests import layout
from a11y_tests.keyboard import Keyboard
from a11y_tests.registry import Visit
from portal.content.models import AccessibilityReport
from portal.extensions import db

HOME = Visit("public.home", "/", "home")


def _classes(driver) -> set[str]:
    return set(driver.execute_script("return document.documentElement.className").split())


def _h1(driver) -> str:
    return driver.execute_script("return document.querySelector('h1').innerText.trim()")


def change_text_size_and_colours(keys: Keyboard, base_url: str, live_server) -> None:
    """Home → 无障碍设置 → 特大 text and 黄字黑底 → back to the page; then the bar's 恢复默认."""
    driver = keys.driver
    assert _classes(driver) == set()
    keys.tab_to("无障碍设置")
    keys.press(Keys.ENTER)
    assert _h1(driver) == "无障碍设置"
    keys.tab_to("css:main button[name=size][value=xlarge]")
    keys.press(Keys.ENTER)
    assert "size-xlarge" in _classes(driver) and _h1(driver) == "无障碍设置"
    assert "设置已保存" in driver.page_source
    keys.tab_to("css:main button[name=scheme][value=yellow]")
    keys.press(Keys.SPACE)
    assert {"size-xlarge", "scheme-yellow"} <= _classes(driver)
    keys.tab_to("返回刚才的页面")
    keys.press(Keys.ENTER)
    assert driver.current_url == base_url + "/"
    assert {"size-xlarge", "scheme-yellow"} <= _classes(driver)
    # Back on the page: the bar at the top undoes it all.
    keys.tab_to("恢复默认")
    keys.press(Keys.ENTER)
    # Back on the same page, with the focus on the bar (its first size), not the page's top.
    assert driver.current_url.split("#")[0] == base_url + "/" and _classes(driver) == set()
    assert driver.switch_to.active_element.get_attribute("id") == "bar-size-standard"


def report_a_problem(keys: Keyboard, base_url: str, live_server) -> None:
    """Home → 无障碍声明 (footer) → submit empty (error) → type the problem → 提交 → thanks."""
    driver = keys.driver
    keys.tab_to("无障碍声明")
    keys.press(Keys.ENTER)
    keys.tab_to("提交")
    keys.press(Keys.ENTER)
    assert driver.title.startswith("错误：")
    # The error summary links to the field: Tab down to the button, Shift+Tab back up to it.
    keys.tab_to("提交")
    keys.tab_to("请写下您遇到的问题", backwards=True)
    keys.press(Keys.ENTER)
    assert driver.execute_script("return document.activeElement.id") == "description"
    text = "键盘测试：提交按钮看不清"
    keys.type(text)
    keys.tab_to("提交")
    keys.press(Keys.SPACE)
    assert _h1(driver) == "谢谢您告诉我们"
    with live_server.app.app_context():
        assert db.session.scalar(select(AccessibilityReport).where(
            AccessibilityReport.description == text)) is not None


JOURNEYS = [change_text_size_and_colours, report_a_problem]
CASES = [(journey, javascript) for journey in JOURNEYS for javascript in ("on", "off")]


@pytest.mark.browser
@pytest.mark.parametrize("journey, javascript", CASES,
                         ids=[f"{j.__name__}-js-{js}" for j, js in CASES])
def test_journey_by_keyboard_alone(browser_state, base_url, live_server, results_dir,
                                   journey, javascript):
    driver = browser_state.driver
    keys = Keyboard(driver)
    browser_state.prepare(HOME, "zh", "default")
    if javascript == "off":
        with layout.javascript_off(driver):
            driver.get(base_url + HOME.path)
            assert not driver.find_elements("css selector", ".read-aloud__button")
            journey(keys, base_url, live_server)
    else:
        journey(keys, base_url, live_server)
    # Its key presses, for the report (a11y_tests/report.py).
    keys.count.write(results_dir, f"{journey.__name__}-js-{javascript}",
                     f"{journey.__doc__.strip().splitlines()[0]} (JavaScript {javascript})")
