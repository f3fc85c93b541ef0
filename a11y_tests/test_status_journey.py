"""The whole status journey in the browser: an applicant applies for herself, staff accept it
and ask for more information (through the service layer), the applicant answers online, proves
that she is the person (a code to the phone on record, which staff's acceptance set), gives a
family member access, and the family member looks the application up with the reference number,
the ID number and the code texted to the applicant – and sees the updated timeline.

Everything after the submission is done with the keyboard only (Tab, Shift+Tab, Space, Enter
and typing), and axe runs on every page on the way, including the look-up's error states and
the pages the visits cannot reach (the look-up result, ending a family member's access).
"""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from a11y_tests.browser_session import perform
from a11y_tests.test_account_keyboard import (
    by_id,
    check_axe,
    h1,
    last_code,
    press,
    tab_to,
    wait_for_h1,
)
from a11y_tests.visits.apply import PHOTO, SAVE, section
from portal.cli.demo_content import make_id_number

APPLICANT, APPLICANT_NAME = "13700007001", "周丽"
FAMILY, FAMILY_NAME = "13700007002", "周强"
PERSON = "周秀英"
PERSON_ID = make_id_number("610118", date(1948, 5, 6), 62)
ASKED = "请补充一张清晰的户口簿照片，要有申请人本人的那一页。"
ANSWER = "已补拍户口簿本人页，请查收。"


def link(text):
    return lambda element: element.tag_name == "a" and element.text.strip() == text


def button(text):
    return lambda element: element.tag_name == "button" and element.text.strip() == text


def main_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def wait_for_error(driver):
    WebDriverWait(driver, 10).until(lambda d: d.title.startswith("错误："))


def retype(element, text):
    """Select what is in the field and type over it (keys only)."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)


@pytest.fixture()
def people(live_server):
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.extensions import db

    with live_server.app.app_context():
        for phone, name in ((APPLICANT, APPLICANT_NAME), (FAMILY, FAMILY_NAME)):
            if db.session.scalar(select(Account).where(Account.phone == phone)) is None:
                db.session.add(Account(phone=phone, display_name=name,
                                       password_hash=hash_password("not-used-in-this-test")))
        db.session.commit()


@pytest.fixture()
def fresh(browser, base_url, people):
    browser.get(base_url + "/_test/sign-out")
    browser.add_cookie({"name": "lang", "value": "zh", "path": "/"})
    yield browser
    browser.get(base_url + "/_test/sign-out")


def enter_code(driver, app, axe_script, wrong_page: str) -> None:
    """On a code page: a wrong code first (its error checked by axe), then the one texted to
    the applicant, typed over it – by keyboard."""
    code = tab_to(driver, by_id("code"))
    code.send_keys("000000" if last_code(app, APPLICANT) != "000000" else "111111")
    press(driver, Keys.ENTER)
    wait_for_error(driver)
    assert "验证码不正确，或者已经失效" in main_text(driver)
    check_axe(driver, axe_script, wrong_page)
    retype(tab_to(driver, by_id("code")), last_code(app, APPLICANT))
    press(driver, Keys.ENTER)


def submit_application(driver, base_url) -> None:
    """The applicant applies for herself through the application journey."""
    driver.get(f"{base_url}/_test/sign-in/{APPLICANT}?next=/apply/nursing_allowance/")
    for action in (
        ("check", "input[name=who][value=self]"), SAVE,
        section("personal"),
        ("fill", "#full_name", PERSON), ("fill", "#id_number", PERSON_ID),
        ("fill", "#phone", APPLICANT), ("fill", "#address", "鄠邑区甘亭街道示例社区8号"),
        ("check", "#street-0"), SAVE,
        section("certificate"),
        ("check", "#has_certificate-0"), ("fill", "#certificate_number", PERSON_ID + "41"),
        ("check", "input[name=category][value=physical]"),
        ("check", "input[name=grade][value='1']"), ("fill", "#valid_until", "2031-05-01"), SAVE,
        section("household"), ("check", "input[name=household][value=dibao]"), SAVE,
        section("payment"),
        ("check", "#method-0"), ("fill", "#bank_name", "中国农业银行鄠邑支行"),
        ("fill", "#account_holder", PERSON), ("fill", "#card_number", "6222021234567894"), SAVE,
        section("questions"),
        ("check", "input[name=hukou][value=huyi]"),
        ("check", "input[name=needs_long_term_care][value=true]"),
        ("check", "input[name=work_injury_nursing][value=false]"), SAVE,
        section("documents"), ("click", "main > form button[type=submit]"),
        section("consent"), ("check", "#consent"), SAVE,
        ("click", "a.task-list__name[href$='/check']"),
        ("check", "#declaration"), SAVE,
    ):
        perform(driver, action)
    wait_for_h1(driver, "申请已提交")


def the_application(app):
    from portal.accounts.models import Account
    from portal.applications.models import Application
    from portal.extensions import db

    with app.app_context():
        applicant = db.session.scalar(select(Account).where(Account.phone == APPLICANT))
        application = db.session.scalar(
            select(Application).where(Application.applicant_account_id == applicant.id)
            .order_by(Application.id.desc()))
        return application.reference, application.status


def staff_ask_for_more(app, reference) -> None:
    """The street officer accepts the application (its mobile number becomes the person's phone
    on record) and asks for more information – through the one service operation."""
    from portal.accounts.models import Account
    from portal.applications import status_changes
    from portal.applications.models import Application
    from portal.extensions import db

    with app.app_context():
        application = db.session.scalar(select(Application).where(
            Application.reference == reference))
        officer = db.session.scalar(select(Account).where(
            Account.role == "street_officer", Account.street == application.street))
        status_changes.apply_action(application, "accept", officer)
        status_changes.apply_action(application, "request_info", officer, message=ASKED,
                                    note="内部：照片看不清")


@pytest.mark.browser
def test_submit_ask_answer_and_a_family_look_up(fresh, base_url, live_server, axe_script):
    driver = fresh
    app = live_server.app
    submit_application(driver, base_url)
    reference, status = the_application(app)
    assert status == "submitted"
    staff_ask_for_more(app, reference)

    # ── the applicant answers, by keyboard ──────────────────────────────────────────────
    driver.get(base_url + "/status/")
    wait_for_h1(driver, "我的申请")
    check_axe(driver, axe_script, "my applications, more information asked")
    tab_to(driver, link(f"为{PERSON}补充材料"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "补充材料")
    assert ASKED in main_text(driver) and "照片看不清" not in driver.page_source
    check_axe(driver, axe_script, "answer page")

    tab_to(driver, button("提交补充材料"))
    press(driver, Keys.ENTER)
    wait_for_error(driver)
    assert "请上传补充的材料，或写下您的答复。" in main_text(driver)
    check_axe(driver, axe_script, "answer page with an error")

    tab_to(driver, by_id("answer")).send_keys(ANSWER)
    tab_to(driver, by_id("file")).send_keys(str(PHOTO))
    tab_to(driver, button("上传这个文件"))
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "已上传" in main_text(d))
    assert driver.find_element(By.ID, "answer").get_attribute("value") == ANSWER  # kept
    check_axe(driver, axe_script, "answer page with a file uploaded")
    tab_to(driver, button("提交补充材料"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, f"重度残疾人护理补贴申请 {reference}")  # titled with its reference
    text = main_text(driver)
    assert "您补充的材料已提交" in text
    assert text.index(f"工作人员的说明：{ASKED}") < text.index(f"申请人的答复：{ANSWER}")
    assert PHOTO.name in text
    check_axe(driver, axe_script, "the application after the answer")
    assert the_application(app)[1] == "accepted"    # back where it was before the request

    # ── she proves that she is the person, by a code to the phone on record ─────────────
    driver.get(base_url + "/status/")
    wait_for_h1(driver, "我的申请")
    tab_to(driver, link("确认是我本人"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "查看以您名义办理的所有申请")
    check_axe(driver, axe_script, "prove that it is me")
    tab_to(driver, button("发送验证码"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "输入短信验证码")
    check_axe(driver, axe_script, "prove: the code")
    enter_code(driver, app, axe_script, "prove: a wrong code")
    wait_for_h1(driver, "我的申请")
    assert "验证成功" in main_text(driver)

    # ── and gives her brother access (and looks at how it would end) ─────────────────────
    driver.get(base_url + "/status/access/")
    wait_for_h1(driver, "授权家人查看")
    tab_to(driver, link("授权一位家人"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "授权一位家人查看申请")
    tab_to(driver, by_id("phone")).send_keys(FAMILY)
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "授权家人查看")
    assert "已授权" in main_text(driver)
    check_axe(driver, axe_script, "family access given")
    # (the number masked to the eye, "尾号…" to screen readers)
    tab_to(driver, lambda e: e.tag_name == "a" and e.text.startswith("取消手机")
           and FAMILY[-4:] in e.text and e.text.endswith("的授权"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "确定要取消这个授权吗？")
    check_axe(driver, axe_script, "end a family member's access")
    tab_to(driver, link("返回，不改变"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "授权家人查看")
    driver.get(base_url + "/_test/sign-out")

    # ── a family member looks it up without an account ───────────────────────────────────
    driver.get(base_url + "/status/lookup")
    wait_for_h1(driver, "用受理编号查询办理进度")
    tab_to(driver, button("获取验证码"))
    press(driver, Keys.ENTER)
    wait_for_error(driver)
    check_axe(driver, axe_script, "look-up with nothing entered")
    tab_to(driver, by_id("reference")).send_keys(reference.lower().replace("-", " "))
    tab_to(driver, by_id("id_number")).send_keys(PERSON_ID)
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "查询申请进度：输入短信验证码")
    assert "如果信息正确，我们已向申请时登记的手机号发送了验证码" in main_text(driver)
    check_axe(driver, axe_script, "look-up code")
    enter_code(driver, app, axe_script, "look-up with a wrong code")
    wait_for_h1(driver, "办理进度")
    text = main_text(driver)
    assert reference in text and "办理状态：已受理" in text
    assert text.index("工作人员请申请人补充材料。") < text.index("申请人补充了材料，申请已重新提交。")
    assert "周*英" in text and PERSON not in driver.page_source and PERSON_ID not in text
    assert ANSWER not in driver.page_source and ASKED not in driver.page_source
    check_axe(driver, axe_script, "look-up result")
    tab_to(driver, button("结束查询"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "用受理编号查询办理进度")
    assert "查询已结束" in main_text(driver)

    # ── signed in, the family member sees it in his own list, then gives it up ──────────
    driver.get(f"{base_url}/_test/sign-in/{FAMILY}?next=/status/")
    wait_for_h1(driver, "我的申请")
    assert "家人授权我查看的申请" in main_text(driver) and reference in main_text(driver)
    # (the link says the programme, and to screen readers the person and reference too)
    tab_to(driver, lambda e: e.tag_name == "a" and (e.get_attribute("href") or "").endswith(
        f"/status/applications/{reference}/"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, f"重度残疾人护理补贴申请 {reference}")  # titled with its reference
    assert f"申请人的答复：{ANSWER}" in main_text(driver)
    assert "撤回申请" not in main_text(driver)
    driver.get(base_url + "/status/access/")
    tab_to(driver, link(f"不再查看{PERSON}的申请"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "确定不再查看这些申请吗？")
    check_axe(driver, axe_script, "give up a family member's access")
    tab_to(driver, button("确定不再查看"))
    press(driver, Keys.ENTER)
    wait_for_h1(driver, "授权家人查看")
    driver.get(base_url + "/status/")
    assert reference not in main_text(driver) and h1(driver) == "我的申请"
