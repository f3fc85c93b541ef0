"""Keyboard only, in the browser: one application from submitted to approved through every role
– street officer (accept, ask for more information, first check), the applicant's
resubmission (through portal.applications.status_changes), district reviewer, civil affairs – and
the administrator finds every step in the audit log.

Only Tab, Enter and typing. axe runs on the pages that only this journey reaches (the
confirmation after an action, the error on an empty request for information).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from a11y_tests.test_account_keyboard import by_id, check_axe, press, tab_to

STREET, DISTRICT, CIVIL, ADMIN = "13800000001", "13800000002", "13800000003", "13800000005"
RESIDENT = "13900000001"


def link(text):
    return lambda element: element.tag_name == "a" and element.text.strip() == text


def submit_button(element):
    return element.tag_name == "button" and element.text.strip().startswith("确认")


def sign_in_as(driver, base_url, phone, path):
    driver.get(base_url + "/_test/sign-out")
    driver.get(f"{base_url}/_test/sign-in/{phone}?next={path}")


def wait_for_text(driver, text, seconds=10):
    # The page may be replaced between finding <main> and reading it: ignore that and retry.
    WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,
                                                       NoSuchElementException)).until(
        lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def new_application(app) -> str:
    """A fresh nursing-allowance application in 甘亭街道, just submitted by the demo resident."""
    from portal.accounts.models import Account
    from portal.applications import working_days
    from portal.applications.models import Application, StatusEvent
    from portal.applications.references import new_reference
    from portal.cli.demo_content import make_id_number
    from portal.extensions import db
    from portal.people import identity
    from portal.people.models import Person

    with app.app_context():
        resident = db.session.scalar(select(Account).where(Account.phone == RESIDENT))
        id_number = make_id_number("610118", date(1948, 8, 15), 962)
        person = Person(full_name="键盘测", **identity.stored_fields(id_number),
                        street="ganting", disability_category="physical",
                        disability_grade=1)
        db.session.add(person)
        db.session.flush()
        now = datetime.now(timezone.utc)
        application = Application(
            reference=new_reference(), programme="nursing_allowance", person_id=person.id,
            applicant_account_id=resident.id, relationship_to_person="family",
            answers={"questions": {"needs_long_term_care": True}}, status="submitted",
            street="ganting", submitted_at=now, status_changed_at=now,
            due_at=working_days.due_at_for("submitted", now))
        db.session.add(application)
        db.session.flush()
        db.session.add(StatusEvent(application_id=application.id, to_status="submitted"))
        db.session.commit()
        return application.reference


def resubmit_as_applicant(app, reference):
    from portal.accounts.models import Account
    from portal.applications import status_changes
    from portal.applications.models import Application
    from portal.extensions import db

    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.reference == reference))
        resident = db.session.scalar(select(Account).where(Account.phone == RESIDENT))
        status_changes.apply_action(application, "resubmit", resident)


def take_action(driver, label, message=None, note=None, fields=()):
    """From the application page: Tab to the action, Enter, fill in, Tab to confirm, Enter.
    `fields`: (element id, keys) of a decision's details, in page order (Space picks a radio)."""
    tab_to(driver, link(label))
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "/actions/" in d.current_url)
    for element_id, keys in fields:
        tab_to(driver, by_id(element_id))
        press(driver, keys)
    if message is not None:
        tab_to(driver, by_id("message"))
        press(driver, message)
    if note is not None:
        tab_to(driver, by_id("note"))
        press(driver, note)
    tab_to(driver, submit_button)
    press(driver, Keys.ENTER)


@pytest.mark.browser
def test_one_application_from_submitted_to_approved_by_keyboard(browser, base_url, live_server,
                                                                axe_script):
    driver = browser
    app = live_server.app
    driver.set_window_size(1280, 900)
    driver.get(base_url + "/help")
    driver.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    reference = new_application(app)
    page = f"/staff/applications/{reference}"

    # 街道: find it by searching the queue, open it, accept it.
    sign_in_as(driver, base_url, STREET, "/staff/queue")
    tab_to(driver, by_id("q"))
    press(driver, reference, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "s=" in d.current_url)   # sealed, not the text
    assert reference not in driver.current_url
    tab_to(driver, link(reference))
    press(driver, Keys.ENTER)
    wait_for_text(driver, "可以进行的操作")
    take_action(driver, "受理", note="材料齐全，已电话核实。")
    wait_for_text(driver, "已完成：受理")
    assert driver.find_element(By.CSS_SELECTOR, "main [role=status]").text.startswith("已完成：受理")
    check_axe(driver, axe_script, "staff application after an action")

    # Ask for more information: first without a message (the error), then with one.
    take_action(driver, "要求补充材料")
    wait_for_text(driver, "请写明需要申请人补充什么材料")
    assert driver.title.startswith("错误：")
    check_axe(driver, axe_script, "request for information without a message")
    tab_to(driver, by_id("message"))
    press(driver, "请补充一张清晰的残疾人证照片。")
    tab_to(driver, submit_button)
    press(driver, Keys.ENTER)
    wait_for_text(driver, "已完成：要求补充材料")
    assert "需补充材料" in driver.find_element(By.CSS_SELECTOR, "main .lead").text

    # The applicant sends the photo (their part of the portal is another area's).
    resubmit_as_applicant(app, reference)
    driver.get(base_url + page)
    from portal.applications import working_days

    today = working_days.local_date(datetime.now(timezone.utc)).isoformat()
    take_action(driver, "初审通过，报区残联", fields=(
        ("checked_on", today), ("method-0", Keys.SPACE), ("checked_by", "赵刚"),
        ("findings", "入户见到本人，核对了身份证和残疾人证原件，情况与申请一致。")))
    wait_for_text(driver, "已完成：初审通过，报区残联")

    # 区残联
    sign_in_as(driver, base_url, DISTRICT, page)
    wait_for_text(driver, "街道初审通过")
    take_action(driver, "审核通过，报审批")
    wait_for_text(driver, "已完成：审核通过，报审批")
    assert "区民政审批人员" in driver.find_element(By.TAG_NAME, "main").text  # whose turn now

    # 区民政 decides the 两项补贴.
    sign_in_as(driver, base_url, CIVIL, page)
    # The rate for grade 1 is preselected (the only one that fits); not known in the data
    # since 2021, so the amount is typed with its source; the first month is the month of
    # application.
    take_action(driver, "批准", message="经审核，您符合重度残疾人护理补贴的条件。", fields=(
        ("amount", "150"), ("rate_source", "鄠民发〔2025〕3号")))
    wait_for_text(driver, "已完成：批准")
    assert "已批准" in driver.find_element(By.CSS_SELECTOR, "main .lead").text
    assert "150 元/月" in driver.find_element(By.TAG_NAME, "main").text

    # The administrator finds every step in the audit log.
    sign_in_as(driver, base_url, ADMIN, "/staff/audit")
    tab_to(driver, by_id("reference"))
    press(driver, reference, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "reference=" in d.current_url)
    table = driver.find_element(By.CSS_SELECTOR, "main table").text
    for step in ("查看申请", "受理", "要求补充材料", "补充后重新提交", "初审通过", "区残联审核通过",
                 "批准"):
        assert step in table, step
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    actors = {row.find_elements(By.TAG_NAME, "td")[1].text.split("\n")[0] for row in rows}
    assert {"赵刚", "陈静", "刘洋", "李梅"} <= actors  # each role, and the applicant
