"""Retention (portal/retention, portal/data/retention.yaml): the dry run changes nothing and
counts right; the real run deletes or anonymises exactly what is past its period and nothing
younger, files included, in one audit row; the audit chain still verifies; a second run finds
nothing. And a person's requests: only a proven account asks, staff decide, the person is told
– what the law keeps is kept and explained."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.accounts.models import OneTimeCode
from portal.applications import documents
from portal.applications.models import Application, Document, Draft, KeptAnswers
from portal.audit import chain
from portal.audit.models import AuditEvent
from portal.messages.models import OutboxMessage
from portal.questions import questions
from portal.questions.models import Question
from portal.ratings.models import Rating
from portal.retention import erasure, policy, requests, sweep
from portal.retention.models import AnonymisedRecord, DataRequest
from portal.tasks import schedule
from tests.benefits.helpers import paying
from tests.support.accounts import make_account, messages_to, sign_in, submit
from tests.support.pages import main_text
from tests.support.staff import make_application, make_link, make_person
from tests.support.status import PNG

NOW = datetime.now(timezone.utc)


def _ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def _file(name, **where) -> Document:
    from werkzeug.datastructures import FileStorage

    return documents.store(FileStorage(io.BytesIO(PNG), filename=name), **where)


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture()
def aged(app, db):
    """One row past its period and one younger, for every kind the task acts on."""
    resident = make_account("resident", phone="13900000011")
    rows = {}
    for age, days in (("old", 400), ("young", 300)):
        draft = Draft(account_id=resident.id, programme="nursing_allowance", answers={})
        db.session.add(draft)
        db.session.commit()
        rows[f"{age}_draft_file"] = documents.path_of(
            _file("草稿.png", kind="doc-x", account_id=resident.id, draft_id=draft.id))
        draft.updated_at = _ago(days)
        rows[f"{age}_draft"] = draft.id
    for age, days in (("old", 1200), ("young", 200), ("mid", 500)):
        refused = make_application(resident, status="rejected")
        refused.status_changed_at = _ago(days)
        refused.events[-1].message_to_applicant = "不符合条件的原因"
        rows[f"{age}_refused"] = refused.id
        rows[f"{age}_refused_file"] = documents.path_of(
            _file("证件.png", kind="id_card", account_id=resident.id,
                  application_id=refused.id))
    approved = make_application(resident, status="paying")
    approved.status_changed_at = _ago(5000)
    rows["approved"] = approved.id
    for age, days in (("old", 200), ("young", 100)):
        db.session.add(OutboxMessage(recipient=resident.phone, body=f"{age}", status="sent",
                                     created_at=_ago(days)))
        db.session.add(OneTimeCode(phone=resident.phone, purpose="link", code_hash="x" * 64,
                                   expires_at=_ago(days // 5), created_at=_ago(days // 5)))
    db.session.add(OutboxMessage(recipient=resident.phone, body="pending", status="pending",
                                 created_at=_ago(400)))
    db.session.add(KeptAnswers(account_id=resident.id, path="/apply/", answers_encrypted="x",
                               reason="timed_out", expires_at=_ago(1)))
    db.session.add(KeptAnswers(account_id=resident.id, path="/apply/", answers_encrypted="x",
                               reason="timed_out", expires_at=NOW + timedelta(hours=5)))
    for age, days in (("old", 1100), ("young", 30)):
        asked = questions.ask(about="other", text=f"{age}的问题", account=resident,
                              phone="13900000011")
        asked.question.created_at = _ago(days)
        rows[f"{age}_question"] = asked.question.id
        db.session.add(Rating(event_kind="decision", event_id=days, level=4,
                              comment=f"{age}的意见", rater_account_id=resident.id,
                              channel="portal", office_role="street_officer",
                              created_at=_ago(days)))
    db.session.commit()
    return rows


EXPECTED = {"draft": 1, "kept_answers": 1, "one_time_code": 1, "outbox_message": 1,
            "document": 2, "refused_application": 1, "question": 1, "rating": 1}


def test_the_table_has_a_legal_basis_and_a_plain_explanation_for_every_kind():
    rules = policy.rules()
    assert set(EXPECTED) | {"audit_event", "approved_application", "payment_record",
                            "open_application"} == set(rules)
    for rule in rules.values():
        assert rule.basis and rule.name.en and rule.name.zh
        if rule.action == "keep":
            assert rule.kept is not None
    assert rules["outbox_message"].days >= 183      # 网络安全法 第二十一条: ≥ 6 months
    assert rules["audit_event"].action == "keep"


def test_the_scheduler_runs_it(app):
    assert "retention" in schedule.beat_schedule(app.config)


def _snapshot(db):
    return {model.__name__: _count(db, model) for model in (
        Draft, Document, Application, OutboxMessage, OneTimeCode, KeptAnswers, Question,
        Rating, AuditEvent)}


def test_a_dry_run_counts_and_changes_nothing(db, aged):
    before = _snapshot(db)
    report = sweep.run(dry_run=True)
    assert report.counts == EXPECTED
    db.session.expire_all()
    assert _snapshot(db) == before
    assert aged["old_draft_file"].exists() and aged["old_refused_file"].exists()
    assert db.session.get(Question, aged["old_question"]).text == "old的问题"
    assert _count(db, AuditEvent, AuditEvent.action == "retention.run") == 0


def test_a_real_run_removes_exactly_what_is_past_its_period(db, aged):
    report = sweep.run()
    assert report.counts == EXPECTED
    db.session.expire_all()
    # Drafts: the old one and its file gone, the young one kept.
    assert db.session.get(Draft, aged["old_draft"]) is None
    assert not aged["old_draft_file"].exists()
    assert db.session.get(Draft, aged["young_draft"]) is not None
    assert aged["young_draft_file"].exists()
    # Refused: the old one anonymised (row kept), documents past a year gone, younger kept.
    old = db.session.get(Application, aged["old_refused"])
    assert erasure.is_anonymised("refused_application", old.id) and old.status == "rejected"
    assert "needs_long_term_care" not in old.answers
    assert all(e.message_to_applicant is None for e in old.events)
    assert not aged["old_refused_file"].exists() and not aged["mid_refused_file"].exists()
    mid = db.session.get(Application, aged["mid_refused"])
    assert not erasure.is_anonymised("refused_application", mid.id)
    assert mid.answers == {"needs_long_term_care": True}
    young = db.session.get(Application, aged["young_refused"])
    assert not erasure.is_anonymised("refused_application", young.id)
    assert aged["young_refused_file"].exists()
    assert young.events[-1].message_to_applicant == "不符合条件的原因"
    # Approved applications are kept whatever their age.
    assert db.session.get(Application, aged["approved"]).answers == {"needs_long_term_care": True}
    # Texts: the old sent one gone, the young one and the pending one kept.
    assert sorted(db.session.scalars(select(OutboxMessage.body))) == ["pending", "young"]
    assert _count(db, OneTimeCode) == 1 and _count(db, KeptAnswers) == 1
    # Questions and ratings: the old ones anonymised, the young ones as they were.
    old_question = db.session.get(Question, aged["old_question"])
    assert old_question.text == "" and old_question.phone_encrypted is None
    assert old_question.asker_account_id is None
    assert db.session.get(Question, aged["young_question"]).text == "young的问题"
    assert sorted(db.session.execute(select(Rating.level, Rating.comment)).all(),
                  key=str) == sorted([(4, None), (4, "young的意见")], key=str)
    # One audit row with the counts; the chain still verifies.
    [row] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run"))
    assert row.detail["counts"] == EXPECTED
    assert chain.verify().ok


def test_a_second_run_finds_nothing(db, aged):
    sweep.run()
    again = sweep.run()
    assert again.total == 0
    assert _count(db, AuditEvent, AuditEvent.action == "retention.run") == 2
    assert chain.verify().ok


def test_the_command_line(runner, aged):
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0 and "Dry run" in dry.output and "draft: 1" in dry.output
    real = runner.invoke(args=["retention"])
    assert real.exit_code == 0 and "rating: 1" in real.output
    assert "rating: 0" in runner.invoke(args=["retention"]).output


# ── a person's requests ───────────────────────────────────────────────────────────────────

def test_an_account_not_proven_cannot_ask(client, db):
    resident = sign_in(client, make_account("resident"))
    page = client.get("/account/data-requests/correct")
    assert page.status_code == 200 and "确认是我本人" in main_text(page)
    response = submit(client, "/account/data-requests/correct",
                      {"person": "1", "what_is_wrong": "地址", "should_be": "新地址"})
    assert response.status_code == 403
    assert _count(db, DataRequest) == 0
    # Applying "for myself" proves nothing either.
    person, _ = make_person()
    make_application(resident, person=person)
    assert submit(client, "/account/data-requests/delete", {"person": str(person.id)}
                  ).status_code == 403
    assert _count(db, DataRequest) == 0


def test_a_correction_is_decided_and_the_person_told(client, db):
    resident = make_account("resident", phone="13900000021")
    person, _ = make_person(name="王秀兰")
    make_link(resident, person, "self")
    sign_in(client, resident)
    response = submit(client, "/account/data-requests/correct",
                      {"person": str(person.id), "what_is_wrong": "地址写错了",
                       "should_be": "甘亭街道新地址1号", "file": (io.BytesIO(PNG), "户口簿.png")},
                      content_type="multipart/form-data")
    assert response.status_code == 303
    made = db.session.scalars(select(DataRequest)).one()
    assert made.kind == "correction" and made.document_id is not None
    assert "申请已提交" in main_text(client.get(response.location))

    officer = sign_in(client, make_account("civil_affairs"))
    assert "编号" in main_text(client.get("/staff/data-requests"))
    page = client.get(f"/staff/data-requests/{made.id}")
    assert "地址写错了" in main_text(page)
    document = client.get(f"/staff/data-requests/{made.id}/document")
    assert document.status_code == 200 and document.data == documents.path_of(
        db.session.get(Document, made.document_id)).read_bytes()
    stored = documents.path_of(db.session.get(Document, made.document_id))
    decided = submit(client, f"/staff/data-requests/{made.id}",
                     {"decision": "corrected", "reason": "已按户口簿更正地址。"})
    assert decided.status_code == 303
    db.session.expire_all()
    made = db.session.get(DataRequest, made.id)
    assert made.outcome == "corrected" and made.decided_by_account_id == officer.id
    assert made.document_id is None and not stored.exists()   # served its purpose
    actions = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "data_request")))
    assert {"data_request.submit", "data_request.list", "data_request.view",
            "data_request.document", "data_request.decide"} <= actions
    [text] = [m for m in messages_to(resident.phone) if "更正个人信息" in m.body]
    assert "已更正" in text.body and "也可以在平台上在线咨询" in text.body

    sign_in(client, resident)
    shown = main_text(client.get(f"/account/data-requests/{made.id}"))
    assert "已更正" in shown and "已按户口簿更正地址。" in shown
    assert chain.verify().ok


def test_a_deletion_deletes_what_it_may_and_explains_what_the_law_keeps(client, db):
    resident = make_account("resident", phone="13900000031")
    civil = make_account("civil_affairs", phone="13800000031")
    person, _ = make_person(name="王秀兰")
    make_link(resident, person, "self")
    paying(resident, civil, submitted=NOW - timedelta(days=60), person=person)
    db.session.add(Draft(account_id=resident.id, programme="rehab_services", answers={}))
    db.session.commit()
    asked = questions.ask(about="other", text="我的问题", account=resident)
    sign_in(client, resident)
    assert submit(client, "/account/data-requests/delete",
                  {"person": str(person.id), "what_is_wrong": "不想保存"}).status_code == 303
    made = db.session.scalars(select(DataRequest)).one()

    sign_in(client, civil)
    submit(client, f"/staff/data-requests/{made.id}",
           {"decision": "delete", "reason": "能删除的已经删除。"})
    db.session.expire_all()
    made = db.session.get(DataRequest, made.id)
    assert made.outcome == "partly_kept"
    assert made.erased["draft"] == 1 and made.erased["question"] == 1
    assert {"approved_application", "payment_record", "audit_event"} <= set(made.kept)
    assert _count(db, Draft) == 0
    assert db.session.get(Question, asked.question.id).text == ""
    # The paid application is untouched.
    assert _count(db, AnonymisedRecord) == 1   # the question only: the paid application stays
    [text] = [m for m in messages_to(resident.phone) if "删除个人信息" in m.body]
    assert "依法保留" in text.body

    sign_in(client, resident)
    shown = main_text(client.get(f"/account/data-requests/{made.id}"))
    assert "会计档案，依法保存30年" in shown
    assert "社会救助的审批档案" in shown
    assert "没有提交的申请草稿：1条" in shown
    client.set_cookie("lang", "en")
    english = main_text(client.get(f"/account/data-requests/{made.id}"))
    assert "Kept by law, not deleted" in english
    assert "accounting records, which the law requires to be kept for 30 years" in english


def test_a_decision_is_made_once_and_only_by_its_roles(client, db):
    resident = make_account("resident")
    person, _ = make_person()
    make_link(resident, person, "guardian")
    made = requests.ask(resident, person.id, "deletion", "", locale="zh_Hans_CN")
    sign_in(client, make_account("street_officer"))
    assert client.get(f"/staff/data-requests/{made.id}").status_code == 403
    assert client.get("/staff/data-requests").status_code == 403
    admin = make_account("admin")
    requests.decide(made, admin, "refused", "监护关系需要重新核实。")
    with pytest.raises(requests.RequestRefused):
        requests.decide(made, admin, "delete", "再来一次")
    assert made.outcome == "refused"


def test_another_accounts_request_is_a_404(client, db):
    owner = make_account("resident")
    person, _ = make_person()
    make_link(owner, person, "self")
    made = requests.ask(owner, person.id, "correction", "错", "对", locale="zh_Hans_CN")
    sign_in(client, make_account("resident"))
    assert client.get(f"/account/data-requests/{made.id}").status_code == 404
    assert client.get("/account/data-requests/999999").status_code == 404


def test_ratings_may_be_anonymised_but_not_otherwise_changed_or_deleted(db, aged):
    """The one UPDATE the rating trigger lets through (PostgreSQL; SQLite relies on the ORM)."""
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    sweep.run()
    table = Rating.__table__
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    for statement in (update(table).values(level=1), delete(table),
                      update(table).values(comment=None, rater_account_id=None, level=2)):
        with pytest.raises(DBAPIError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()


def test_the_persons_name_is_marked_chinese_on_english_pages(client, db):
    resident = make_account("resident")
    person, _ = make_person(name="王秀兰")
    make_link(resident, person, "guardian")
    sign_in(client, resident)
    client.set_cookie("lang", "en")
    html = client.get("/account/data-requests/correct").get_data(as_text=True)
    assert 'Person in my guardianship: <span lang="zh-Hans">王秀兰</span>' in html


def test_a_proven_account_cannot_ask_about_someone_else(client, db):
    """The person comes from the account's own links: another person's id posted is refused."""
    attacker = make_account("resident")
    own, _ = make_person(name="张小三")
    make_link(attacker, own, "self")
    victim, _ = make_person(name="王秀兰")
    sign_in(client, attacker)
    response = submit(client, "/account/data-requests/delete", {"person": str(victim.id)})
    assert response.status_code == 200 and "王秀兰" not in main_text(response)
    assert _count(db, DataRequest) == 0
    with pytest.raises(requests.RequestRefused):
        requests.ask(attacker, victim.id, "deletion", "", locale="zh_Hans_CN")
