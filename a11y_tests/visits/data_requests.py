"""A person's requests about their data (portal/retention, issue 21) in the browser: the
person's list, the correction and deletion forms (empty and failing), a decided request with
what the law kept, and the staff's queue and one request.

The demo (portal/cli/demo_content.py `_demo_data_requests`): the resident 13900000001, proven
guardian of 杜小龙 (confirmed at the counter), asked to correct his address (open, with a
supporting document) and to delete his data (decided: partly kept – his approved application and
its payments are kept by law). Pages reached by an id are opened by clicking their link on the
page that lists them. No visit changes anything: the only forms sent are the ones that fail.
"""
from a11y_tests.registry import Visit

RESIDENT = "13900000001"
CIVIL = "13800000003"
SUBMIT = ("click", "main form button[type=submit]")


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def visit(endpoint, path, name, actions=(), expect=None, account=RESIDENT):
    return Visit(endpoint, path, f"data-requests-{name}", account=account,
                 actions=tuple(actions), expect_text=expect)


DECIDED_LINK = ("click", "main table tbody tr:first-child a[href^='/account/data-requests/']")
STAFF_LINK = ("click", "main table a[href^='/staff/data-requests/']")

VISITS = [
    visit("data_requests.index", "/account/data-requests", "mine",
          expect=zh_en("我提出的申请", "My requests")),
    visit("data_requests.correct", "/account/data-requests/correct", "correct",
          expect=zh_en("申请更正个人信息", "Ask for a correction")),
    visit("data_requests.correct", "/account/data-requests/correct", "correct-empty",
          [SUBMIT], expect=zh_en("请写下哪一项信息不对", "Write which information is wrong")),
    visit("data_requests.delete", "/account/data-requests/delete", "delete",
          expect=zh_en("申请删除个人信息", "Ask for deletion")),
    visit("data_requests.request_page", "/account/data-requests", "decided", [DECIDED_LINK],
          expect=zh_en("依法保存、没有删除的信息", "Kept by law, not deleted")),
    visit("staff_data_requests.queue", "/staff/data-requests", "queue", account=CIVIL,
          expect=zh_en("待办结的申请", "Requests to decide")),
    visit("staff_data_requests.queue", "/staff/data-requests?decided=1", "queue-decided",
          account=CIVIL, expect=zh_en("已办结的申请", "Decided requests")),
    visit("staff_data_requests.data_request", "/staff/data-requests", "request", [STAFF_LINK],
          account=CIVIL, expect=zh_en("地址写错了", "地址写错了")),
    visit("staff_data_requests.data_request", "/staff/data-requests", "request-empty",
          [STAFF_LINK, SUBMIT], account=CIVIL,
          expect=zh_en("请选择办理结果", "Choose the outcome")),
]

EXCLUDED = {
    "staff_data_requests.document": "a file download (the supporting document), not a page",
}
