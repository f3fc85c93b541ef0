"""Driving the browser to a page in a given language, display mode and sign-in state."""
from __future__ import annotations

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from a11y_tests.modes import MODES
from a11y_tests.registry import Visit


class BrowserState:
    """Remembers who is signed in so the browser signs in and out only when needed."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url
        self.account: str | None = None
        self.started = False

    def prepare(self, visit: Visit, language: str, mode: str) -> None:
        driver = self.driver
        if not self.started or not driver.current_url.startswith(self.base_url):
            # Cookies need a page on the site first (a test before may have left the browser
            # on another page: about:blank, a data: URL, a download).
            driver.get(self.base_url + "/help")
            self.started = True
        if visit.account != self.account:
            driver.get(self.base_url + "/_test/sign-out")
            if visit.account:
                driver.get(f"{self.base_url}/_test/sign-in/{visit.account}")
            self.account = visit.account
        driver.add_cookie({"name": "lang", "value": language, "path": "/"})
        for name in _all_mode_cookie_names():
            driver.delete_cookie(name)
        for name, value in MODES[mode].items():
            driver.add_cookie({"name": name, "value": value, "path": "/"})
        driver.get(self.base_url + visit.path)
        for action in visit.actions:
            perform(driver, action)


def _all_mode_cookie_names() -> set[str]:
    return {name for cookies in MODES.values() for name in cookies}


def perform(driver, action: tuple) -> None:
    kind, selector, *rest = action
    element = driver.find_element(By.CSS_SELECTOR, selector)
    if kind == "fill":
        element.clear()
        element.send_keys(rest[0])
    elif kind == "click":
        navigates = _navigates(element)
        driver.execute_script("window.__beforeSubmit = true;")
        element.click()
        if navigates:  # wait for the next page, so that later steps and checks see it
            WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
                lambda d: d.execute_script(
                    "return window.__beforeSubmit === undefined"
                    " && document.readyState === 'complete';"))
    elif kind == "select":  # choose an option of a <select> by its value
        Select(element).select_by_value(rest[0])
    elif kind == "check":  # make sure it is ticked: clicking a ticked checkbox would untick it
        if not element.is_selected():
            element.click()
    else:
        raise ValueError(f"unknown action {kind!r}")


def _navigates(element) -> bool:
    """A link to another page or a form's submit button: clicking it loads a new page."""
    tag = element.tag_name.lower()
    if tag == "a":
        href = element.get_dom_attribute("href") or ""
        return bool(href) and not href.startswith("#")
    if tag in ("button", "input"):
        return (element.get_attribute("type") or "").lower() == "submit" \
            and element.get_property("form") is not None
    return False


def wait_for_new_page(driver, timeout: float = 10) -> None:
    """After a click or key press that submits or follows a link: wait until the next page
    has loaded (Selenium does not always wait for a navigation it did not start itself)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(
        "return !window.__a11yOldPage && document.readyState === 'complete'"))


def snapshot(driver) -> str:
    """The page as the browser built it (after any actions), for the HTML checker."""
    return "<!DOCTYPE html>\n" + driver.execute_script(
        "return document.documentElement.outerHTML")
