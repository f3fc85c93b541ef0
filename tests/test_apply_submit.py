"""Submitting: one transaction, a unique reference, the confirmation and the receipt, the text
message, no duplicates and an idempotent submit."""
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Account
from portal.applications import filing as applications
from portal.applications import references
from portal.applications.models import Application, Document, Draft, StatusEvent
from portal.messages.models import OutboxMessage
from portal.people import identity
from portal.people.models import Person
from tests.support.apply import MOTHER_ID, fill_all, personal, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.pages import text


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit(client, draft_id):
    return post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})


@pytest.fixture()
def ready(client, db):
    """A signed-in daughter with a complete nursing-allowance draft for her mother."""
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    return draft_id


def test_submitting_creates_the_application_its_history_and_a_message(client, db, ready):
    response = submit(client, ready)
    assert response.status_code == 303
    application = db.session.scalar(select(Application))
    assert response.headers["Location"].endswith(f"/apply/applications/{application.reference}/")
    assert re.fullmatch(r"HY-\d{4}-[34679ACDEFGHJKMNPQRTUVWXY]{6}", application.reference)
    assert application.status == "submitted" and application.programme == "nursing_allowance"
    assert application.relationship_to_person == "family" and application.street == "ganting"
    assert application.answers["declaration"]["given"] is True
    assert application.answers["consent"]["given"] is True
    from portal.applications import working_days
    due = application.due_at if application.due_at.tzinfo else application.due_at.replace(
        tzinfo=timezone.utc)
    assert due == working_days.due_at_for("submitted", application.submitted_at if
                                          application.submitted_at.tzinfo else
                                          application.submitted_at.replace(tzinfo=timezone.utc))
    [event] = db.session.scalars(select(StatusEvent)).all()
    assert (event.application_id, event.from_status, event.to_status) == \
        (application.id, None, "submitted")
    person = db.session.get(Person, application.person_id)
    assert person.full_name == "王秀英"
    assert identity.of(person).birth_date == date(1950, 4, 8)
    assert person.id_number_hash == identity.lookup_hash(MOTHER_ID)
    assert (person.disability_category, person.disability_grade) == ("physical", 1)
    [document] = db.session.scalars(select(Document)).all()
    assert document.application_id == application.id and document.draft_id is None
    assert count(db, Draft) == 0

    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "13911112222" and message.application_id == application.id
    assert message.channel == "sms" and message.status == "pending"
    assert application.reference in message.body and "12385" in message.body
    assert "“重度残疾人护理补贴”" in message.body          # the programme is named (#14)
    for secret in ("王秀英", MOTHER_ID, MOTHER_ID[-4:], "肢体", "东街社区"):
        assert secret not in message.body


def test_the_confirmation_page(client, db, ready):
    response = client.get(submit(client, ready).headers["Location"])
    application = db.session.scalar(select(Application))
    page = text(response)
    assert "申请已提交" in page and application.reference in page
    assert '<div class="panel">' in response.get_data(as_text=True)
    for expected in ("甘亭街道便民服务中心在3个工作日内受理您的申请。",
                     "受理后，街道在10个工作日内完成初审，报区残联。",
                     "区残联在10个工作日内审核。", "12385", "139****2222", "查看并打印申请回执"):
        assert expected in page, expected


def test_the_receipt_prints(client, db, ready):
    submit(client, ready)
    application = db.session.scalar(select(Application))
    response = client.get(f"/apply/applications/{application.reference}/receipt")
    page = text(response)
    for expected in ("申请回执", application.reference, "重度残疾人护理补贴", "王秀英",
                     f"尾号{MOTHER_ID[-4:]}", "家属", "甘亭街道便民服务中心", "已提交", "1份"):
        assert expected in page, expected
    assert MOTHER_ID[:6] not in page and "1950年" not in page
    assert re.search(r'href="/static/css/print\.css[^"]*" media="print"',
                     response.get_data(as_text=True))


def test_a_second_submit_creates_nothing_and_shows_the_confirmation(client, db, ready):
    first = submit(client, ready)
    second = submit(client, ready)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(db, Application) == 1 and count(db, StatusEvent) == 1
    assert count(db, OutboxMessage) == 1 and count(db, Person) == 1
    # The back button to the check page or the task list leads there too.
    for page in ("check", "", "personal"):
        response = client.get(f"/apply/drafts/{ready}/{page}")
        assert response.status_code == 303
        assert response.headers["Location"] == first.headers["Location"]


def test_the_draft_is_claimed_inside_the_transaction(client, db, ready):
    account = db.session.scalar(select(Account))
    submit(client, ready)
    with pytest.raises(applications.DraftGone):
        applications.submit(ready, account, locale="zh_Hans_CN")
    assert count(db, Application) == 1


def test_a_failure_while_submitting_leaves_the_draft_and_creates_nothing(client, db, ready,
                                                                          monkeypatch):
    def broken(application):
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr(applications, "notify_submitted", broken)
    response = submit(client, ready)
    assert response.status_code == 500
    assert count(db, Application) == 0 and count(db, StatusEvent) == 0
    assert count(db, Person) == 0 and count(db, OutboxMessage) == 0
    assert db.session.get(Draft, ready) is not None
    assert db.session.scalar(select(Document)).draft_id == ready


def test_a_reference_collision_is_retried(client, db, ready, monkeypatch):
    taken = "HY-2026-AAAAAA"
    db.session.add(Application(
        reference=taken, programme="living_allowance", person_id=_someone(db).id,
        applicant_account_id=db.session.scalar(select(Account)).id,
        relationship_to_person="self", answers={}, status="withdrawn", street="ganting"))
    db.session.commit()
    offered = iter([taken, taken, "HY-2026-CCCCCC"])
    monkeypatch.setattr(applications, "new_reference", lambda: next(offered))
    assert submit(client, ready).status_code == 303
    assert db.session.scalar(select(Application).where(
        Application.programme == "nursing_allowance")).reference == "HY-2026-CCCCCC"


def _someone(db) -> Person:
    person = Person(full_name="某人", id_number_hash="x" * 64)
    db.session.add(person)
    db.session.commit()
    return person


def test_references_are_in_the_documented_form():
    assert re.fullmatch(r"HY-2026-[34679ACDEFGHJKMNPQRTUVWXY]{6}",
                        references.new_reference(date(2026, 1, 1)))


# ── not ready, not declared ───────────────────────────────────────────────────────────────

def test_an_incomplete_draft_cannot_be_sent_and_says_what_is_missing(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    post(client, *personal(draft_id))
    tasks = client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    assert f'href="/apply/drafts/{draft_id}/check"' not in tasks
    response = submit(client, draft_id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>错误：检查您的申请" in page
    assert f'<a href="/apply/drafts/{draft_id}/certificate">请完成“残疾人证”。</a>' in page
    assert f'<a href="/apply/drafts/{draft_id}/consent">请完成“个人信息授权”。</a>' in page
    assert count(db, Application) == 0


def test_the_declaration_must_be_ticked(client, db, ready):
    response = post(client, f"/apply/drafts/{ready}/check", {})
    assert response.status_code == 200
    assert '<a href="#declaration">请勾选声明后再提交申请。</a>' in response.get_data(as_text=True)
    assert count(db, Application) == 0


def test_consent_is_separate_and_explains_who_sees_what_and_for_how_long(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    post(client, *personal(draft_id))
    page = text(client.get(f"/apply/drafts/{draft_id}/consent"))
    for expected in ("个人信息保护法", "敏感个人信息", "谁能看到", "甘亭街道便民服务中心",
                     "区残联", "保存多久", "一年后删除", "撤回同意"):
        assert expected in page, expected
    response = post(client, f"/apply/drafts/{draft_id}/consent", {})
    assert "请勾选同意后再继续。" in text(response)
    check = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    assert 'name="consent"' not in check and 'name="declaration"' in check


# ── no duplicates ─────────────────────────────────────────────────────────────────────────

def test_one_active_application_per_person_and_programme(client, db, ready):
    submit(client, ready)
    reference = db.session.scalar(select(Application.reference))
    draft_id = start_for_other(client)
    response = post(client, *personal(draft_id))
    assert response.status_code == 200
    page = text(response)
    assert f"申请对象已经有一份“重度残疾人护理补贴”的申请正在办理（受理编号{reference}），" \
        "同一事项不能重复申请。" in page
    assert f'href="/apply/applications/{reference}/"' in response.get_data(as_text=True)
    assert "进度查询" in page


def test_the_known_person_choice_is_refused_too(client, db, ready):
    submit(client, ready)
    person = db.session.scalar(select(Person))
    response = post(client, "/apply/nursing_allowance/", {"who": f"person-{person.id}"})
    assert response.status_code == 200
    assert "同一事项不能重复申请" in text(response)
    # Another programme for the same person is fine.
    response = post(client, "/apply/living_allowance/", {"who": f"person-{person.id}"})
    assert response.status_code == 303


def _personal_step_answer(client, id_number: str) -> tuple[int, str, str]:
    """What the personal-details step answers for an ID number: status, where it goes next,
    and that next page (the draft's own id and the CSRF token's time stamp taken out)."""
    draft_id = start_for_other(client)
    path, data = personal(draft_id)
    response = post(client, path, {**data, "id_number": id_number})
    location = response.headers.get("Location", "")
    following = (client.get(location) if location else response).get_data(as_text=True)
    following = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r"\1", following)
    return (response.status_code, location.replace(f"/{draft_id}/", "/N/"),
            following.replace(f"/drafts/{draft_id}/", "/drafts/N/"))


def test_someone_elses_application_is_not_revealed(app, client, db, ready):
    """Finding 3: the personal-details step was an oracle ("申请对象已经有一份…的申请正在办理").
    Now an ID number with someone else's application in progress gets the very same answer as
    one that has none – same status, same next page, same size – and no limit is needed."""
    from portal.cli.demo_content import make_id_number

    submit(client, ready)
    reference = db.session.scalar(select(Application.reference))
    nobody = make_id_number("610118", date(1955, 6, 1), 77)
    with app.test_client() as neighbour:
        sign_in(neighbour, make_account(phone="13900000009", name="邻居"))
        with_application = _personal_step_answer(neighbour, MOTHER_ID)
        without = _personal_step_answer(neighbour, nobody)
        assert with_application == without
        assert with_application[0] == 303
        assert "同一事项不能重复申请" not in with_application[2]
        assert reference not in with_application[2]


def test_a_second_claim_by_someone_else_is_accepted_and_shown_to_staff(app, client, db, ready):
    """No oracle at submission either: the second application goes in; staff see both."""

    submit(client, ready)
    first = db.session.scalar(select(Application))
    with app.test_client() as neighbour:
        sign_in(neighbour, make_account(phone="13900000009", name="邻居"))
        draft_id = start_for_other(neighbour)
        fill_all(neighbour, draft_id)
        response = submit(neighbour, draft_id)
        # Accepted: to the confirmation page of a new application, as any submission.
        assert response.status_code == 303
        location = re.fullmatch(r"/apply/applications/(HY-\d{4}-[0-9A-Z]{6})/",
                                response.headers["Location"])
        assert location and location.group(1) != first.reference, response.headers["Location"]
        confirmation = neighbour.get(response.headers["Location"])
        assert confirmation.status_code == 200
        page = text(confirmation)
        assert location.group(1) in page
        assert first.reference not in page and "同一事项" not in page
    assert count(db, Application) == 2
    second = db.session.scalar(select(Application).where(Application.id != first.id))
    assert second.person_id == first.person_id
    officer = make_account("street_officer", street=first.street)
    with app.test_client() as staff:
        sign_in(staff, officer)
        page = staff.get(f"/staff/applications/{second.reference}").get_data(as_text=True)
        assert "可能重复的申请" in page and first.reference in page


def test_after_a_withdrawal_the_person_can_apply_again(client, db, ready):
    submit(client, ready)
    application = db.session.scalar(select(Application))
    application.status = "withdrawn"
    db.session.commit()
    draft_id = start_for_other(client)
    assert post(client, *personal(draft_id)).status_code == 303


def test_the_duplicate_check_holds_at_the_moment_of_submitting(client, db, ready):
    """An application the account may see (here: of a person it is the proven guardian of)
    arrives while this draft is waiting: the submission is refused and the draft kept."""
    from tests.support.staff import make_link

    other = make_account(phone="13900000009", name="邻居")
    person = Person(full_name="王秀英", **identity.stored_fields(MOTHER_ID))
    db.session.add(person)
    db.session.flush()
    db.session.add(Application(reference="HY-2026-DDDDDD", programme="nursing_allowance",
                               person_id=person.id, applicant_account_id=other.id,
                               relationship_to_person="family", answers={},
                               status="accepted", street="ganting"))
    db.session.commit()
    applicant = db.session.get(Draft, ready).account_id
    make_link(db.session.get(Account, applicant), person, "guardian")
    response = submit(client, ready)
    assert response.status_code == 200
    assert "同一事项不能重复申请" in text(response) and "HY-2026-DDDDDD" in text(response)
    assert count(db, Application) == 1 and db.session.get(Draft, ready) is not None


# ── other people's applications; time limits ──────────────────────────────────────────────

def test_confirmation_and_receipt_are_for_the_applicant_only(app, client, db, ready):
    submit(client, ready)
    reference = db.session.scalar(select(Application.reference))
    with app.test_client() as stranger:
        sign_in(stranger, make_account(phone="13900000009", name="陌生人"))
        assert stranger.get(f"/apply/applications/{reference}/").status_code == 404
        assert stranger.get(f"/apply/applications/{reference}/receipt").status_code == 404


def test_time_limits_come_from_the_one_configuration_file(app):
    from portal.applications import status_machine

    with app.app_context():
        assert applications.time_limits()["submitted"] == status_machine.time_limit("submitted")


def test_the_first_deadline_follows_the_working_day_calendar():
    """The deadline of a new application comes from the shared calendar (weekends and public
    holidays skipped), not from a second calculation."""
    from portal.applications import working_days

    submitted = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)  # the day before 国庆节
    due = working_days.due_at_for("submitted", submitted)
    assert working_days.local_date(due) > date(2026, 10, 8)  # the holiday week is skipped


def test_stale_drafts_are_purged_after_a_year(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    draft = db.session.get(Draft, draft_id)
    from portal.retention import sweep

    assert sweep.run(kinds=("draft",)).counts["draft"] == 0
    later = draft.updated_at.replace(tzinfo=timezone.utc) if draft.updated_at.tzinfo is None \
        else draft.updated_at
    from datetime import timedelta
    assert sweep.run(now=later + timedelta(days=366), kinds=("draft",)).counts["draft"] == 1
    assert count(db, Draft) == 0


def test_two_submits_at_the_same_moment_make_one_application(app, client, db, ready):
    """A double click that reaches two workers at once: the draft is claimed by one of them."""
    import threading

    account_id = db.session.scalar(select(Account.id))
    db.session.commit()
    outcomes, barrier = [], threading.Barrier(2)

    def send():
        with app.test_request_context():
            account = db.session.get(Account, account_id)
            barrier.wait()
            try:
                outcomes.append(applications.submit(ready, account, locale="zh_Hans_CN").reference)
            except applications.DraftGone:
                outcomes.append("gone")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o == "gone")[1] == "gone", outcomes
    assert count(db, Application) == 1 and count(db, OutboxMessage) == 1


def test_the_message_goes_to_the_sms_backend_and_a_failing_backend_loses_nothing(
        client, db, ready, monkeypatch):
    from portal.messages import sms

    class Broken:
        def deliver(self, message):
            raise ConnectionError("gateway down")

    monkeypatch.setattr(sms, "current_backend", lambda: Broken())
    response = submit(client, ready)
    assert response.status_code == 303  # the application is sent all the same
    application = db.session.scalar(select(Application))
    assert application.status == "submitted"
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == "pending"  # left for the next attempt


def test_the_sign_in_page_sends_the_resident_back_to_the_application(client, db):
    response = client.get("/apply/")
    assert "/account/sign-in?next=" in response.get_data(as_text=True)


def test_the_purge_command(runner):
    result = runner.invoke(args=["apply", "purge-drafts"])
    assert result.exit_code == 0 and result.output.strip() == "0"
