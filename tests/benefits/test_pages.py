"""The staff pages of the payment rolls and the resident's payments on their status page."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.benefits import rolls
from portal.benefits.models import PaymentLine
from portal.extensions import db as _db
from tests.benefits.helpers import CARD, paying
from tests.conftest import csrf_token
from tests.support.accounts import make_account, sign_in

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


@pytest.fixture()
def world(db):
    resident = make_account("resident")
    civil = make_account("civil_affairs")
    ganting = paying(resident, civil, submitted=MARCH, amount="150", name="王秀兰")
    yuxia = paying(resident, civil, submitted=datetime(2026, 5, 3, tzinfo=timezone.utc),
                   amount="80", band="grade_2", name="李四", street="yuxia")
    return {"resident": resident, "civil": civil, "ganting": ganting, "yuxia": yuxia}


def _audits(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def _build(client, month="2026-05"):
    token = csrf_token(client, "/staff/payments/")
    return client.post("/staff/payments/", data={"csrf_token": token, "month": month,
                                                 "programme": "nursing_allowance"})


def test_civil_affairs_builds_checks_and_confirms_a_roll_with_totals_per_street(client, world):
    sign_in(client, world["civil"], fresh=True)
    response = _build(client)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "王秀兰" in page and "李四" in page
    assert "2026年3月—2026年5月" in page and "450.00" in page   # three months at 150
    assert "甘亭街道" in page and "80.00" in page and "530.00" in page   # per street, total
    assert "尾号" + CARD[-4:] in page and CARD not in page        # never the whole number
    assert _audits("roll.view") == 1
    roll = _db.session.scalar(select(rolls.PaymentRoll))
    token = csrf_token(client, f"/staff/payments/{roll.id}")
    confirmed = client.post(f"/staff/payments/{roll.id}/confirm",
                            data={"csrf_token": token, "version": roll.version})
    assert confirmed.status_code == 303
    # A second confirmation (a stale page) is refused, politely, and changes nothing.
    again = client.post(f"/staff/payments/{roll.id}/confirm",
                        data={"csrf_token": token, "version": roll.version})
    assert again.status_code == 409 and "已经确认过了" in again.get_data(as_text=True)
    assert _audits("roll.confirm") == 1
    # Nor can it be built again.
    refused = _build(client)
    assert refused.status_code == 422 and "不能再重新生成" in refused.get_data(as_text=True)


def test_a_month_written_wrong_gets_a_clear_error(client, world):
    sign_in(client, world["civil"], fresh=True)
    response = _build(client, month="2026-13")
    assert response.status_code == 422
    assert "请按“年-月”输入发放月份" in response.get_data(as_text=True)


def _confirmed(world):
    roll = rolls.build("nursing_allowance", date(2026, 5, 1), world["civil"])
    return rolls.confirm(roll.id, world["civil"])


def test_the_bank_files_hold_every_line_and_the_totals_per_street(client, world):
    roll = _confirmed(world)
    sign_in(client, world["civil"], fresh=True)
    response = client.get(f"/staff/payments/{roll.id}/bank.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "参考号" and len(rows) == 3
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["王秀兰"][4] == CARD and by_name["王秀兰"][5] == "450.00"
    assert by_name["王秀兰"][6] == "2026-03—2026-05" and by_name["李四"][5] == "80.00"
    xlsx = client.get(f"/staff/payments/{roll.id}/bank.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    lines, totals = workbook.worksheets
    assert len(list(lines.iter_rows(values_only=True))) == 3
    street_rows = list(totals.iter_rows(values_only=True))
    assert street_rows[1:] == [("甘亭街道", "1", "450.00"), ("余下街道", "1", "80.00"),
                               ("合计", "2", "530.00")]
    assert _audits("roll.export") == 2


def test_a_draft_is_never_exported(client, world):
    roll = rolls.build("nursing_allowance", date(2026, 5, 1), world["civil"])
    sign_in(client, world["civil"], fresh=True)
    assert client.get(f"/staff/payments/{roll.id}/bank.csv").status_code == 404


def _upload(client, roll, content: bytes):
    token = csrf_token(client, f"/staff/payments/{roll.id}")
    return client.post(f"/staff/payments/{roll.id}/bank-result",
                       data={"csrf_token": token, "file": (io.BytesIO(content), "bank.csv")},
                       content_type="multipart/form-data")


def test_a_bank_file_with_a_bad_line_is_refused_with_the_row_named(client, world):
    roll = _confirmed(world)
    line = _db.session.scalar(select(PaymentLine).where(PaymentLine.recipient_id ==
                                                        world["ganting"].id))
    sign_in(client, world["civil"], fresh=True)
    response = _upload(client, roll, f"{line.id},failed,\n".encode())
    assert response.status_code == 422
    assert "第1行：未发放成功的，请写明银行给出的原因" in response.get_data(as_text=True)


def test_a_failed_payment_is_shown_to_staff_and_to_the_resident_with_its_reason(client, world):
    roll = _confirmed(world)
    failed = _db.session.scalar(select(PaymentLine).where(PaymentLine.recipient_id ==
                                                          world["ganting"].id))
    paid = _db.session.scalar(select(PaymentLine).where(PaymentLine.recipient_id ==
                                                        world["yuxia"].id))
    sign_in(client, world["civil"], fresh=True)
    response = _upload(client, roll, f"{failed.id},failed,账户已冻结\n{paid.id},paid,\n"
                       .encode())
    assert response.status_code == 303
    june = rolls.build("nursing_allowance", date(2026, 6, 1), world["civil"])
    page = client.get(f"/staff/payments/{june.id}").get_data(as_text=True)
    # The bank's reason is marked as the language it is in (WCAG 3.1.2).
    assert '重发（上次未成功：<span lang="zh-CN">账户已冻结</span>）' in page
    rolls.confirm(june.id, world["civil"])
    # The resident: the benefit, its amount and start month, every payment and why one failed.
    sign_in(client, world["resident"], fresh=True)
    reference = _db.session.get(Application, world["ganting"].application_id).reference
    mine = client.get(f"/status/applications/{reference}/").get_data(as_text=True)
    assert "补贴发放" in mine and "150.00 元" in mine and "2026年3月" in mine
    assert '未发放成功。原因：<span lang="zh-CN">账户已冻结</span>' in mine
    assert "2026年3月至2026年6月（4个月，含补发）" in mine and "银行处理中" in mine
    assert '<th scope="col">' in mine and 'id="payments-caption"' in mine


def test_another_account_gets_no_sign_of_someone_elses_benefit(client, world):
    _confirmed(world)
    reference = _db.session.get(Application, world["ganting"].application_id).reference
    stranger = make_account("resident")
    sign_in(client, stranger, fresh=True)
    response = client.get(f"/status/applications/{reference}/")
    assert response.status_code == 404
    assert "补贴发放" not in response.get_data(as_text=True)
    assert "王秀兰" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["street_officer", "district_reviewer", "admin", "resident"])
def test_only_civil_affairs_send_the_rolls_and_street_officers_read_them(client, world, role):
    roll = _confirmed(world)
    sign_in(client, make_account(role), fresh=True)
    reads = 200 if role == "street_officer" else 403
    assert client.get("/staff/payments/").status_code == reads
    assert client.get(f"/staff/payments/{roll.id}").status_code == reads
    for path in (f"/staff/payments/{roll.id}/bank.csv", f"/staff/payments/{roll.id}/bank.xlsx"):
        assert client.get(path).status_code == 403, path
    assert _audits("roll.view") == (1 if reads == 200 else 0) and _audits("roll.export") == 0


# ── street officers: their own street's lines and recipients, read-only ──────────────────

def test_a_street_officer_reads_only_their_own_streets_lines_and_changes_nothing(client, world):
    roll = _confirmed(world)
    officer = make_account("street_officer", street="ganting")
    sign_in(client, officer, fresh=True)
    listing = client.get("/staff/payments/").get_data(as_text=True)
    assert "发放名册" in listing and 'name="programme"' not in listing     # no build form
    page = client.get(f"/staff/payments/{roll.id}").get_data(as_text=True)
    assert "王秀兰" in page and "李四" not in page           # 李四 lives in 余下街道
    assert "450.00" in page and "80.00" not in page
    assert "bank.xlsx" not in page and "确认名册" not in page and "导入银行结果" not in page
    view = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roll.view")
                              .order_by(AuditEvent.id.desc()))
    assert view.detail["street"] == "ganting" and view.detail["lines"] == 1
    # Everything that changes or sends the roll stays civil affairs' own.
    token = csrf_token(client, f"/staff/payments/{roll.id}")
    assert client.get(f"/staff/payments/{roll.id}/bank.csv").status_code == 403
    assert client.get(f"/staff/payments/{roll.id}/bank.xlsx").status_code == 403
    assert client.post("/staff/payments/", data={
        "csrf_token": token, "month": "2026-06", "programme": "nursing_allowance"}
    ).status_code == 403
    assert client.post(f"/staff/payments/{roll.id}/confirm",
                       data={"csrf_token": token, "version": roll.version}).status_code == 403
    assert _db.session.scalar(select(func.count()).select_from(rolls.PaymentRoll)) == 1


def test_a_street_officer_sees_their_recipients_and_another_streets_as_not_found(client, world):
    officer = make_account("street_officer", street="ganting")
    sign_in(client, officer, fresh=True)
    listing = client.get("/staff/payments/recipients").get_data(as_text=True)
    assert "王秀兰" in listing and "李四" not in listing
    own = client.get(f"/staff/payments/recipients/{world['ganting'].id}")
    assert own.status_code == 200
    page = own.get_data(as_text=True)
    assert "只能查看" in page and "suspend_reason" not in page and "end_reason" not in page
    other = client.get(f"/staff/payments/recipients/{world['yuxia'].id}")
    missing = client.get("/staff/payments/recipients/999999")
    assert other.status_code == missing.status_code == 404
    # The same page, but for the address it names (its own, in the language links) and the
    # clock time a signed-in page says the session ends at (the minute may turn in between)
    def page(response, path):
        return re.sub(r"\d{1,2}:\d{2}", "", response.get_data(as_text=True).replace(path, ""))

    assert page(other, f"recipients/{world['yuxia'].id}") == page(missing, "recipients/999999")
    token = csrf_token(client, "/staff/")
    refused = client.post(f"/staff/payments/recipients/{world['ganting'].id}/suspend",
                          data={"csrf_token": token, "suspend_reason": "hospital_stay",
                                "suspend_since": "2026-06"})
    assert refused.status_code == 403
    assert _db.session.get(type(world["ganting"]), world["ganting"].id).status == "paying"
    assert _audits("recipient.view") == 1 and _audits("recipient.list") == 1


def test_an_officer_without_a_street_and_other_roles_see_no_recipient(client, world):
    for account in (make_account("street_officer", street=None),
                    make_account("district_reviewer")):
        sign_in(client, account, fresh=True)
        if account.role == "street_officer":
            page = client.get("/staff/payments/recipients").get_data(as_text=True)
            assert "王秀兰" not in page and "李四" not in page
            assert client.get(
                f"/staff/payments/recipients/{world['ganting'].id}").status_code == 404
        else:
            assert client.get("/staff/payments/recipients").status_code == 403
        client.get("/staff/sign-out")
