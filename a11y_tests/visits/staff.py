"""The staff console, the public notice (公示) and the plan indicators page.

Signed in as the demo staff: street officer 13800000001 (甘亭街道), district reviewer
13800000002, civil affairs 13800000003, admin 13800000005. The demo applications have fixed
references (portal/services/demo.py REFERENCES). No visit here changes an application: the
only form submissions are the ones that fail (error states).
"""
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

EXCLUDED = {
    "staff.export_csv": "a CSV file download (UTF-8 with BOM), not a page; tested in "
                        "tests/test_staff_console.py",
    "staff.document": "an uploaded document (image or PDF) shown or downloaded, not a page; "
                      "tested in tests/test_staff_console.py",
}

# Staff accounts (admin). The demo content editor is account 5 (portal/services/demo.py
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
