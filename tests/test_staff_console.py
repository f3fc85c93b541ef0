"""The staff console through the browser's eyes (Flask client): access, the application view,
actions with their version, documents, CSV export and the audit log."""
import csv
import io
import os
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.applications import status_changes
from portal.applications.models import Application, Document
from portal.audit.models import AuditEvent
from portal.cli.demo_content import make_id_number
from portal.extensions import db as _db
from portal.messages.models import OutboxMessage
from portal.people import crypto, identity
from tests.conftest import csrf_token
from tests.support.staff import make_application, make_person
from tests.support.accounts import make_account, sign_in


@pytest.fixture()
def staff(db):
    return {
        "resident": make_account("resident"),
        "street": make_account("street_officer", street="ganting", name="赵刚"),
        "yuxia": make_account("street_officer", street="yuxia"),
        "district": make_account("district_reviewer", name="陈静"),
        "civil": make_account("civil_affairs", name="刘洋"),
        "admin": make_account("admin", name="孙伟"),
    }


def audit_actions(reference=None):
    statement = select(AuditEvent.action).order_by(AuditEvent.id)
    if reference:
        statement = statement.where(AuditEvent.object_id == reference)
    return list(_db.session.scalars(statement))


# ------------------------------------------------------------------------- access

@pytest.mark.parametrize("path", ["/staff/queue", "/staff/export.csv", "/staff/audit",
                                  "/staff/applications/HY-2026-AAAAAA"])
def test_signed_out_visitors_are_kept_out(client, staff, path):
    response = client.get(path)
    assert response.status_code in (302, 303, 401, 403)
    if response.status_code in (302, 303):
        assert "/staff/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("who, path, allowed", [
    ("resident", "/staff/queue", False),
    ("admin", "/staff/queue", False),
    ("street", "/staff/queue", True),
    ("district", "/staff/queue", True),
    ("civil", "/staff/queue", True),
    ("street", "/staff/audit", False),
    ("admin", "/staff/audit", True),
])
def test_each_page_is_for_its_roles(client, staff, who, path, allowed):
    sign_in(client, staff[who])
    assert client.get(path).status_code == (200 if allowed else 403)


def test_another_streets_application_is_not_found_and_not_recorded(client, staff):
    application = make_application(staff["resident"], street="yuxia", name="郑春梅")
    sign_in(client, staff["street"])
    assert client.get(f"/staff/applications/{application.reference}").status_code == 404
    assert client.get(
        f"/staff/applications/{application.reference}/actions/accept").status_code == 404
    assert audit_actions() == []


def test_civil_affairs_sees_only_the_two_subsidies(client, staff):
    devices = make_application(staff["resident"], programme="assistive_devices")
    sign_in(client, staff["civil"])
    assert client.get(f"/staff/applications/{devices.reference}").status_code == 404


# ------------------------------------------------------------------------- queue page

def test_queue_shows_deadlines_in_words(client, staff):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    make_application(staff["resident"], due_at=now - timedelta(days=8), name="黄德明")
    make_application(staff["resident"], name="王秀兰")
    sign_in(client, staff["street"])
    html = client.get("/staff/queue").get_data(as_text=True)
    assert re.search(r"已超期 \d+ 个工作日", html)
    assert re.search(r"还剩 \d+ 个工作日", html)
    assert "其中 1 件已超期" in html
    assert html.index("黄德明") < html.index("王秀兰")  # soonest deadline first


def test_queue_search_is_recorded_without_the_full_id_number(client, staff):
    person, id_number = make_person(name="欧阳秀英")
    make_application(staff["resident"], person=person)
    sign_in(client, staff["street"])
    response = client.post("/staff/queue", data={
        "csrf_token": csrf_token(client, "/staff/queue"), "view": "all", "q": id_number})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "欧阳秀英" in html and "按身份证号码查找" in html
    event = _db.session.scalars(select(AuditEvent)).one()
    assert event.action == "queue.search"
    assert id_number not in str(event.detail) and id_number[-4:] in str(event.detail)


def test_queue_pages_on(client, staff):
    for i in range(27):
        make_application(staff["resident"], name=f"翻页{i:02d}")
    sign_in(client, staff["street"])
    first = client.get("/staff/queue").get_data(as_text=True)
    link = re.search(r'href="(/staff/queue\?after=[^"]+)" rel="next"', first).group(1)
    second = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert second.count("/staff/applications/") == 2
    assert "回到第一页" in second and 'rel="next"' not in second


def test_unknown_filter_values_are_ignored(client, staff):
    make_application(staff["resident"])
    sign_in(client, staff["street"])
    response = client.get("/staff/queue", query_string={"view": "nonsense",
                                                          "programme": "<script>",
                                                          "deadline": "never"})
    assert response.status_code == 200 and "王秀兰" in response.get_data(as_text=True)


# ------------------------------------------------------------------------- application view

def test_the_application_view_shows_everything_and_is_recorded(client, staff):
    application = make_application(staff["resident"], answers={
        "needs_long_term_care": True, "hukou": "huyi", "家庭住址备注": "三楼"})
    sign_in(client, staff["street"])
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    number = identity.of(application.person)
    for text in ("王秀兰", f"尾号{number.last_four}", f"{number.age()}周岁", "三楼", "办理记录",
                 "已提交", "受理", "要求补充材料", "不予批准", "政策规则核对"):
        assert text in html, text
    # at most the last four, and the age instead of the birth date (make_person: 1951-03-14)
    assert "6101" not in html and number.value[:14] not in html and "1951年" not in html
    assert "actions/approve" not in html  # not the street's to approve
    assert audit_actions(application.reference) == ["application.view"]


def test_an_action_with_the_current_version_moves_the_application(client, staff):
    application = make_application(staff["resident"])
    sign_in(client, staff["street"])
    path = f"/staff/applications/{application.reference}/actions/accept"
    html = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "version": version, "note": "材料齐全"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已完成：受理" in page and "内部备注：材料齐全" in page
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "accepted"
    assert "application.accept" in audit_actions(application.reference)


def test_requesting_information_without_a_message_keeps_what_was_typed(client, staff):
    application = make_application(staff["resident"])
    sign_in(client, staff["street"])
    path = f"/staff/applications/{application.reference}/actions/request_info"
    response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "version": str(application.version),
                                       "message": "", "note": "电话联系过"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>错误：" in html and "请写明需要申请人补充什么材料" in html
    assert "电话联系过" in html
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "submitted"


def test_a_stale_form_gets_the_polite_message_and_changes_nothing(client, staff):
    application = make_application(staff["resident"])
    sign_in(client, staff["street"])
    path = f"/staff/applications/{application.reference}/actions/reject"
    token = csrf_token(client, path)
    old_version = application.version
    # Meanwhile a colleague asks for more information... and the applicant answers.
    status_changes.apply_action(application, "request_info", staff["street"],
                                message="请补充照片。")
    status_changes.apply_action(application, "resubmit", staff["resident"])
    assert application.status == "submitted"  # the same state, a newer version
    response = client.post(path, data={"csrf_token": token, "version": str(old_version),
                                       "message": "不符合条件。"})
    assert response.status_code == 409
    assert "此申请刚刚被其他工作人员处理过，请查看最新状态后再操作。" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "submitted"
    assert "application.reject" not in audit_actions()
    assert audit_actions()[-1] == "application.view"  # the latest state was shown: recorded


def test_an_action_no_longer_offered_says_so(client, staff):
    application = make_application(staff["resident"], status="accepted")
    sign_in(client, staff["street"])
    response = client.get(f"/staff/applications/{application.reference}/actions/accept")
    assert response.status_code == 409
    assert "此申请刚刚被其他工作人员处理过" in response.get_data(as_text=True)
    assert client.get(f"/staff/applications/{application.reference}/actions/fly").status_code \
        == 404


def test_posting_without_the_csrf_token_is_refused(client, staff):
    application = make_application(staff["resident"])
    sign_in(client, staff["street"])
    response = client.post(f"/staff/applications/{application.reference}/actions/accept",
                           data={"version": str(application.version)})
    assert response.status_code == 400


def test_a_text_message_goes_to_the_applicant(client, staff):
    application = make_application(staff["resident"])
    sign_in(client, staff["street"])
    path = f"/staff/applications/{application.reference}/actions/request_info"
    client.post(path, data={"csrf_token": csrf_token(client, path),
                            "version": str(application.version),
                            "message": "请补充一张清晰的残疾人证照片。"})
    message = _db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == staff["resident"].phone
    assert application.reference in message.body and "需补充材料" in message.body
    assert "残疾人证" not in message.body and "王秀兰" not in message.body


# ------------------------------------------------------------------------- documents

@pytest.fixture()
def document(app, staff):
    def make(street="ganting", content_type="image/png", removed=False):
        application = make_application(staff["resident"], street=street)
        storage = os.urandom(8).hex()
        with open(os.path.join(app.config["UPLOAD_FOLDER"], storage), "wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n fake")
        from datetime import datetime, timezone

        doc = Document(application_id=application.id, kind="残疾人证", storage_name=storage,
                       original_name="证件.png", content_type=content_type, size_bytes=13,
                       sha256="0" * 64,
                       removed_at=datetime.now(timezone.utc) if removed else None)
        _db.session.add(doc)
        _db.session.commit()
        return application, doc
    return make


def test_documents_are_viewed_and_downloaded_and_each_time_recorded(client, staff, document):
    application, doc = document()
    sign_in(client, staff["street"])
    base = f"/staff/applications/{application.reference}/documents/{doc.id}"
    view = client.get(base + "?view=1")
    assert view.status_code == 200 and view.mimetype == "image/png"
    assert "attachment" not in view.headers.get("Content-Disposition", "")
    assert "sandbox" in view.headers["Content-Security-Policy"]
    assert len(view.headers.getlist("Content-Security-Policy")) == 1   # the portal's not added
    download = client.get(base)
    assert "attachment" in download.headers["Content-Disposition"]
    assert audit_actions(application.reference) == ["document.view", "document.download"]


def test_documents_of_another_street_or_removed_ones_are_not_found(client, staff, document):
    other, other_doc = document(street="yuxia")
    mine, removed = document(removed=True)
    sign_in(client, staff["street"])
    assert client.get(
        f"/staff/applications/{other.reference}/documents/{other_doc.id}").status_code == 404
    assert client.get(
        f"/staff/applications/{mine.reference}/documents/{removed.id}").status_code == 404
    # A document id of another application, under an application the officer may see:
    assert client.get(
        f"/staff/applications/{mine.reference}/documents/{other_doc.id}").status_code == 404
    assert audit_actions() == []


def test_a_pdf_can_be_viewed_but_other_types_only_downloaded(client, staff, document):
    application, doc = document(content_type="text/html")
    sign_in(client, staff["street"])
    response = client.get(
        f"/staff/applications/{application.reference}/documents/{doc.id}?view=1")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.mimetype == "application/octet-stream"


# ------------------------------------------------------------------------- CSV export

def test_csv_export_is_excel_friendly_masked_neutralised_and_recorded(client, staff):
    person, id_number = make_person(name="=HYPERLINK(\"http://evil\")")
    make_application(staff["resident"], person=person)
    make_application(staff["resident"], name="+王")
    make_application(staff["resident"], street="yuxia", name="郑春梅")
    sign_in(client, staff["street"])
    response = client.get("/staff/export.csv?view=all")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "受理编号" and len(rows) == 3  # header + this street's two
    names = {row[2] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://evil\")", "'+王"}
    assert id_number not in raw.decode("utf-8-sig")
    [linked] = [row for row in rows[1:] if row[2].startswith("'=HYPERLINK")]
    assert linked[3] == "尾号" + id_number[-4:]  # the last four only
    assert all(re.fullmatch(r"尾号[\dX]{4}", row[3]) for row in rows[1:])
    assert "郑春梅" not in raw.decode("utf-8-sig")
    assert audit_actions() == ["queue.export"]


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("王秀兰", "王秀兰"), (None, ""), ("a=b", "a=b"),
])
def test_neutralise(cell, expected):
    from portal.spreadsheets import neutralise

    assert neutralise(cell) == expected


# ------------------------------------------------------------------------- audit log

def test_admin_searches_the_audit_log(client, staff):
    one = make_application(staff["resident"])
    two = make_application(staff["resident"], name="张建国")
    status_changes.apply_action(one, "accept", staff["street"])
    status_changes.apply_action(two, "request_info", staff["street"], message="请补充。")
    sign_in(client, staff["admin"])

    def rows(**query):
        html = client.get("/staff/audit", query_string=query).get_data(as_text=True)
        if "没有符合条件的操作记录" in html:
            return 0
        return html.count("<tr>") - 1  # minus the header row

    assert rows() == 2
    assert rows(reference=one.reference.lower()) == 1
    assert rows(action="application.request_info") == 1
    assert rows(actor="赵") == 2 and rows(actor=staff["street"].phone) == 2
    # The admin's own five searches so far are recorded too.
    assert rows(actor="孙") == 5
    assert audit_actions()[-1] == "audit.search"
    from datetime import datetime, timezone

    from portal.applications.working_days import local_date

    today = local_date(datetime.now(timezone.utc)).isoformat()
    assert rows(date_from=today, date_to=today, action="application.accept") == 1
    assert rows(date_from="2020-01-01", date_to="2020-01-02") == 0


def test_audit_log_date_errors_are_explained(client, staff):
    sign_in(client, staff["admin"])
    html = client.get("/staff/audit?date_from=2026-13-40").get_data(as_text=True)
    assert "请按“2026-11-28”的格式输入日期" in html
    html = client.get("/staff/audit?date_from=2026-11-28&date_to=2026-11-01").get_data(
        as_text=True)
    assert "结束日期不能早于开始日期" in html


def test_audit_rows_cannot_be_changed_in_the_database(db, staff):
    """The ORM refuses everywhere, and the database too (triggers on SQLite and PostgreSQL)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from portal.audit import log as audit

    audit.record(staff["admin"], "audit.search", "audit", None, {})
    _db.session.commit()
    for statement in ("UPDATE audit_event SET action = 'changed'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
            with _db.engine.begin() as connection:
                connection.execute(text(statement))
    assert _db.session.scalar(select(AuditEvent.action)) == "audit.search"


ID_1951 = make_id_number("610118", date(1951, 3, 14), 221)


def test_answers_in_the_journeys_sections_are_labelled_and_nothing_secret_shown(client, staff):
    answers = {
        "relationship": "family",
        "personal": {"full_name": "王秀兰", "id_hash": "f" * 64,
                     "id_encrypted": crypto.encrypt(ID_1951), "phone": "13900000001",
                     "address": "甘亭街道示例社区1号", "street": "ganting"},
        "certificate": {"has_certificate": True, "id_hash": "e" * 64, "category": "physical",
                        "grade": 1, "valid_until": "2030-01-01"},
        "household": {"household": "dibao"},
        "payment": {"method": "bank_card", "bank_name": "鄠邑农商银行",
                    "account_holder": "王秀兰", "card_number": "6217 0000 0000 1234"},
        "questions": {"needs_long_term_care": True, "hukou": "huyi"},
        "documents_done": True,
        "consent": {"given": True, "at": "2026-11-20T02:00:00+00:00"},
    }
    application = make_application(staff["resident"], answers=answers)
    sign_in(client, staff["street"])
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    # the sections named as the applicant's journey names them (portal.labels.SECTIONS)
    for text in ("申请对象和关系", "与申请对象的关系", "家属", "基本信息", "残疾人证", "肢体残疾",
                 "2030年1月1日", "甘亭街道", "家庭经济情况", "收款账户", "银行卡", "尾号1234",
                 "本事项需要了解的情况", "户籍", "个人信息授权",
                 f"尾号{ID_1951[-4:]}"):
        assert text in html, text
    assert "f" * 64 not in html and "e" * 64 not in html and "enc:" not in html
    assert ID_1951[:6] not in html and "1951年" not in html
    assert "6217 0000 0000 1234" not in html and "documents_done" not in html


def test_the_rules_read_the_facts_the_journey_stored(db, staff):
    from datetime import date

    from portal.applications.casefile import eligibility_outcome, facts_for

    application = make_application(staff["resident"], answers={
        "certificate": {"has_certificate": True, "category": "physical", "grade": 1,
                        "valid_until": "2026-01-01"},
        "household": {"household": "dibao"},
        "questions": {"hukou": "huyi", "needs_long_term_care": True, "not_a_fact": 1,
                      "work_injury_nursing": "perhaps"},
    })
    facts = facts_for(application, today=date(2026, 11, 28))
    assert facts["has_certificate"] is False          # expired on 2026-01-01
    assert facts["household"] == "dibao" and facts["hukou"] == "huyi"
    assert facts["disability_grade"] == 1 and facts["sex"] in ("male", "female")
    assert "not_a_fact" not in facts and "work_injury_nursing" not in facts
    outcome = eligibility_outcome(application)
    assert outcome.programme == "nursing_allowance" and outcome.reasons


def test_staff_sign_ins_show_in_the_audit_log_by_name(client, staff):
    from portal.accounts import sign_in as accounts
    from tests.support.accounts import PASSWORD

    accounts.authenticate(staff["street"].phone, "wrong password", staff=True)
    accounts.authenticate(staff["street"].phone, PASSWORD, staff=True)
    sign_in(client, staff["admin"])
    html = client.get("/staff/audit", query_string={"actor": "赵"}).get_data(as_text=True)
    assert "登录失败" in html and "连续输错 1 次" in html and "<td>登录</td>" in html
