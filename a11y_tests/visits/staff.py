"""The staff console, the public notice (公示) and the plan indicators page.

Signed in as the demo staff: street officer 13800000001 (甘亭街道), district reviewer
13800000002, civil affairs 13800000003, admin 13800000005. The demo applications have fixed
references (portal/cli/demo_content.py REFERENCES). No visit here changes an application: the
only form submissions are the ones that fail (error states), and one that builds a draft
payment roll again (a draft changes nothing until it is confirmed).
"""
from datetime import date

from a11y_tests.registry import Visit

STREET, DISTRICT, CIVIL, ADMIN = "13800000001", "13800000002", "13800000003", "13800000005"
SUBMIT = ("click", "main form button[type=submit]")

VISITS = [
    # Queues
    Visit("staff.queue", "/staff/queue", "staff-queue-street", account=STREET),
    Visit("staff.queue", "/staff/queue?view=all&deadline=overdue", "staff-queue-overdue",
          account=STREET, expect_text={"zh": "已超期", "en": "Overdue"}),
    # The search is sent by POST (never in the URL) and answered with a redirect.
    Visit("staff.queue", "/staff/queue?view=all", "staff-queue-no-results", account=STREET,
          actions=(("fill", "#q", "无此人"), SUBMIT),
          expect_text={"zh": "没有符合条件的申请", "en": "No applications match"}),
    Visit("staff.queue", "/staff/queue?view=all&s=not-a-search", "staff-queue-search-expired",
          account=STREET, expect_text={"zh": "这次搜索的结果已经过期",
                                       "en": "This search has expired"}),
    Visit("staff.queue", "/staff/queue?view=all", "staff-queue-district", account=DISTRICT),
    Visit("staff.queue", "/staff/queue", "staff-queue-civil", account=CIVIL),
    # One application in each state, seen by whoever holds it
    Visit("staff.application", "/staff/applications/HY-2026-DEMA3C", "staff-app-submitted",
          account=STREET),
    # 王秀兰's guardian is not yet confirmed: the counter-link form, sent without the tick.
    Visit("staff.application", "/staff/applications/HY-2026-DEMA3C",
          "staff-app-counter-link-unticked", account=STREET,
          actions=(("click", "form[action$='/link'] button[type=submit]"),),
          expect_text={"zh": "请先当面核验原件", "en": "Check the original documents"}),
    Visit("staff.application", "/staff/applications/HY-2026-DEMA6C", "staff-app-needs-info",
          account=STREET),
    Visit("staff.application", "/staff/applications/HY-2026-DEMA9C",
          "staff-app-street-checked", account=DISTRICT),
    Visit("staff.application", "/staff/applications/HY-2026-DEMACC",
          "staff-app-district-reviewed", account=CIVIL),
    Visit("staff.application", "/staff/applications/HY-2026-DEMADC", "staff-app-public-notice",
          account=CIVIL),
    # 杜小龙's guardian was confirmed at the counter: the linked accounts, each with its button.
    Visit("staff.application", "/staff/applications/HY-2026-DEMA7C", "staff-app-approved",
          account=DISTRICT, expect_text={"zh": "已确认与申请对象关联的账户",
                                         "en": "Accounts confirmed as linked to this person"}),
    Visit("staff.application", "/staff/applications/HY-2026-DEMAFC", "staff-app-rejected",
          account=DISTRICT),
    # Actions: the form, its error state, and an action someone else has already taken
    Visit("staff.act", "/staff/applications/HY-2026-DEMA3C/actions/accept", "staff-act-accept",
          account=STREET),
    Visit("staff.act", "/staff/applications/HY-2026-DEMA3C/actions/request_info",
          "staff-act-request-info-error", account=STREET, actions=(SUBMIT,),
          expect_text={"zh": "请写明需要申请人补充什么材料", "en": "what the applicant needs"}),
    Visit("staff.act", "/staff/applications/HY-2026-DEMACC/actions/reject",
          "staff-act-reject-error", account=CIVIL, actions=(SUBMIT,),
          expect_text={"zh": "请写明不予批准的理由", "en": "the reason for not approving"}),
    # The street check records its visit (all required); the approval its amount and month.
    Visit("staff.act", "/staff/applications/HY-2026-DEMA4C/actions/street_check",
          "staff-act-street-check-error", account=STREET, actions=(SUBMIT,),
          expect_text={"zh": "请填写核查的日期", "en": "date of the check"}),
    Visit("staff.act", "/staff/applications/HY-2026-DEMACC/actions/approve",
          "staff-act-approve-error", account=CIVIL, actions=(SUBMIT,),
          expect_text={"zh": "请填写发放金额", "en": "amount to pay"}),
    # A possible second claim (demo: 赵淑珍's, HY-2026-DEMAKC against HY-2026-DEMADC): the
    # comparison and the resolution form, sent without a choice or a reason.
    Visit("staff.resolve_duplicate", "/staff/applications/HY-2026-DEMAKC/duplicates/1",
          "staff-duplicate-resolve-error", account=CIVIL, actions=(SUBMIT,),
          expect_text={"zh": "请写明处理理由", "en": "reason"}),
    Visit("staff.act", "/staff/applications/HY-2026-DEMA4C/actions/accept", "staff-act-stale",
          account=STREET, expect_text={"zh": "此申请刚刚被其他工作人员处理过", "en": "Another member of staff"}),
    # Audit log
    Visit("staff.audit_log", "/staff/audit", "staff-audit", account=ADMIN),
    Visit("staff.audit_log", "/staff/audit?action=application.view", "staff-audit-filtered",
          account=ADMIN),
    Visit("staff.audit_log", "/staff/audit?date_from=2026-13-40", "staff-audit-error",
          account=ADMIN, expect_text={"zh": "请按“2026-11-28”的格式输入日期", "en": "2026-11-28"}),
    # Public pages
    Visit("notice.index", "/public-notice", "public-notice"),
    Visit("notice.index", "/public-notice?street=yuxia", "public-notice-empty-street"),
    Visit("indicators.index", "/indicators", "indicators"),
]

# Payment rolls (civil affairs). The demo (portal/cli/demo_content.py _demo_payments) has one
# roll, confirmed, with the bank's answer that the payment failed, and its reason (roll 1). A
# draft is built by the visit itself: this month's nursing allowance roll (built again, as a
# draft may be, on every visit).
THIS_MONTH = date.today().strftime("%Y-%m")
VISITS += [
    Visit("payments.rolls_list", "/staff/payments/", "payments-rolls", account=CIVIL,
          expect_text={"zh": "全部名册，最近的月份在前", "en": "All payment rolls"}),
    Visit("payments.rolls_list", "/staff/payments/", "payments-rolls-error", account=CIVIL,
          actions=(("fill", "#month", "2026/7"), SUBMIT),
          expect_text={"zh": "请按“年-月”输入发放月份", "en": "for example 2026-07"}),
    Visit("payments.roll", "/staff/payments/1", "payments-roll-answered", account=CIVIL,
          expect_text={"zh": "账户已销户", "en": "账户已销户"}),
    Visit("payments.roll", "/staff/payments/", "payments-roll-draft", account=CIVIL,
          actions=(("select", "#programme", "nursing_allowance"),
                   ("fill", "#month", THIS_MONTH), SUBMIT),
          expect_text={"zh": "确认名册", "en": "Confirm the roll"}),
    # Recipients: the list, the demo's recipient (suspend, end, a renewed certificate), and
    # the suspension sent without a reason (nothing changes).
    Visit("payments.recipients_list", "/staff/payments/recipients", "payments-recipients",
          account=CIVIL, expect_text={"zh": "孙立新", "en": "孙立新"}),
    Visit("payments.recipient", "/staff/payments/recipients/1", "payments-recipient",
          account=CIVIL, expect_text={"zh": "确认暂停发放", "en": "Suspend payment"}),
    Visit("payments.recipient", "/staff/payments/recipients/1", "payments-recipient-error",
          account=CIVIL, actions=(SUBMIT,),
          expect_text={"zh": "请选择暂停发放的原因", "en": "reason"}),
    # The street officer (甘亭街道) reads their own street's lines and recipients only.
    Visit("payments.rolls_list", "/staff/payments/", "payments-rolls-street", account=STREET,
          expect_text={"zh": "本街道的发放对象名单", "en": "The recipients in your street"}),
    Visit("payments.roll", "/staff/payments/1", "payments-roll-street", account=STREET,
          expect_text={"zh": "本街道合计", "en": "Your street's total"}),
    Visit("payments.recipients_list", "/staff/payments/recipients",
          "payments-recipients-street", account=STREET,
          expect_text={"zh": "只能查看", "en": "to read only"}),
    Visit("payments.recipient", "/staff/payments/recipients/1", "payments-recipient-street",
          account=STREET, expect_text={"zh": "只能查看", "en": "To read only"}),
]

EXCLUDED = {
    "payments.export_csv": "the roll in the bank's form, a CSV file download, not a page; "
                           "tested in tests/benefits/test_pages.py",
    "payments.export_xlsx": "the roll in the bank's form, an Excel file download, not a page; "
                            "tested in tests/benefits/test_pages.py",
    "staff.export_csv": "a CSV file download (UTF-8 with BOM), not a page; tested in "
                        "tests/test_staff_console.py and tests/test_staff_export.py",
    "staff.export_xlsx": "an Excel file download, not a page; tested in "
                         "tests/test_staff_export.py",
    "staff.document": "an uploaded document (image or PDF) shown or downloaded, not a page; "
                      "tested in tests/test_staff_console.py",
}

# Staff accounts (admin). The demo content editor is account 5 (portal/cli/demo_content.py
# creates the demo accounts in a fixed order on an empty database).
VISITS += [
    Visit("staff.accounts", "/staff/accounts", "staff-accounts", account=ADMIN),
    Visit("staff.new_account", "/staff/accounts/new", "staff-account-new", account=ADMIN),
    Visit("staff.new_account", "/staff/accounts/new", "staff-account-new-errors",
          account=ADMIN, actions=(SUBMIT,),
          expect_text={"zh": "请输入姓名", "en": "name"}),
    Visit("staff.deactivate_account", "/staff/accounts/5/deactivate",
          "staff-account-deactivate", account=ADMIN,
          expect_text={"zh": "周敏", "en": "周敏"}),
]

# Signing in, second step (signed out: the password step first, as a person would) and the
# second factor pages. NOT_ENROLLED and SMS_USER are street officers that a11y_tests/conftest.py
# adds to the demo data; the demo staff use an authenticator app (DEMO_TOTP_SECRET).
NOT_ENROLLED, SMS_USER = "13800000011", "13800000012"


def _password(phone: str) -> tuple:
    return (("fill", "#phone", phone), ("fill", "#password", "Huyi-Demo-2026!"), SUBMIT)


VISITS += [
    Visit("staff_auth.verify", "/staff/sign-in", "staff-second-step-app",
          actions=_password(STREET),
          expect_text={"zh": "验证器应用", "en": "authenticator app"}),
    Visit("staff_auth.verify", "/staff/sign-in", "staff-second-step-error",
          actions=_password(STREET) + (("fill", "#code", "12"), SUBMIT),
          expect_text={"zh": "验证码是6位数字", "en": "6 digits"}),
    Visit("staff_auth.verify", "/staff/sign-in", "staff-second-step-sms",
          actions=_password(SMS_USER),
          expect_text={"zh": "138****0012", "en": "138****0012"}),
    Visit("staff_auth.recovery", "/staff/sign-in", "staff-second-step-recovery",
          actions=_password(STREET) + (("click", "main a[href^='/staff/sign-in/recovery']"),),
          expect_text={"zh": "每个恢复码只能用一次", "en": "recovery code"}),
    Visit("staff_auth.recovery", "/staff/sign-in", "staff-second-step-recovery-error",
          actions=_password(STREET) + (("click", "main a[href^='/staff/sign-in/recovery']"),
                                       SUBMIT),
          expect_text={"zh": "请输入一个恢复码", "en": "recovery code"}),
    Visit("staff_auth.enrol", "/staff/sign-in", "staff-enrol",
          actions=_password(NOT_ENROLLED),
          expect_text={"zh": "设置登录验证", "en": "Set up your sign-in check"}),
    Visit("staff_auth.enrol", "/staff/sign-in", "staff-enrol-error",
          actions=_password(NOT_ENROLLED) + (SUBMIT,),
          expect_text={"zh": "请选择一种登录验证方式", "en": "Choose"}),
    Visit("staff_auth.enrol_app", "/staff/sign-in", "staff-enrol-app",
          actions=_password(NOT_ENROLLED) + (("check", "#method-0"), SUBMIT),
          expect_text={"zh": "手动输入密钥", "en": "key"}),
    Visit("staff_auth.enrol_app", "/staff/sign-in", "staff-enrol-app-error",
          actions=_password(NOT_ENROLLED) + (("check", "#method-0"), SUBMIT,
                                             ("fill", "#code", "000000"), SUBMIT),
          expect_text={"zh": "验证码不正确", "en": "code"}),
    Visit("staff_auth.enrol_sms", "/staff/sign-in", "staff-enrol-sms",
          actions=_password(NOT_ENROLLED) + (("check", "#method-1"), SUBMIT),
          expect_text={"zh": "138****0011", "en": "138****0011"}),
    Visit("staff_auth.second_factor_settings", "/staff/second-factor", "staff-second-factor",
          account=STREET, expect_text={"zh": "恢复码", "en": "recovery code"}),
    Visit("staff_auth.second_factor_settings", "/staff/second-factor",
          "staff-recovery-codes-shown", account=STREET, actions=(SUBMIT,),
          expect_text={"zh": "只显示这一次", "en": "only"}),
    # The demo street officer is account 2 (portal/cli/demo_content.py order).
    Visit("staff.reset_second_factor", "/staff/accounts/2/second-factor/reset",
          "staff-second-factor-reset", account=ADMIN,
          expect_text={"zh": "赵刚", "en": "赵刚"}),
    # A forgotten password: the admin's confirmation page (not sent: a visit changes nothing),
    # and a link that cannot be used (the form itself needs a fresh link: it is checked in
    # tests/test_staff_password_reset.py, whose pages the test client's page checks cover).
    Visit("staff.reset_password", "/staff/accounts/2/password/reset",
          "staff-password-reset", account=ADMIN,
          expect_text={"zh": "只能用一次", "en": "once"}),
    Visit("staff.set_password", "/staff/password/not-a-link", "staff-password-link-invalid",
          expect_text={"zh": "这个链接已经不能用了", "en": "link"}),
]
