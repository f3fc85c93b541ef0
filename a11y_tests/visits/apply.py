"""The application journey (网上申请) in the browser: every page, and its error states.

The demo resident 13900000001 (李梅) has applied before for 王秀兰 (person 1, an active nursing
allowance application), 张建国 (person 2), 马玉芳 and 杜小龙. The visits lean on that:

- choosing 张建国 for the nursing allowance always opens the same draft, which the visits fill
  in (the same answers every time) to reach the deeper pages;
- choosing 王秀兰 shows the "already applied" message, whose link leads to the confirmation
  page and the receipt of her application;
- error states start a new draft for "someone else" each time, so the form is always empty.
"""
import tempfile
from datetime import date
from pathlib import Path

from a11y_tests.registry import Visit
from portal.cli.demo_content import make_id_number
from tests.support.apply import PNG

RESIDENT = "13900000001"
SAVE = ("click", "main form button[type=submit]")
ZHANG_ID = make_id_number("610118", date(1968, 9, 2), 15)  # 张建国 in the demo data

PHOTO = Path(tempfile.gettempdir()) / "a11y-apply-photo.png"
PHOTO.write_bytes(PNG)  # a real photo: uploads are decoded and written again

# Open 张建国's nursing-allowance draft (its task list).
ZHANG_DRAFT = (("check", "input[name=who][value=person-2]"), SAVE)
# A new draft for someone else, as a family member (its task list).
NEW_DRAFT = (("check", "input[name=who][value=other]"), SAVE,
             ("check", "input[name=relationship][value=family]"), SAVE)


def section(name: str) -> tuple:
    return ("click", f"a.task-list__name[href$='/{name}']")


# Open the documents section and upload the photo.
UPLOAD_PHOTO = (section("documents"),
                ("fill", "form[enctype='multipart/form-data'] input[type=file]", str(PHOTO)),
                ("click", "form[enctype='multipart/form-data'] button"))


# Every section of 张建国's draft answered, ending on the task list.
ZHANG_COMPLETE = ZHANG_DRAFT + (
    section("personal"),
    ("fill", "#full_name", "张建国"), ("fill", "#id_number", ZHANG_ID),
    ("fill", "#phone", "13900000001"), ("fill", "#address", "鄠邑区甘亭街道示例社区1号"),
    ("check", "#street-0"), SAVE,
    section("certificate"),
    ("check", "#has_certificate-0"), ("fill", "#certificate_number", ZHANG_ID + "12"),
    ("check", "input[name=category][value=visual]"), ("check", "input[name=grade][value='2']"),
    ("fill", "#valid_until", "2030-05-01"), SAVE,
    section("household"), ("check", "input[name=household][value=dibao]"), SAVE,
    section("payment"),
    ("check", "#method-0"), ("fill", "#bank_name", "中国农业银行鄠邑支行"),
    ("fill", "#account_holder", "张建国"), ("fill", "#card_number", "6222021234567894"), SAVE,
    section("questions"),
    ("check", "input[name=hukou][value=huyi]"),
    ("check", "input[name=needs_long_term_care][value=true]"),
    ("check", "input[name=work_injury_nursing][value=false]"), SAVE,
    section("documents"), ("click", "main > form button[type=submit]"),
    section("consent"), ("check", "#consent"), SAVE,
)


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def visit(endpoint, path, name, actions=(), expect=None, account=RESIDENT):
    return Visit(endpoint, path, f"apply-{name}", account=account, actions=tuple(actions),
                 expect_text=expect)


VISITS = [
    visit("apply.start", "/apply/", "start-signed-out", account=None,
          expect=zh_en("可以网上申请的事项", "What you can apply for online")),
    visit("apply.start", "/apply/", "start",
          expect=zh_en("可以网上申请的事项", "What you can apply for online")),
    visit("apply.choose_person", "/apply/nursing_allowance/", "choose-person",
          expect=zh_en("为张建国申请", "For <span lang=\"zh-Hans\">张建国</span>")),
    visit("apply.choose_person", "/apply/nursing_allowance/", "choose-person-error",
          actions=[SAVE], expect=zh_en("请选择您在为谁申请。", "Choose who you are applying for.")),
    visit("apply.choose_person", "/apply/nursing_allowance/", "already-applied",
          actions=[("check", "input[name=who][value=person-1]"), SAVE],
          expect=zh_en("同一事项不能重复申请", "cannot be applied for twice")),
    visit("apply.confirmation", "/apply/nursing_allowance/", "confirmation",
          actions=[("check", "input[name=who][value=person-1]"), SAVE,
                   ("click", "main a[href*='/apply/applications/']")],
          expect=zh_en("接下来会怎样", "What happens next")),
    visit("apply.receipt", "/apply/nursing_allowance/", "receipt",
          actions=[("check", "input[name=who][value=person-1]"), SAVE,
                   ("click", "main a[href*='/apply/applications/']"),
                   ("click", "main a[href$='/receipt']")],
          expect=zh_en("申请回执", "Application receipt")),

    visit("apply.task_list", "/apply/nursing_allowance/", "task-list", ZHANG_DRAFT,
          expect=zh_en("检查并提交申请", "Check and send the application")),
    visit("apply.relationship", "/apply/nursing_allowance/", "relationship",
          ZHANG_DRAFT + (section("relationship"),),
          expect=zh_en("您和申请对象是什么关系？",
                       "How are you related to the person you are applying for?")),
    visit("apply.relationship", "/apply/nursing_allowance/", "relationship-error",
          [("check", "input[name=who][value=other]"), SAVE, SAVE],
          expect=zh_en("请选择您和申请对象的关系。", "Choose how you are related to the person.")),
    visit("apply.personal", "/apply/nursing_allowance/", "personal",
          ZHANG_DRAFT + (section("personal"),), expect=zh_en("户籍所在的街道（镇）",
                                                             "Subdistrict or town")),
    visit("apply.personal", "/apply/nursing_allowance/", "personal-errors",
          NEW_DRAFT + (section("personal"), ("fill", "#full_name", "Wang"),
                       ("fill", "#id_number", "61011819680902001"), ("fill", "#phone", "139"),
                       SAVE),
          expect=zh_en("身份证号码应为18位，您输入了17位。", "An ID number has 18 characters.")),
    visit("apply.certificate", "/apply/nursing_allowance/", "certificate",
          ZHANG_DRAFT + (section("certificate"),),
          expect=zh_en("有残疾人证的，请填写下面几项", "If there is a certificate")),
    visit("apply.certificate", "/apply/nursing_allowance/", "certificate-errors",
          NEW_DRAFT + (section("certificate"), ("check", "#has_certificate-0"),
                       ("fill", "#certificate_number", ZHANG_ID + "12"),
                       ("check", "input[name=category][value=physical]"),
                       ("fill", "#valid_until", "2030-02-30"), SAVE),
          expect=zh_en("您的证号显示为视力残疾，但您选择了肢体残疾。",
                       "Your number shows Visual, but you chose Physical.")),
    visit("apply.household", "/apply/nursing_allowance/", "household",
          ZHANG_DRAFT + (section("household"),),
          expect=zh_en("申请对象的家庭属于哪种情况？", "Which of these describes")),
    visit("apply.household", "/apply/nursing_allowance/", "household-error",
          NEW_DRAFT + (section("household"), SAVE),
          expect=zh_en("请选择申请对象家庭的情况。", "Choose which describes")),
    visit("apply.payment", "/apply/nursing_allowance/", "payment",
          ZHANG_DRAFT + (section("payment"),), expect=zh_en("收款账户", "Payment account")),
    visit("apply.payment", "/apply/nursing_allowance/", "payment-errors",
          NEW_DRAFT + (section("payment"), ("fill", "#card_number", "6222021234567890"), SAVE),
          expect=zh_en("这个卡号不正确", "This card number is not right")),
    visit("apply.questions", "/apply/nursing_allowance/", "questions",
          ZHANG_DRAFT + (section("questions"),),
          expect=zh_en("本事项需要了解的情况", "Questions about this service")),
    visit("apply.questions", "/apply/nursing_allowance/", "questions-errors",
          NEW_DRAFT + (section("questions"), SAVE),
          expect=zh_en("请回答：户籍所在地", "Please answer:")),
    visit("apply.documents_page", "/apply/nursing_allowance/", "documents",
          ZHANG_DRAFT + (section("documents"),),
          expect=zh_en("怎样拍出清楚的照片", "How to take a clear photo")),
    visit("apply.documents_page", "/apply/nursing_allowance/", "documents-error",
          NEW_DRAFT + (section("documents"),
                       ("click", "form[enctype='multipart/form-data'] button")),
          expect=zh_en("请选择要上传的文件。", "Choose a file to upload.")),
    visit("apply.documents_page", "/apply/nursing_allowance/", "documents-uploaded",
          ZHANG_DRAFT + UPLOAD_PHOTO,
          expect=zh_en("a11y-apply-photo.png", "a11y-apply-photo.png")),
    # Each visit uploads its own file first: the browser suite runs in several processes, so no
    # visit may rely on one that ran before it.
    visit("apply.replace_document", "/apply/nursing_allowance/", "replace-document",
          ZHANG_DRAFT + UPLOAD_PHOTO + (("click", "a[href*='/replace']"),),
          expect=zh_en("上传新文件后，现在的文件会被删除。", "the current one is deleted")),
    visit("apply.replace_document", "/apply/nursing_allowance/", "replace-document-error",
          ZHANG_DRAFT + UPLOAD_PHOTO + (("click", "a[href*='/replace']"), SAVE),
          expect=zh_en("请选择要上传的文件。", "Choose a file to upload.")),
    visit("apply.consent", "/apply/nursing_allowance/", "consent",
          ZHANG_DRAFT + (section("consent"),), expect=zh_en("保存多久", "How long")),
    visit("apply.consent", "/apply/nursing_allowance/", "consent-error",
          NEW_DRAFT + (section("consent"), SAVE), expect=zh_en("请勾选同意后再继续。",
                                                              "Please tick to agree")),
    visit("apply.check", "/apply/nursing_allowance/", "check",
          ZHANG_COMPLETE + (("click", "a.task-list__name[href$='/check']"),),
          expect=zh_en("初步判断", "First check")),
    visit("apply.check", "/apply/nursing_allowance/", "check-error",
          ZHANG_COMPLETE + (("click", "a.task-list__name[href$='/check']"), SAVE),
          expect=zh_en("请勾选声明后再提交申请。", "Please tick the declaration")),
    visit("apply.delete_draft", "/apply/nursing_allowance/", "delete-draft",
          ZHANG_DRAFT + (("click", "a[href$='/delete']"),),
          expect=zh_en("确定要删除这份草稿吗？", "Are you sure")),
]

EXCLUDED = {
    "apply.download_document": "sends an uploaded file as a download (attachment), not a page; "
                               "tests/test_apply_documents.py checks it",
}
