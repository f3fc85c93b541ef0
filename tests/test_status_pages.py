"""我的申请: the list, one application's page (status, next step, timeline, documents) and
withdrawing – for the applicant, and what others see."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.accounts.models import AccessGrant
from portal.applications import documents, status_changes
from portal.applications.models import Application, Document, StatusEvent
from tests.support.status import (
    PNG,
    family,
    make_application,
    make_link,
    messages_to,
    post,
    request_info,
)
from tests.support.accounts import make_account, sign_in
from tests.support.pages import main_text


def test_signed_out_visitors_are_offered_sign_in_and_the_family_look_up(client, db):
    response = client.get("/status/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/account/sign-in?next=/status/" in html
    assert 'href="/status/lookup"' in html
    assert "<h1>查询办理进度</h1>" in html


def test_staff_are_sent_to_their_console(client, db):
    officer = make_account("street_officer", street="ganting")
    sign_in(client, officer)
    response = client.get("/status/")
    assert response.status_code == 200 and 'href="/staff/"' in response.get_data(as_text=True)
    assert client.get("/status/access/").status_code == 403


def test_the_list_groups_own_for_others_and_granted(client, db):
    f = family()
    own_person = f.daughter  # the daughter applies for herself too
    from tests.support.staff import make_person

    herself, _ = make_person(name="李梅")
    make_link(own_person, herself)
    mine = make_application(f.daughter, person=herself, programme="living_allowance")
    # The son's father: the son applied; the mother's grant lets the daughter see nothing of
    # that, but a grant from the son for his father does.
    father, _ = make_person(name="李建国")
    fathers = make_application(f.son, person=father, programme="assistive_devices")
    make_link(f.son, father, "guardian")
    db.session.add(AccessGrant(person_id=father.id, grantee_phone=f.daughter.phone,
                               granted_by_account_id=f.son.id))
    db.session.commit()
    sign_in(client, f.daughter)
    text = main_text(client.get("/status/"))
    own_at, others_at, granted_at = (text.index("我本人的申请"), text.index("我为家人或他人提交的申请"),
                                     text.index("家人授权我查看的申请"))
    assert own_at < text.index(mine.reference) < others_at
    assert others_at < text.index(f.application.reference) < granted_at
    assert granted_at < text.index(fathers.reference)
    assert "已受理" in text and "提交日期" in text


def test_an_empty_list_says_so_and_offers_to_apply(client, db):
    sign_in(client, make_account("resident"))
    response = client.get("/status/")
    assert "您还没有提交过申请" in main_text(response)


def test_the_application_page_shows_status_next_step_deadline_and_timeline(client, db):
    f = family(status="accepted")
    event = db.session.scalars(select(StatusEvent).where(
        StatusEvent.to_status == "accepted")).one()
    event.message_to_applicant = "材料齐全，已受理。"
    event.internal_note = "内部：核对过户籍"
    event.created_at = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
    db.session.commit()
    sign_in(client, f.daughter)
    response = client.get(f"/status/applications/{f.application.reference}/")
    assert response.status_code == 200
    text = main_text(response)
    assert "办理状态：已受理" in text and "街道已受理您的申请，正在初审。" in text
    assert "街道正在初审。" in text and "个工作日" in text
    assert "2026年11月28日" in text
    assert "工作人员的说明：材料齐全，已受理。" in text
    assert "内部" not in text and "核对过户籍" not in response.get_data(as_text=True)


def test_the_reference_is_forgiving_in_the_address(client, db):
    f = family()
    sign_in(client, f.daughter)
    lower = f.application.reference.lower()
    assert client.get(f"/status/applications/{lower}/").status_code == 200


def test_english_pages_use_english_words_and_dates(english_client, db):
    f = family()
    f.application.submitted_at = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
    db.session.commit()
    sign_in(english_client, f.daughter)
    text = main_text(english_client.get(f"/status/applications/{f.application.reference}/"))
    assert "28 November 2026" in text
    assert "Accepted" in text


def _stored_document(application, account, name="证件.png"):
    import io

    from werkzeug.datastructures import FileStorage

    return documents.store(FileStorage(io.BytesIO(PNG), filename=name), kind="supplement",
                           account_id=account.id, application_id=application.id)


def test_documents_download_through_the_authorised_view(client, db):
    f = family()
    document = _stored_document(f.application, f.daughter)
    sign_in(client, f.daughter)
    page = client.get(f"/status/applications/{f.application.reference}/").get_data(as_text=True)
    link = f"/status/applications/{f.application.reference}/documents/{document.id}"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")  # the re-saved photo
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    # Another application's reference with this document's id: not found.
    other = make_application(f.daughter, name="别人", programme="living_allowance")
    assert client.get(f"/status/applications/{other.reference}/documents/{document.id}"
                      ).status_code == 404


def test_withdrawing_asks_first_then_goes_through_the_status_machine(client, db):
    f = family(status="accepted")
    sign_in(client, f.daughter)
    page = f"/status/applications/{f.application.reference}/"
    assert "撤回申请" in main_text(client.get(page))
    confirm = client.get(page + "withdraw")
    assert confirm.status_code == 200 and "确定要撤回这份申请吗？" in main_text(confirm)
    response = post(client, page + "withdraw", {"version": str(f.application.version)},
                    page=page + "withdraw")
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    db.session.expire_all()
    application = db.session.get(Application, f.application.id)
    assert application.status == "withdrawn"
    event = db.session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor_account_id) == (
        "accepted", "withdrawn", f.daughter.id)
    assert any("已撤回" in m.body for m in messages_to(f.daughter.phone))
    assert "您已撤回这份申请" in main_text(client.get(page))


def test_a_stale_withdrawal_changes_nothing(client, db):
    f = family(status="accepted")
    sign_in(client, f.daughter)
    path = f"/status/applications/{f.application.reference}/withdraw"
    response = post(client, path, {"version": str(f.application.version - 1)}, page=path)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, f.application.id).status == "accepted"
    assert "有了新的进展" in main_text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("status", ["approved", "rejected", "withdrawn", "paying"])
def test_withdrawing_is_offered_only_where_the_status_machine_allows(client, db, status):
    f = family(status=status)
    sign_in(client, f.daughter)
    page = f"/status/applications/{f.application.reference}/"
    assert "撤回申请" not in main_text(client.get(page))
    assert client.get(page + "withdraw").status_code == 303
    response = post(client, page + "withdraw", {"version": str(f.application.version)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, f.application.id).status == status


def test_a_family_member_with_access_sees_but_cannot_withdraw_or_answer(client, db):
    f = family(status="accepted")
    request_info(f.application, f.officer)
    db.session.add(AccessGrant(person_id=f.mother.id, grantee_phone=f.son.phone,
                               granted_by_account_id=f.daughter.id))
    db.session.commit()
    sign_in(client, f.son)
    page = f"/status/applications/{f.application.reference}/"
    response = client.get(page)
    text = main_text(response)
    assert response.status_code == 200 and "请补充一张清晰的残疾人证照片。" in text
    assert "需要由提交申请的人登录后办理" in text
    assert f"{page}answer" not in response.get_data(as_text=True)
    assert client.get(page + "withdraw").status_code == 404
    assert client.get(page + "answer").status_code == 404
    assert post(client, page + "withdraw", {"version": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Application, f.application.id).status == "needs_info"


def test_the_person_themselves_sees_applications_made_for_them_once_proven(client, db):
    f = family()
    mother_account = make_account("resident", phone="13900000005", name="王秀兰")
    sign_in(client, mother_account)
    # Not yet proven: nothing of hers shows.
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 404
    make_link(mother_account, f.mother)
    assert f.application.reference in main_text(client.get("/status/"))
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 200
    # It is her application: she may withdraw it (a family member with a grant may not).
    assert client.get(f"/status/applications/{f.application.reference}/withdraw"
                      ).status_code == 200


def test_pages_need_a_signed_in_resident(client, db):
    f = family()
    response = client.get(f"/status/applications/{f.application.reference}/")
    assert response.status_code == 303 and "/account/sign-in" in response.headers["Location"]


def test_withdrawing_keeps_the_documents(client, db):
    f = family()
    _stored_document(f.application, f.daughter)
    status_changes.apply_action(f.application, "withdraw", f.daughter)
    assert db.session.scalars(select(Document)).one().removed_at is None


def test_applications_waiting_for_an_answer_come_first(client, db):
    f = family(status="accepted")
    later = make_application(f.daughter, name="张三", programme="living_allowance")
    later.submitted_at = f.application.submitted_at + timedelta(days=1)
    db.session.commit()
    sign_in(client, f.daughter)
    text = main_text(client.get("/status/"))
    assert text.index(later.reference) < text.index(f.application.reference)
    request_info(f.application, f.officer)
    text = main_text(client.get("/status/"))
    assert text.index(f.application.reference) < text.index(later.reference)


def test_messages_are_escaped_and_marked_with_their_language(english_client, db):
    f = family(status="accepted")
    request_info(f.application, f.officer, message="请补充<script>alert(1)</script>照片。")
    sign_in(english_client, f.daughter)
    html = english_client.get(f"/status/applications/{f.application.reference}/"
                              ).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert '<span lang="zh-CN">请补充&lt;script&gt;alert(1)&lt;/script&gt;照片。</span>' in html
