"""The self-check, from the home page to the results, with the keyboard alone.

Only Tab, Shift+Tab, Enter, Space and typing – never a mouse click or a script. Tab into a
group of radio buttons lands on its first option, so the journey's answers are first options
(or boxes to tick); choosing a later option takes the arrow keys, as browsers make radio groups
work, and is shown once, when an answer is changed from the results page.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from portal.checker import flow

# The answers given: a blind resident of 58 in a village, grade 1, in a dibao household, who
# needs care and rehabilitation, works, is starting a small business, and is not studying
# (working says nothing about studying any more – issue 15 – so both are asked).
ANSWERS = {
    "hukou": "huyi", "age": "58", "certificate": "y", "category": "visual", "grade": "1",
    "household": "dibao", "needs": "care~rehab", "receives": "none", "employment": "employed",
    "business": "y", "education": "none", "graduating": "n", "rural": "y", "farming": "y",
    "sex": "male",
}
MAX_TABS = 200  # the results page lists every programme with its links


class Keyboard:
    def __init__(self, driver):
        self.driver = driver

    def press(self, *keys) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    def focused(self):
        return self.driver.switch_to.active_element

    def tab_until(self, matches, backwards: bool = False, what: str = "") -> None:
        """Press Tab (Shift+Tab) until the focused element matches; fail after MAX_TABS."""
        for _ in range(MAX_TABS):
            if backwards:
                ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
            else:
                self.press(Keys.TAB)
            if matches(self.focused()):
                return
        pytest.fail(f"{what or 'the element'} cannot be reached with the Tab key")

    def enter_and_wait(self) -> None:
        before = self.driver.find_element("tag name", "html")
        self.press(Keys.ENTER)
        WebDriverWait(self.driver, 10).until(lambda d: _stale(before))


def _stale(element) -> bool:
    try:
        element.tag_name
        return False
    except Exception:  # noqa: BLE001 – StaleElementReferenceException: the page was replaced
        return True


def _is(tag: str, **attributes):
    def matches(element) -> bool:
        if element.tag_name.lower() != tag:
            return False
        return all((element.get_attribute(name) or "") == value or
                   (name == "href" and (element.get_attribute(name) or "").endswith(value))
                   for name, value in attributes.items())
    return matches


def _continue_button(element) -> bool:
    """The form's submit button in the main content (the display-settings bar above it is
    made of submit buttons too)."""
    return element.tag_name.lower() == "button" and element.get_attribute("type") == "submit" \
        and element.parent.execute_script("return !!arguments[0].closest('main')", element)


def answer_question(keyboard: Keyboard, question: flow.Question, token: str) -> None:
    if question.kind == flow.NUMBER:
        keyboard.tab_until(_is("input", name="answer"), what="the answer box")
        keyboard.press(token)
        # Past the button and back: what was typed is still there.
        keyboard.tab_until(_continue_button, what="the Continue button")
        keyboard.tab_until(_is("input", name="answer"), backwards=True, what="the answer box")
        assert keyboard.focused().get_attribute("value") == token
    elif question.kind == flow.CHECKBOXES:
        for box in token.split(flow.CODE_SEPARATOR):
            keyboard.tab_until(_is("input", name="answer", value=box), what=f"the box {box}")
            keyboard.press(Keys.SPACE)
            assert keyboard.focused().is_selected(), f"{question.id}: Space did not tick {box}"
    else:
        tokens = [option.token for option in question.options]
        keyboard.tab_until(_is("input", name="answer"), what=f"{question.id}'s options")
        for _ in range(tokens.index(token)):  # a later option: the arrow keys, as in any browser
            keyboard.press(Keys.ARROW_DOWN)
        focused = keyboard.focused()
        assert focused.get_attribute("value") == token, (question.id, focused.get_attribute("value"))
        keyboard.press(Keys.SPACE)
        assert focused.is_selected(), f"{question.id}: Space did not choose {token}"
    keyboard.tab_until(_continue_button, what="the Continue button")
    keyboard.enter_and_wait()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_self_check_can_be_done_from_the_home_page_with_the_keyboard_alone(
        browser, base_url, language):
    driver = browser
    driver.get(base_url + "/help")
    driver.delete_all_cookies()
    driver.add_cookie({"name": "lang", "value": language, "path": "/"})
    driver.get(base_url + "/")
    keyboard = Keyboard(driver)

    # The skip link comes first and takes the focus into the main content.
    keyboard.press(Keys.TAB)
    assert keyboard.focused().get_attribute("class") == "skip-link"
    keyboard.tab_until(_is("a", href="/check"), what="the link to the self-check")
    keyboard.enter_and_wait()
    assert urlsplit(driver.current_url).path == "/check"

    keyboard.tab_until(_continue_button, what="the start button")
    keyboard.enter_and_wait()

    asked = []
    while (where := urlsplit(driver.current_url).path) != "/check/results":
        question = flow.BY_ID[where.rsplit("/", 1)[1]]
        assert question.id not in asked, f"{question.id} asked twice – an answer was not taken"
        asked.append(question.id)
        answer_question(keyboard, question, ANSWERS[question.id])
        assert len(asked) <= len(ANSWERS)

    page = driver.page_source
    living = "困难残疾人生活补贴" if language == "zh" else "Living allowance for people with disabilities in hardship"
    assert living in page
    assert asked == [q for q in ANSWERS if q in asked]  # in the order of the flow

    # Changing an answer from the results page works by keyboard too, and comes back.
    keyboard.tab_until(_is("a", href="/check/household?change=results"), what="a change link")
    keyboard.enter_and_wait()
    answer_question(keyboard, flow.BY_ID["household"], "low_income")
    assert urlsplit(driver.current_url).path == "/check/results"
    assert "household.low_income" in driver.current_url
