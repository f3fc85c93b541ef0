"""Second claims for the same person (issue 14): a submission against an application in any state
that matters is accepted without an oracle, flagged on both cases with a side-by-side
comparison (audited), held from approval until an officer resolves it with a reason (audited),
and the person's phone on record is told."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from portal.applications import duplicates
from portal.applications import status_changes as sc
from portal.applications import status_machine as sm
from portal.applications.models import Application, DuplicateFlag, StatusEvent
from portal.audit.models import AuditEvent
from portal.messages.models import OutboxMessage
from portal.people.models import Person
from tests.support.apply import CARD, fill_all, luhn_complete, post, start_for_other
from tests.support.staff import decision_details, make_application
from tests.support.accounts import make_account, sign_in
from tests.support.pages import spoken_text

OTHER_CARD = luhn_complete("621700987654321")
NEIGHBOUR = "13900000009"


def submit(client, draft_id):
    return post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})


def file_claim(client, phone: str, name: str, programme: str = "living_allowance",
               card: str = CARD) -> Application:
    """`phone`'s account files `programme` for the mother through the journey."""
    sign_in(client, make_account(phone=phone, name=name))
    draft_id = start_for_other(client, programme)
    fill_all(client, draft_id, programme)
    if card != CARD:
        response = post(client, f"/apply/drafts/{draft_id}/payment", {
            "method": "bank_card", "bank_name": "中国建设银行鄠邑支行",
            "account_holder": "王秀英", "card_number": card})
        assert response.status_code == 303
    response = submit(client, draft_id)
    assert response.status_code == 303, spoken_text(response)[:2000]
    from portal.extensions import db

    return db.session.scalar(select(Application).order_by(Application.id.desc()).limit(1))


def flagged_pair(status: str = "accepted", filer=None, **first_details):
    """An application for living_allowance in `status` and a second claim for the same person
    (by `filer`, else another resident), flagged and committed: (first, second, flag)."""
    from portal.extensions import db

    first = make_application(make_account("resident"), programme="living_allowance",
                             status=status, **first_details)
    second = make_application(filer or make_account("resident"), programme="living_allowance",
                              person=first.person)
    [flag] = duplicates.flag_new_claim(second)
    db.session.commit()
    return first, second, flag


def move_to(application: Application, status: str) -> None:
    from portal.extensions import db

    application.status = status
    application.status_changed_at = datetime.now(timezone.utc)
    db.session.add(StatusEvent(application_id=application.id, from_status="submitted",
                               to_status=status))
    db.session.commit()


@pytest.fixture()
def second_claim(app, client, db):
    """The issue's case: the daughter's 困难残疾人生活补贴 for her mother is in public notice
    (accepted before the phone on record was kept); a neighbour's account files the same
    programme for the mother with another bank card."""
    first = file_claim(client, "13911112222", "李红")
    move_to(first, "public_notice")
    person = db.session.get(Person, first.person_id)
    person.phone = None
    db.session.commit()
    with app.test_client() as neighbour:
        second = file_claim(neighbour, NEIGHBOUR, "邻居", card=OTHER_CARD)
        page = spoken_text(neighbour.get(f"/apply/applications/{second.reference}/"))
    return first, second, page


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_claim_against_one_in_public_notice_is_accepted_without_an_oracle_and_flagged(
        db, second_claim):
    first, second, confirmation = second_claim
    assert second.status == "submitted" and second.person_id == first.person_id
    assert first.reference not in confirmation and "同一事项" not in confirmation
    flag = db.session.scalar(select(DuplicateFlag))
    assert (flag.application_id, flag.other_application_id, flag.resolution) == (
        second.id, first.id, None)
    assert duplicates.is_held(first) and duplicates.is_held(second)


@pytest.mark.parametrize("status", sm.CLAIM_STATES)
def test_every_state_that_matters_is_checked(db, status):
    resident, neighbour = make_account("resident"), make_account("resident")
    first = make_application(resident, programme="living_allowance", status=status)
    second = make_application(neighbour, programme="living_allowance", person=first.person)
    duplicates.flag_new_claim(second)
    db.session.commit()
    assert count(db, DuplicateFlag) == 1


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "merged"])
def test_closed_applications_and_other_programmes_raise_no_flag(db, status):
    resident = make_account("resident")
    first = make_application(resident, programme="living_allowance", status=status)
    make_application(resident, programme="nursing_allowance", person=first.person,
                     status="paying")
    second = make_application(resident, programme="living_allowance", person=first.person)
    duplicates.flag_new_claim(second)
    db.session.commit()
    assert count(db, DuplicateFlag) == 0


def test_the_persons_phone_on_record_is_told_even_when_only_the_accepted_application_has_it(
        db, second_claim):
    """The older application was accepted before the phone on record was kept: the number
    given in it is the one told (the issue: "the person got no text")."""
    first, second, _page = second_claim
    texts = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == first.answers["personal"]["phone"])).all()
    told = [m for m in texts if second.reference in m.body and "以您的名义" in m.body]
    assert len(told) == 1
    assert "王秀英" not in told[0].body and first.reference not in told[0].body


def test_both_case_pages_show_the_flag_side_by_side_masked_and_audited(app, db, second_claim):
    first, second, _page = second_claim
    civil = make_account("civil_affairs")
    with app.test_client() as staff:
        sign_in(staff, civil)
        for shown, other in ((second, first), (first, second)):
            page = spoken_text(staff.get(f"/staff/applications/{shown.reference}"))
            assert "可能重复的申请" in page and other.reference in page
            assert "两份申请对比" in page
            # what differs: the card (its last four only), who filed
            assert f"尾号{CARD[-4:]}" in page and f"尾号{OTHER_CARD[-4:]}" in page
            assert CARD not in page and OTHER_CARD not in page
            assert "邻居" in page and "李红" in page
            assert re.search(r"卡号 尾号\d{4} 尾号\d{4} 不同", page)
            assert re.search(r"开户银行 \S+ \S+ 不同", page)
            assert re.search(r"住址 \S+ \S+ 相同", page)
        queue = spoken_text(staff.post("/staff/queue", data={
            "view": "all", "csrf_token": _token(staff, "/staff/queue")},
            follow_redirects=True))
        assert queue.count("可能重复申请：待核实") == 2
    viewed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "duplicate.compare")).all()
    assert {(e.object_id, tuple(e.detail["others"])) for e in viewed} == {
        (second.reference, (first.reference,)), (first.reference, (second.reference,))}


def _token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_an_officer_who_cannot_see_the_other_application_sees_no_details(app, db):
    first, second, _flag = flagged_pair("paying", street="yuxia")
    officer = make_account("street_officer", street="ganting")
    with app.test_client() as staff:
        sign_in(staff, officer)
        page = spoken_text(staff.get(f"/staff/applications/{second.reference}"))
        assert "不在您可以查看的范围内" in page and "两份申请对比" not in page
        flag = db.session.scalar(select(DuplicateFlag))
        assert staff.get(f"/staff/applications/{second.reference}/duplicates/{flag.id}"
                         ).status_code == 404
    assert count(db, AuditEvent, AuditEvent.action == "duplicate.compare") == 0


def test_the_status_machine_refuses_approval_while_a_flag_stands(app, db):
    assert "approve" not in {a.code for a in sm.allowed_actions(
        "district_reviewed", "civil_affairs", "living_allowance", held=True)}
    assert "approve" in {a.code for a in sm.allowed_actions(
        "district_reviewed", "civil_affairs", "living_allowance")}
    resident, civil = make_account("resident"), make_account("civil_affairs")
    first = make_application(resident, programme="living_allowance", status="approved")
    second = make_application(make_account("resident"), programme="living_allowance",
                              person=first.person, status="district_reviewed")
    duplicates.flag_new_claim(second)
    db.session.commit()
    assert "approve" not in {a.code for a in sc.available_actions(second, civil)}
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(second, "approve", civil, details=decision_details(second, "approve"))
    db.session.rollback()
    with app.test_client() as staff:
        sign_in(staff, civil)
        response = staff.get(f"/staff/applications/{second.reference}/actions/approve")
        assert response.status_code == 409
        assert "处理之前不能批准" in spoken_text(response)
        assert "刚刚被其他工作人员处理过" not in spoken_text(response)
    flag = db.session.scalar(select(DuplicateFlag))
    duplicates.resolve(civil, flag, "legitimate", "两份申请经核实是同一人，但前一份已停发，需重新申请。")
    assert "approve" in {a.code for a in sc.available_actions(second, civil)}


def _resolve(staff, application, flag, **data):
    path = f"/staff/applications/{application.reference}/duplicates/{flag.id}"
    return staff.post(path, data={"csrf_token": _token(staff, path), **data})


def test_merging_closes_the_newer_records_the_differences_and_tells_its_filer(
        app, db, second_claim):
    first, second, _page = second_claim
    civil = make_account("civil_affairs")
    flag = db.session.scalar(select(DuplicateFlag))
    with app.test_client() as staff:
        sign_in(staff, civil)
        # a reason is required – spaces are no reason
        response = _resolve(staff, second, flag, resolution="merged", reason="   \n ")
        assert response.status_code == 400 and "请写明处理理由" in spoken_text(response)
        assert count(db, AuditEvent, AuditEvent.action == "duplicate.resolve") == 0
        response = _resolve(staff, second, flag, resolution="merged",
                            reason="电话联系本人核实：邻居代办前不知道女儿已申请，卡号以本人的为准。")
        assert response.status_code == 303
        older_page = spoken_text(staff.get(f"/staff/applications/{first.reference}"))
        assert f"申请{second.reference}已并入这份申请" in older_page
        assert f"卡号（申请{second.reference}填写的） 尾号{OTHER_CARD[-4:]}" in older_page
        assert "已合并" in older_page and "电话联系本人核实" in older_page
        newer_page = spoken_text(staff.get(f"/staff/applications/{second.reference}"))
        assert f"已并入申请{first.reference}" in newer_page
    db.session.expire_all()
    second = db.session.get(Application, second.id)
    first = db.session.get(Application, first.id)
    assert (second.status, second.due_at) == ("merged", None) and first.status == "public_notice"
    flag = db.session.get(DuplicateFlag, flag.id)
    assert (flag.resolution, flag.resolved_by_account_id) == ("merged", civil.id)
    event = db.session.scalar(select(StatusEvent).where(
        StatusEvent.application_id == first.id).order_by(StatusEvent.id.desc()).limit(1))
    assert event.details["kind"] == "merged_in" and "payment.card_number" in \
        event.details["differences"] and "filed_by" in event.details["differences"]
    assert "personal.address" not in event.details["differences"]
    [audit] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "duplicate.resolve")).all()
    assert audit.object_id == second.reference and audit.detail["resolution"] == "merged"
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == NEIGHBOUR)).all()[-1]
    assert "并入" in told.body and second.reference in told.body
    assert first.reference not in told.body
    with app.test_client() as neighbour:
        sign_in(neighbour, make_account(phone=NEIGHBOUR, name="邻居"))
        page = spoken_text(neighbour.get(f"/status/applications/{second.reference}/"))
        assert "已合并" in page and "已并入那一份一起办理" in page
        assert first.reference not in page and "电话联系本人核实" not in page
    with app.test_client() as daughter:   # the older one's timeline says so too, no more
        sign_in(daughter, make_account(phone="13911112222", name="李红"))
        page = spoken_text(daughter.get(f"/status/applications/{first.reference}/"))
        assert "把同一申请对象同一事项的另一份申请并入了这份申请" in page
        assert second.reference not in page and "邻居" not in page
        assert "电话联系本人核实" not in page
    assert not duplicates.is_held(first)


def test_rejecting_as_a_duplicate_and_confirming_as_legitimate(app, db):
    officer = make_account("street_officer")
    first, second, flag = flagged_pair()
    assert db.session.scalars(select(DuplicateFlag)).all() == [flag]
    with pytest.raises(duplicates.ResolutionError):
        duplicates.resolve(officer, flag, "rejected", " ")
    duplicates.resolve(officer, flag, "rejected", "同一人同一事项重复申请。")
    assert second.status == "rejected" and second.events[-1].internal_note == "同一人同一事项重复申请。"
    assert "不予批准" in second.events[-1].message_to_applicant
    with pytest.raises(duplicates.ResolutionError):
        duplicates.resolve(officer, flag, "legitimate", "再处理一次")
    # A third claim: flagged against the first only (the rejected one no longer counts).
    third = make_application(make_account("resident"), programme="living_allowance",
                             person=first.person)
    [flag] = duplicates.flag_new_claim(third)
    db.session.commit()
    assert flag.other_application_id == first.id and duplicates.is_held(first)
    duplicates.resolve(officer, flag, "legitimate", "核实后不是重复申请。")
    assert third.status == "submitted" and not duplicates.is_held(third)
    assert not duplicates.is_held(first)


def test_only_an_officer_who_sees_both_and_is_not_too_close_resolves(app, db):
    officer = make_account("street_officer")
    first, second, flag = flagged_pair(filer=officer)
    assert not duplicates.may_resolve(officer, flag)          # he filed the newer one
    assert not duplicates.may_resolve(make_account("street_officer", street="yuxia"), flag)
    assert not duplicates.may_resolve(make_account("admin"), flag)
    assert duplicates.may_resolve(make_account("civil_affairs"), flag)
    with app.test_client() as staff:
        sign_in(staff, officer)
        path = f"/staff/applications/{second.reference}/duplicates/{flag.id}"
        assert staff.get(path).status_code == 403
        forged = staff.post(path, data={"csrf_token": _token(
            staff, f"/staff/applications/{second.reference}"), "resolution": "legitimate",
            "reason": "自己处理"})
        assert forged.status_code == 403
        refused = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "application.conflict_refused")).all()
        assert [(e.object_id, e.detail["action"]) for e in refused] == [
            (second.reference, "resolve_duplicate")]
        assert db.session.get(DuplicateFlag, flag.id).resolution is None
        assert "处理这个重复申请提示" not in spoken_text(staff.get(
            f"/staff/applications/{second.reference}"))


def test_the_migration_adds_and_removes_the_flags_and_details(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect
    from sqlalchemy import text as sql

    first, second, flag = flagged_pair()
    duplicates.resolve(make_account("civil_affairs"), flag, "merged", "重复")
    reference = second.reference
    db.session.close()
    downgrade(revision="0012_person_links")
    try:
        assert "duplicate_flag" not in inspect(db.engine).get_table_names()
        assert "details" not in {c["name"] for c in inspect(db.engine).get_columns(
            "status_event")}
        status = db.session.execute(sql("SELECT status FROM application WHERE reference = :r"),
                                    {"r": reference}).scalar()
        assert status == "rejected"
        assert db.session.execute(sql(
            "SELECT count(*) FROM status_event WHERE to_status = 'merged'")).scalar() == 0
        db.session.rollback()
        db.session.close()
    finally:
        upgrade()
    assert "duplicate_flag" in inspect(db.engine).get_table_names()
    assert count(db, DuplicateFlag) == 0


def test_a_withdrawn_second_claim_no_longer_holds_the_first(app, db):
    neighbour = make_account("resident")
    first, second, _flag = flagged_pair("district_reviewed", filer=neighbour)
    civil = make_account("civil_affairs")
    assert "approve" not in {a.code for a in sc.available_actions(first, civil)}
    sc.apply_action(second, "withdraw", neighbour)
    assert "approve" in {a.code for a in sc.available_actions(first, civil)}
    assert duplicates.flagged_ids([first.id, second.id]) == set()
    with app.test_client() as staff:
        sign_in(staff, civil)
        page = spoken_text(staff.get(f"/staff/applications/{first.reference}"))
        assert "其中一份申请已经办结，不再暂停批准" in page


def test_two_claims_submitted_at_the_same_moment_are_flagged(app, client, db, monkeypatch):
    """Two accounts submit for the same person at once (PostgreSQL, two connections): the
    person's row is locked before the check, so the second sees the first and is flagged."""
    import threading

    from portal.accounts.models import Account
    from portal.applications import filing as applications

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the second submission waits at its first write")
    from portal.people import identity
    from tests.support.apply import MOTHER_ID

    # Known already, her record complete: neither submission makes or changes her row.
    db.session.add(Person(full_name="王秀英", **identity.stored_fields(MOTHER_ID),
                          street="ganting", address="鄠邑区甘亭街道", disability_category="physical",
                          disability_grade=1))
    db.session.commit()
    drafts = []
    for phone, name in (("13911112222", "李红"), (NEIGHBOUR, "邻居")):
        with app.test_client() as someone:
            sign_in(someone, make_account(phone=phone, name=name))
            draft_id = start_for_other(someone, "living_allowance")
            fill_all(someone, draft_id, "living_allowance")
            drafts.append((phone, draft_id))
    db.session.commit()
    barrier, original = threading.Barrier(2), duplicates.flag_new_claim

    def together(application):
        barrier.wait(timeout=20)      # both have inserted theirs; neither has committed
        return original(application)

    monkeypatch.setattr(duplicates, "flag_new_claim", together)
    failures = []

    def send(phone, draft_id):
        with app.test_request_context():
            try:
                account = db.session.scalar(select(Account).where(Account.phone == phone))
                applications.submit(draft_id, account, locale="zh_Hans_CN")
            except Exception as problem:  # noqa: BLE001 – reported below
                failures.append(problem)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=draft) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert count(db, Application, Application.programme == "living_allowance",
                 Application.status == "submitted") == 2
    assert count(db, DuplicateFlag) == 1
