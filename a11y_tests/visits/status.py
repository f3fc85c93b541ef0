"""进度查询 in the browser: my applications, one application, withdrawing, answering a request
for more information, family access, and the family look-up with its error states.

The demo resident 13900000001 (李梅) applied for every demo person: 马玉芳's application
(HY-2026-DEMA6C) waits for more information, 王秀兰's (HY-2026-DEMA3C) was just submitted,
周海燕's (HY-2026-DEMAFC) was rejected with a reason. No visit changes anything: they stop
before confirming. The pages that need a texted code or a second resident's account are
checked by a11y_tests/test_status_journey.py (keyboard only, with axe).
"""
import tempfile
from datetime import date
from pathlib import Path

from a11y_tests.registry import Visit
from portal.cli.demo_content import make_id_number

RESIDENT = "13900000001"
WANG_ID = make_id_number("610118", date(1951, 3, 14), 22)   # 王秀兰, HY-2026-DEMA3C
SUBMIT = ("click", "main form button[type=submit]")
NOT_A_PHOTO = Path(tempfile.gettempdir()) / "a11y-status-not-a-photo.txt"
NOT_A_PHOTO.write_text("这不是照片。", encoding="utf-8")

NEEDS_INFO = "/status/applications/HY-2026-DEMA6C/"
LOOKUP = "/status/lookup"
START_LOOKUP = (("fill", "#reference", "hy 2026 dema3c"), ("fill", "#id_number", WANG_ID),
                SUBMIT)


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def visit(endpoint, path, name, actions=(), expect=None, account=RESIDENT):
    return Visit(endpoint, path, f"status-{name}", account=account, actions=tuple(actions),
                 expect_text=expect)


VISITS = [
    visit("status.index", "/status/", "start-signed-out", account=None,
          expect=zh_en("帮家人查询，不用登录",
                       "Look up a family member's application without signing in")),
    visit("status.index", "/status/", "my-applications",
          expect=zh_en("我为家人或他人提交的申请",
                       "Applications I sent for family members or others")),
    visit("status.application", NEEDS_INFO, "application-needs-info",
          expect=zh_en("需要您补充的内容", "What you need to add")),
    visit("status.application", "/status/applications/HY-2026-DEMAFC/", "application-rejected",
          expect=zh_en("工作人员的说明：", "Message from the staff:")),
    # Approved: the timeline shows the amount and the first month paid (portal.status.display.decision_rows).
    visit("status.application", "/status/applications/HY-2026-DEMA7C/", "application-approved",
          expect=zh_en("发放金额", "Amount paid")),
    # Being paid: the monthly amount and every payment, one of them failed and why (the
    # demo's payment history, portal/cli/demo_content.py _demo_payments).
    visit("status.application", "/status/applications/HY-2026-DEMAEC/", "application-paying",
          expect=zh_en("账户已销户", "账户已销户")),
    visit("status.withdraw", "/status/applications/HY-2026-DEMA3C/withdraw", "withdraw",
          expect=zh_en("确定要撤回这份申请吗？",
                       "Are you sure you want to withdraw this application?")),
    visit("status.answer", NEEDS_INFO + "answer", "answer",
          expect=zh_en("工作人员需要您补充的内容", "What the staff need from you")),
    visit("status.answer", NEEDS_INFO + "answer", "answer-nothing",
          [("fill", "#answer", "   "), ("click", "button[name=send]")],
          expect=zh_en("请上传补充的材料，或写下您的答复。",
                       "Upload the documents you are adding, or write your answer.")),
    visit("status.answer", NEEDS_INFO + "answer", "answer-not-a-photo",
          [("fill", "#file", str(NOT_A_PHOTO)), ("fill", "#answer", "照片在这里"),
           ("click", "button[name=upload]")],
          expect=zh_en("只能上传照片（JPG、PNG格式）或PDF文件", "This file is none of these")),
    visit("status.grants", "/status/access/", "grants",
          expect=zh_en("您给家人的授权", "Access you gave family members")),
    visit("status.grant", "/status/access/new", "grant",
          expect=zh_en("让家人查看谁的申请？", "Whose applications may your family member see?")),
    visit("status.grant", "/status/access/new", "grant-empty", [SUBMIT],
          expect=zh_en("请输入家人的手机号码", "Enter your family member's mobile number")),
    visit("status.grant", "/status/access/new", "grant-own-number",
          [("check", "input[name=person]"), ("fill", "#phone", "139 0000 0001"), SUBMIT],
          expect=zh_en("这是您自己的手机号码", "This is your own mobile number")),
    visit("status.prove", "/status/prove/", "prove-nothing-left",
          expect=zh_en("您已经确认过了", "You have already confirmed this")),

    visit("status.lookup", LOOKUP, "lookup", account=None,
          expect=zh_en("用受理编号查询办理进度", "Look up progress with a reference number")),
    visit("status.lookup", LOOKUP, "lookup-empty", [SUBMIT], account=None,
          expect=zh_en("请输入受理编号", "Enter the reference number")),
    visit("status.lookup", LOOKUP, "lookup-format",
          [("fill", "#reference", "12345"), ("fill", "#id_number", "6101181951031400"), SUBMIT],
          account=None, expect=zh_en("受理编号的格式是", "A reference number looks like")),
    visit("status.lookup_code", LOOKUP, "lookup-code", START_LOOKUP, account=None,
          expect=zh_en("如果信息正确，我们已向申请时登记的手机号发送了验证码",
                       "If the details are right, we have sent a code")),
    visit("status.lookup_code", LOOKUP, "lookup-code-unknown-reference",
          [("fill", "#reference", "HY-2026-AAAAAA"), ("fill", "#id_number", WANG_ID), SUBMIT],
          account=None,
          expect=zh_en("如果信息正确，我们已向申请时登记的手机号发送了验证码",
                       "If the details are right, we have sent a code")),
    visit("status.lookup_code", LOOKUP, "lookup-code-wrong",
          START_LOOKUP + (("fill", "#code", "000000"), SUBMIT), account=None,
          expect=zh_en("验证码不正确，或者已经失效", "The code is wrong or no longer valid")),
    visit("status.lookup_code", LOOKUP, "lookup-code-format",
          START_LOOKUP + (("fill", "#code", "12"), SUBMIT), account=None,
          expect=zh_en("验证码是6位数字", "The code is 6 digits")),
]

EXCLUDED = {
    "status.document": "sends an uploaded file as a download (attachment), not a page; "
                       "tests/test_status_pages.py checks it",
    "status.lookup_result": "needs the code texted to the applicant's phone; "
                            "a11y_tests/test_status_journey.py reaches it by keyboard and runs "
                            "axe on it",
    "status.prove_code": "needs a code texted to the person's phone on record; "
                         "a11y_tests/test_status_journey.py proves a link by keyboard and runs "
                         "axe on it, with its error state",
    "status.revoke": "needs a second resident's account, which the demo data does not have; "
                     "a11y_tests/test_status_journey.py makes one and runs axe on the page",
}
