"""The application journey end to end, by keyboard only (Tab, Shift+Tab, arrows, Space, Enter
and typing), in headless Chromium against the live portal:

a resident applies for the nursing allowance for her mother as a family member, uploads two
documents, leaves; the next day (a fresh cookie jar) she signs in again, finds the draft where
she left it, sends it, and prints the receipt.
"""
from __future__ import annotations

import base64
import copy
import tempfile
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from a11y_tests.keyboard import KeyCount
from portal.people import identity

PHONE = "13700000077"
JOURNEY = "apply-home-to-submitted"     # its key presses: a11y_results/keyboard/<JOURNEY>.json
JOURNEY_DESCRIPTION = ("从首页申请重度残疾人护理补贴直到“申请已提交”：填写、上传两份材料后离开，"
                       "第二天登录后接着填写并提交（登录本身不计）")
MOTHER = "王桂英"


def _mother_id() -> str:
    from portal.cli.demo_content import make_id_number

    return make_id_number("610118", date(1948, 6, 15), 26)


class Keyboard:
    """Moves through a page the way a keyboard user does."""

    def __init__(self, driver):
        self.driver = driver
        self.count = KeyCount()   # every key pressed, for the report (a11y_tests/report.py)

    @property
    def focused(self):
        return self.driver.switch_to.active_element

    def press(self, *keys) -> None:
        self.count.add(*keys)
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, matches, what: str, limit: int = 120):
        """Press Tab until the focused element matches; fail after `limit` presses."""
        for _ in range(limit):
            self.press(Keys.TAB)
            if matches(self.focused):
                return self.focused
        pytest.fail(f"Tab never reached {what} on {self.driver.current_url}")

    def tab_to_link(self, href_end: str):
        # Only links in <main>: the header's navigation has links with similar ends (/check).
        return self.tab_to(lambda e: e.tag_name == "a" and
                           (e.get_dom_attribute("href") or "").endswith(href_end) and
                           self.driver.execute_script("return !!arguments[0].closest('main')", e),
                           f"the link to …{href_end}")

    def tab_to_field(self, field_id: str):
        return self.tab_to(lambda e: e.get_attribute("id") == field_id, f"#{field_id}")

    def tab_to_button(self, text: str):
        return self.tab_to(lambda e: e.tag_name == "button" and text in e.text,
                           f"the button “{text}”")

    def type_into(self, field_id: str, text: str) -> None:
        self.tab_to_field(field_id)
        self.count.add("a", modifier="Ctrl")
        self.count.add(Keys.DELETE)
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL) \
            .send_keys(Keys.DELETE).perform()
        self.press(text)

    def choose(self, name: str, value: str) -> None:
        """Tab into a radio group, then arrow to the option (arrows select as they move)."""
        self.tab_to(lambda e: e.get_attribute("name") == name and
                    e.get_attribute("type") == "radio", f"the radios “{name}”")
        for _ in range(20):
            if self.focused.get_attribute("value") == value:
                if not self.focused.is_selected():
                    self.press(Keys.SPACE)
                return
            self.press(Keys.ARROW_DOWN)
        pytest.fail(f"no option {value!r} in {name!r}")

    def activate(self, key=Keys.ENTER) -> None:
        """Press Enter (or Space) on the focused link or button and wait for the next page."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.press(key)
        WebDriverWait(self.driver, 15).until(staleness_of(page))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def follow(self, href_end: str) -> None:
        self.tab_to_link(href_end)
        self.activate()

    def press_button(self, text: str) -> None:
        self.tab_to_button(text)
        self.activate()


def heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


@pytest.fixture()
def resident(live_server):
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.extensions import db

    with live_server.app.app_context():
        if db.session.scalar(select(Account).where(Account.phone == PHONE)) is None:
            db.session.add(Account(phone=PHONE, password_hash=hash_password("Keyboard-only-1"),
                                   display_name="刘芳"))
            db.session.commit()
    return PHONE


@pytest.fixture()
def photos(tmp_path) -> list[Path]:
    paths = [tmp_path / "身份证正面.jpg", tmp_path / "户口簿.png"]
    from tests.support.apply import JPEG, PNG  # real photos: uploads are decoded again

    paths[0].write_bytes(JPEG)
    paths[1].write_bytes(PNG)
    return paths


def sign_in(driver, base_url: str, phone: str, then: str) -> None:
    """A fresh cookie jar (another day, another device), then the test-only sign-in."""
    driver.get(base_url + "/help")
    driver.delete_all_cookies()
    driver.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    driver.get(f"{base_url}/_test/sign-in/{phone}?next={then}")


@pytest.mark.browser
def test_a_resident_applies_for_her_mother_by_keyboard_leaves_and_finishes_the_next_day(
        browser, base_url, live_server, resident, photos, results_dir):
    driver, keys = browser, Keyboard(browser)
    try:
        _day_one(driver, keys, base_url, photos)
        reference = _day_two(driver, keys, base_url)
    finally:
        driver.delete_all_cookies()  # leave the browser signed out for the next tests
    # Every key pressed from the home page to "申请已提交" (the receipt after it not counted).
    keys.submitted.write(results_dir, JOURNEY, JOURNEY_DESCRIPTION)
    _the_application_is_recorded(live_server, reference)


def _day_one(driver, keys, base_url, photos) -> None:
    sign_in(driver, base_url, PHONE, "/")
    assert heading(driver) == "鄠邑区残疾人服务网上办事平台"

    keys.follow("/apply/")
    assert heading(driver) == "网上申请"
    keys.follow("/apply/nursing_allowance/")
    assert heading(driver) == "您在为谁申请？"
    keys.choose("who", "other")
    keys.press_button("继续")
    assert heading(driver) == "您和申请对象是什么关系？"
    keys.choose("relationship", "family")
    keys.press_button("保存并继续")
    assert heading(driver) == "申请重度残疾人护理补贴"

    keys.follow("/personal")
    keys.type_into("full_name", MOTHER)
    keys.type_into("id_number", _mother_id())
    keys.type_into("phone", "13700000077")
    keys.type_into("address", "鄠邑区甘亭街道西街社区12号")
    keys.choose("street", "ganting")
    keys.press_button("保存并继续")
    assert "申请对象：王桂英。" in driver.find_element(By.TAG_NAME, "main").text

    keys.follow("/certificate")
    keys.choose("has_certificate", "yes")
    keys.type_into("certificate_number", _mother_id() + "42")
    keys.choose("category", "physical")
    keys.choose("grade", "2")
    keys.press_button("保存并继续")

    keys.follow("/household")
    keys.choose("household", "dibao")
    keys.press_button("保存并继续")

    keys.follow("/payment")
    keys.choose("method", "social_security_card")
    keys.type_into("bank_name", "西安银行鄠邑支行")
    keys.type_into("account_holder", MOTHER)
    keys.type_into("card_number", "6222 0212 3456 7894")
    keys.press_button("保存并继续")

    keys.follow("/questions")
    keys.choose("hukou", "huyi")
    keys.choose("needs_long_term_care", "true")
    keys.choose("work_injury_nursing", "false")
    keys.press_button("保存并继续")

    keys.follow("/documents")
    for photo in photos:  # the first two upload boxes: ID card, household register
        keys.tab_to(lambda e: e.get_attribute("type") == "file" and
                    not _has_file_listed(driver, e), "an empty upload box")
        keys.focused.send_keys(str(photo))  # what choosing a file in the dialog does
        keys.count.files_chosen += 1
        keys.press(Keys.TAB)  # to the upload button of the same box
        assert keys.focused.text == "上传"
        keys.activate()
        assert photo.name in driver.find_element(By.TAG_NAME, "main").text
    # …and she leaves for the day without finishing.


def _has_file_listed(driver, file_input) -> bool:
    section = file_input.find_element(By.XPATH, "ancestor::section[1]")
    return bool(section.find_elements(By.CSS_SELECTOR, ".file-list__item"))


def _day_two(driver, keys, base_url) -> str:
    sign_in(driver, base_url, PHONE, "/apply/")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "继续填写" in main and "申请对象：王桂英。" in main and "上次填到：“上传材料”。" in main
    keys.tab_to(lambda e: e.tag_name == "a" and "重度残疾人护理补贴" in e.text and
                "/apply/drafts/" in (e.get_dom_attribute("href") or ""), "the draft")
    keys.activate()
    assert "上次您填到了“上传材料”。" in driver.find_element(By.TAG_NAME, "main").text

    keys.follow("/documents")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "身份证正面.jpg" in main and "户口簿.png" in main  # still there the next day
    keys.press_button("上传完了，继续")

    keys.follow("/consent")
    keys.tab_to_field("consent")
    keys.press(Keys.SPACE)
    keys.press_button("同意并继续")

    keys.follow("/check")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "初步判断：符合条件" in main
    # The age, never the birth date.
    age = identity.age_on(date(1948, 6, 15), date.today())
    assert "王桂英" in main and f"{age}周岁" in main and "肢体残疾" in main
    assert "1948年6月15日" not in main
    keys.tab_to_field("declaration")
    keys.press(Keys.SPACE)
    keys.press_button("提交申请")

    assert heading(driver) == "申请已提交"
    keys.submitted = copy.deepcopy(keys.count)
    reference = driver.find_element(By.CSS_SELECTOR, ".panel .reference").text
    assert reference.startswith("HY-")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "甘亭街道便民服务中心在3个工作日内受理您的申请。" in main and "12385" in main

    keys.follow("/receipt")
    assert heading(driver) == "申请回执"
    assert reference in driver.find_element(By.TAG_NAME, "main").text
    _prints(driver)
    return reference


def _prints(driver) -> None:
    """In print, the navigation and buttons are hidden, and the page makes a PDF."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            "return ['.main-nav', '.back-link', '.skip-link'].map(s => "
            "getComputedStyle(document.querySelector(s)).display)")
        assert hidden == ["none", "none", "none"]
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(driver.print_page())
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    (Path(tempfile.gettempdir()) / "apply-receipt.pdf").write_bytes(pdf)


def _the_application_is_recorded(live_server, reference: str) -> None:
    from portal.applications.models import Application, Draft
    from portal.extensions import db
    from portal.messages.models import OutboxMessage

    with live_server.app.app_context():
        application = db.session.scalar(select(Application).where(
            Application.reference == reference))
        assert application.status == "submitted"
        assert application.relationship_to_person == "family"
        from portal.people import crypto
        stored = application.answers["payment"]["card_number"]
        assert crypto.is_encrypted(stored) and crypto.decrypt(stored) == "6222021234567894"
        assert sorted(d.original_name for d in application.documents) == \
            ["户口簿.png", "身份证正面.jpg"]
        assert db.session.scalar(select(Draft).where(
            Draft.account_id == application.applicant_account_id)) is None
        message = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.application_id == application.id))
        assert message.recipient == PHONE and reference in message.body
