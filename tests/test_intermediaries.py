"""代办: village workers made by their street officer, acting for residents only while a real
consent stands – given by a code to the person's phone on record or on paper confirmed by the
officer – and losing access at the next request once it ends."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts import consents, sign_in
from portal.accounts.models import Account, Consent
from portal.applications.models import Application, Draft
from portal.audit.models import AuditEvent
from portal.cli.demo_content import make_id_number
from portal.extensions import db
from portal.messages import notifications, sms
from portal.people import identity
from portal.people.models import Person
from tests.support.accounts import last_code, make_account, submit
from tests.support.accounts import sign_in as quick_sign_in
from tests.support.apply import MOTHER_ID, PNG, fill_all
from tests.support.pages import main_text
from tests.support.staff import make_application, make_link
from tests.support.status import messages_to, post

PERSON_PHONE = "13900000031"
NO_PHONE_ID = make_id_number("610118", date(1951, 4, 8), 14)
OTHER_ID = make_id_number("610118", date(1952, 1, 1), 7)        # nobody on record


def _worker(phone="13700000006", name="张建华", village="东街社区", street="ganting"):
    return make_account("intermediary", phone=phone, name=name, street=street, village=village)


def _person(phone: str | None = PERSON_PHONE, id_number: str = MOTHER_ID) -> Person:
    person = Person(full_name="王秀英", **identity.stored_fields(id_number), street="ganting",
                    address="鄠邑区甘亭街道东街社区5号", phone=phone)
    db.session.add(person)
    db.session.commit()
    return person


def _terms(**changes) -> dict:
    return {"full_name": "王秀英", "id_number": MOTHER_ID, "given_by": "person",
            "scopes": ["apply", "status"],
            "until": (date.today() + timedelta(days=200)).isoformat(), **changes}


def _consent_by_code(client, worker) -> Consent:
    quick_sign_in(client, worker, fresh=True)
    response = post(client, "/intermediary/consents/code", _terms())
    assert response.status_code == 303
    code = last_code(PERSON_PHONE)
    response = post(client, "/intermediary/consents/code/verify", {"code": code})
    assert response.status_code == 303, main_text(response)
    return db.session.scalars(select(Consent)).one()


def _apply_for(client, person) -> Application:
    response = post(client, f"/intermediary/residents/{person.id}/apply",
                    {"programme": "nursing_allowance"})
    assert response.status_code == 303
    draft_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    draft = db.session.get(Draft, draft_id)
    assert draft.person_id == person.id and draft.answers["relationship"] == "village_staff"
    assert draft.answers["personal"]["phone"] == PERSON_PHONE   # the phone on record, filled in
    fill_all(client, draft_id, with_documents=False)
    from tests.support.apply import first_document_kind
    kind = first_document_kind(draft_id)
    response = client.post(
        f"/apply/drafts/{draft_id}/documents?kind={kind}",
        data={"csrf_token": _token(client), f"{kind}-file": (io.BytesIO(PNG), "证件.png")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, main_text(response)
    return db.session.scalars(select(Application)).one()


def _link_path(message) -> str:
    text = sms.readable_text(message)
    start = text.index("/staff/password/")
    return text[start:].split()[0].rstrip("。")


def _page(response) -> str:
    """The page's words without the time it times out at (a minute may pass between two)."""
    return re.sub(r"\d{1,2}:\d{2}", "", main_text(response))


def _token(client) -> str:
    from tests.support.status import token
    return token(client)


# ── accounts ──────────────────────────────────────────────────────────────────────────────

def test_a_street_officer_makes_and_stops_a_worker_of_their_own_street(client, db):
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    quick_sign_in(client, officer)
    response = post(client, "/staff/intermediaries/new",
                    {"display_name": "张建华", "phone": "138 0000 0006", "village": "东街社区"})
    assert response.status_code == 303
    worker = db.session.scalar(select(Account).where(Account.phone == "13800000006"))
    assert (worker.role, worker.street, worker.village, worker.is_staff) == (
        "intermediary", "ganting", "东街社区", False)
    [text] = messages_to("13800000006")
    # A one-time link to set their own password (sealed in the outbox like a code): the
    # officer never knows it.
    assert "设置登录密码" in text.body and sms.CODE_MASK in text.body
    link = _link_path(text)
    client.get("/_test/sign-out")
    response = post(client, link, {"password": "Dong-Jie-Worker-2026", "confirm":
                                   "Dong-Jie-Worker-2026"})
    assert response.status_code == 200 and "Dong-Jie" not in response.get_data(as_text=True)
    assert sign_in.authenticate(worker.phone, "Dong-Jie-Worker-2026", staff=True) == worker
    quick_sign_in(client, officer)
    assert "张建华" in main_text(client.get("/staff/intermediaries/"))
    # Forgotten: the officer sends a new link; the old password stops at once.
    assert "重设登录密码" in main_text(client.get("/staff/intermediaries/"))
    assert post(client, f"/staff/intermediaries/{worker.id}/password").status_code == 303
    assert sign_in.authenticate(worker.phone, "Dong-Jie-Worker-2026", staff=True) is None
    [_first, again] = messages_to("13800000006")
    assert "设置登录密码" in again.body and sms.CODE_MASK in again.body
    client.get("/_test/sign-out")
    assert post(client, _link_path(again), {"password": "Dong-Jie-Worker-2027", "confirm":
                                            "Dong-Jie-Worker-2027"}).status_code == 200
    assert sign_in.authenticate(worker.phone, "Dong-Jie-Worker-2027", staff=True) == worker
    quick_sign_in(client, officer)
    assert post(client, f"/staff/intermediaries/{worker.id}/deactivate").status_code == 303
    db.session.refresh(worker)
    assert worker.active is False
    assert client.get(f"/staff/intermediaries/{worker.id}/password").status_code == 404
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("intermediary.")] == [
        "intermediary.create", "intermediary.password_reset", "intermediary.deactivate"]
    # Another street's officer: not their worker.
    other = make_account("street_officer", street="yuxia", phone="13800000009")
    quick_sign_in(client, other, fresh=True)
    assert "张建华" not in main_text(client.get("/staff/intermediaries/"))
    assert client.get(f"/staff/intermediaries/{worker.id}/deactivate").status_code == 404
    assert client.get(f"/staff/intermediaries/{worker.id}/password").status_code == 404


def test_a_worker_signs_in_with_the_second_factor_and_lands_on_their_desk(client, db):
    from tests.support.accounts import STAFF_TOTP_SECRET, sign_in_through_form

    worker = make_account("intermediary", phone="13700000006", name="张建华", street="ganting",
                          village="东街社区", totp_secret=STAFF_TOTP_SECRET)
    # The password alone signs nobody in: the second step comes first.
    half = submit(client, "/staff/sign-in", {"phone": worker.phone,
                                             "password": "Staff-Test-2026!"})
    assert half.location.startswith("/staff/sign-in/verify")
    assert client.get("/intermediary/").location.startswith("/staff/sign-in")
    response = sign_in_through_form(client, worker.phone, "Staff-Test-2026!",
                                    page="/staff/sign-in")
    assert response.status_code == 303
    desk = client.get(response.location, follow_redirects=True)
    assert desk.request.path == "/intermediary/" and "代办工作台" in main_text(desk)
    assert "登录验证" in main_text(client.get("/staff/second-factor"))


def test_a_worker_signs_in_like_staff_but_is_not_staff(client, db):
    worker = _worker()
    # Only the staff sign-in page takes their password; the residents' refuses it.
    assert sign_in.authenticate(worker.phone, "Staff-Test-2026!", staff=True) is not None
    assert sign_in.authenticate(worker.phone, "Staff-Test-2026!", staff=False) is None
    quick_sign_in(client, worker)
    for path in ("/staff/queue", "/staff/intermediaries/", "/staff/consents/", "/staff/audit"):
        assert client.get(path).status_code == 403, path
    assert client.get("/staff/").headers["Location"].endswith("/intermediary/")
    assert "代办工作台" in main_text(client.get("/intermediary/"))


# ── consent by a code to the phone on record ──────────────────────────────────────────────

def test_a_worker_applies_for_a_resident_after_code_consent(client, db):
    person = _person()
    worker = _worker()
    # Before any consent: the resident's page is "not found", like a person who does not exist.
    quick_sign_in(client, worker)
    assert client.get(f"/intermediary/residents/{person.id}/").status_code == 404
    consent = _consent_by_code(client, worker)
    assert (consent.person_id, consent.status, consent.method, consent.scope_list) == (
        person.id, "active", "code", ("apply", "status"))
    started = messages_to(PERSON_PHONE)[-1].body
    # The worker's name and the last day; what it covers is on the portal (a template's
    # variable holds 35 characters at most: portal/messages/templates.py).
    assert "张建华" in started and f"{consent.until.year}年" in started
    assert "王秀英" not in started
    assert "王秀英" in main_text(client.get("/intermediary/"))
    application = _apply_for(client, person)
    assert (application.applicant_account_id, application.relationship_to_person,
            application.person_id) == (worker.id, "village_staff", person.id)
    page = main_text(client.get(f"/intermediary/residents/{person.id}/"))
    assert application.reference in page
    assert client.get(f"/status/applications/{application.reference}/").status_code == 200
    # The person hears of it on their phone on record and the number the application gives;
    # the worker besides them, never alone.
    assert set(notifications.recipients(application)) == {PERSON_PHONE, "13911112222",
                                                           worker.phone}
    # The person's history names the worker and what they did.
    kinds = [(e.kind, e.worker_name) for e in consents.consent_events(person.id)]
    assert kinds == [("given", "张建华"), ("applied", "张建华")]


def test_asking_for_a_code_never_tells_whether_the_person_or_phone_exists(client, db):
    with_phone = _person()
    _person(phone=None, id_number=NO_PHONE_ID)
    worker = _worker()
    quick_sign_in(client, worker)
    answers = []
    for id_number in (MOTHER_ID, NO_PHONE_ID, OTHER_ID):
        response = post(client, "/intermediary/consents/code", _terms(id_number=id_number))
        page = _page(client.get(response.headers["Location"]))
        answers.append((response.status_code, response.headers["Location"],
                        page.replace(with_phone.full_name, "")))
        wrong = post(client, "/intermediary/consents/code/verify", {"code": "000000"})
        answers.append((wrong.status_code, _page(wrong)))
    assert answers[0] == answers[2] == answers[4]
    assert answers[1] == answers[3] == answers[5]
    assert len(messages_to(PERSON_PHONE)) == 1       # only the person on record got a code
    assert db.session.scalars(select(Consent)).all() == []


# ── consent on paper, confirmed by the officer ────────────────────────────────────────────

def _paper(client, worker, **changes):
    quick_sign_in(client, worker, fresh=True)
    return client.post("/intermediary/consents/paper",
                       data={**_terms(**changes), "csrf_token": _token(client),
                             "form_photo": (io.BytesIO(PNG), "同意书.png")},
                       content_type="multipart/form-data")


def test_a_worker_applies_after_paper_consent_confirmed_by_the_officer(client, db):
    person = _person()
    worker = _worker()
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    assert _paper(client, worker).status_code == 303
    consent = db.session.scalars(select(Consent)).one()
    assert (consent.status, consent.person_id) == ("pending", None)
    assert client.get(f"/intermediary/residents/{person.id}/").status_code == 404
    quick_sign_in(client, officer, fresh=True)
    assert "王秀英" in main_text(client.get("/staff/consents/"))
    page = main_text(client.get(f"/staff/consents/{consent.id}/"))
    assert "王秀英" in page and MOTHER_ID not in page
    assert client.get(f"/staff/consents/{consent.id}/form").status_code == 200
    response = post(client, f"/staff/consents/{consent.id}/decide", {"action": "confirm"})
    assert response.status_code == 303
    db.session.refresh(consent)
    assert (consent.status, consent.person_id, consent.decided_by_account_id) == (
        "active", person.id, officer.id)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert {"consent.paper", "consent.view_form", "consent.confirm"} <= set(actions)
    quick_sign_in(client, worker, fresh=True)
    application = _apply_for(client, person)
    assert application.applicant_account_id == worker.id


def test_a_refused_or_expired_consent_gives_no_access(client, db):
    person = _person()
    worker = _worker()
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    _paper(client, worker)
    consent = db.session.scalars(select(Consent)).one()
    quick_sign_in(client, officer, fresh=True)
    post(client, f"/staff/consents/{consent.id}/decide", {"action": "refuse"})
    db.session.refresh(consent)
    assert consent.status == "refused"
    application = make_application(worker, person=person, status="accepted")
    quick_sign_in(client, worker, fresh=True)
    assert client.get(f"/intermediary/residents/{person.id}/").status_code == 404
    assert client.get(f"/status/applications/{application.reference}/").status_code == 404
    # An active consent whose last day has passed: expired, no access either.
    consent.status, consent.person_id = "active", person.id
    consent.until = date.today() - timedelta(days=1)
    db.session.commit()
    assert consents.state(consent) == "expired"
    assert client.get(f"/intermediary/residents/{person.id}/").status_code == 404
    assert client.get(f"/status/applications/{application.reference}/").status_code == 404
    assert client.get(f"/apply/applications/{application.reference}/").status_code == 404
    assert "expired" in [e.kind for e in consents.consent_events(person.id)]


# ── ending ────────────────────────────────────────────────────────────────────────────────

def test_the_person_ends_the_consent_and_the_worker_loses_access_at_once(client, db):
    person = _person()
    worker = _worker()
    consent = _consent_by_code(client, worker)
    application = _apply_for(client, person)
    # A draft the worker had begun for them goes with the consent.
    post(client, f"/intermediary/residents/{person.id}/apply", {"programme": "living_allowance"})
    assert db.session.scalars(select(Draft)).all() != []
    paths = (f"/intermediary/residents/{person.id}/",
             f"/status/applications/{application.reference}/",
             f"/apply/applications/{application.reference}/")
    assert all(client.get(path).status_code == 200 for path in paths)
    # The person, with a proven link, ends it online.
    me = make_account("resident", phone=PERSON_PHONE, name="王秀英")
    make_link(me, person)
    quick_sign_in(client, me, fresh=True)
    page = main_text(client.get("/account/consents/"))
    assert "张建华" in page and application.reference in page
    response = post(client, f"/account/consents/{consent.id}/end")
    assert response.status_code == 303
    db.session.refresh(consent)
    assert (consent.status, consent.ended_by) == ("ended", "person")
    assert "已经结束" in messages_to(PERSON_PHONE)[-1].body
    ended = messages_to(worker.phone)[-1].body
    assert "已经结束" in ended and "王秀英" not in ended
    assert db.session.scalars(select(Draft)).all() == []
    quick_sign_in(client, worker, fresh=True)
    for path in paths:
        assert client.get(path).status_code == 404, path
    # It stays the person's: their own status page still shows it.
    quick_sign_in(client, me, fresh=True)
    assert client.get(f"/status/applications/{application.reference}/").status_code == 200
    # And the worker is no longer texted about it.
    assert notifications.recipients(application) == [PERSON_PHONE, "13911112222"]


def test_the_street_office_ends_a_consent_for_the_person(client, db):
    person = _person()
    worker = _worker()
    consent = _consent_by_code(client, worker)
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    quick_sign_in(client, officer, fresh=True)
    assert "王秀英" in main_text(client.get("/staff/consents/"))
    assert post(client, f"/staff/consents/{consent.id}/decide",
                {"action": "end"}).status_code == 303
    db.session.refresh(consent)
    assert (consent.status, consent.ended_by) == ("ended", "office")
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                              ).first() == "consent.end"
    quick_sign_in(client, worker, fresh=True)
    assert client.get(f"/intermediary/residents/{person.id}/").status_code == 404


@pytest.mark.parametrize("path", ["/intermediary/residents/{person}/",
                                  "/status/applications/{reference}/",
                                  "/apply/applications/{reference}/"])
def test_a_worker_of_another_village_gets_404(client, db, path):
    person = _person()
    worker = _worker()
    _consent_by_code(client, worker)
    application = _apply_for(client, person)
    other = _worker(phone="13700000007", name="刘军", village="西街村")
    quick_sign_in(client, other, fresh=True)
    assert client.get(path.format(person=person.id,
                                  reference=application.reference)).status_code == 404
    response = post(client, f"/intermediary/residents/{person.id}/apply",
                    {"programme": "living_allowance"})
    assert response.status_code == 404


def test_a_worker_cannot_submit_for_someone_without_consent(client, db):
    """The draft's ID number changed to someone else's: refused at submission, the same way
    whether or not that person has a record."""
    from dataclasses import replace

    from portal.applications import answers as stored
    from portal.applications import filing

    person = _person()
    _person(phone=None, id_number=NO_PHONE_ID)
    worker = _worker()
    _consent_by_code(client, worker)
    response = post(client, f"/intermediary/residents/{person.id}/apply",
                    {"programme": "nursing_allowance"})
    draft_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    fill_all(client, draft_id, with_documents=False)
    for other in (NO_PHONE_ID, OTHER_ID):       # a person on record, and nobody
        draft = db.session.get(Draft, draft_id)
        answers = stored.read(draft)
        stored.write(draft, answers.with_(personal=replace(
            answers.personal, id_hash=identity.lookup_hash(other),
            id_encrypted=identity.stored_fields(other)["id_number_encrypted"])))
        db.session.commit()
        with pytest.raises(filing.NotConsented):
            filing.submit(draft_id, worker, locale="zh_Hans_CN")
    assert db.session.scalars(select(Application)).all() == []
    assert db.session.scalars(select(Person)).all() != [] and db.session.scalar(
        select(Person).where(Person.id_number_hash == identity.lookup_hash(OTHER_ID))) is None


def test_changes_and_reviews_only_when_the_consent_covers_them(client, db):
    from datetime import datetime, timezone

    from portal.benefits.models import Review
    from tests.benefits.helpers import paying

    worker = _worker()
    resident = make_account("resident", phone="13900000001")
    civil = make_account("civil_affairs", phone="13800000003")
    recipient = paying(resident, civil, submitted=datetime(2026, 3, 10, tzinfo=timezone.utc),
                       programme="living_allowance", band="from_18", amount="60")
    person = recipient.application.person
    review = Review(recipient_id=recipient.id, year=2026, opens_on=date(2026, 3, 1),
                    due_on=date(2026, 4, 30), grace_until=date(2026, 5, 30), status="open")
    consent = Consent(worker_account_id=worker.id, person_id=person.id, full_name="王秀兰",
                      id_number_hash=person.id_number_hash,
                      id_number_encrypted=person.id_number_encrypted, street="ganting",
                      scopes="reviews", until=date.today() + timedelta(days=30),
                      method="code", given_by="person", status="active")
    db.session.add_all([review, consent])
    db.session.commit()
    reference = recipient.application.reference
    quick_sign_in(client, worker)
    page = main_text(client.get(f"/intermediary/residents/{person.id}/"))
    assert "年审" in page and "报告过的情况变化" not in page and "帮他申请" not in page
    assert client.get(f"/status/reviews/{review.id}/").status_code == 200
    assert client.get(f"/status/applications/{reference}/changes/").status_code == 404
    assert client.get(f"/status/applications/{reference}/withdraw").status_code == 404
    consent.scopes = "changes"
    db.session.commit()
    assert client.get(f"/status/applications/{reference}/changes/").status_code == 200
    assert client.get(f"/status/reviews/{review.id}/").status_code == 404
    # A change the worker reports is on the person's history, with the worker's name.
    from portal.changes import requests as change_requests
    from portal.changes.kinds import KINDS

    change = change_requests.submit(change_requests.save_draft(
        worker, recipient, KINDS["work"], {"work_from": date(2026, 4, 1)}), worker)
    assert ("changed", "张建华", change.reference) in [
        (e.kind, e.worker_name, e.reference) for e in consents.consent_events(person.id)]


def test_the_demo_worker_helps_one_person_and_the_officer_has_a_form_to_check(client, db):
    from portal.cli import demo_content

    demo_content.seed()
    worker = db.session.scalar(select(Account).where(Account.phone == "13800000006"))
    assert (worker.id, worker.role, worker.display_name, worker.second_factor) == (
        7, "intermediary", "张建华", "totp")
    quick_sign_in(client, worker)
    home = main_text(client.get("/intermediary/"))
    assert "张建国" in home and "杜小龙" in home and "刘桂芝" in home   # the last one pending
    zhang = db.session.scalar(select(Person).where(Person.full_name == "张建国"))
    # The browser suite opens these by id (a11y_tests/visits/intermediaries.py).
    assert zhang.id == 2 and [(c.id, c.full_name, c.status) for c in db.session.scalars(
        select(Consent).order_by(Consent.id))] == [
        (1, "张建国", "active"), (2, "杜小龙", "active"), (3, "刘桂芝", "pending")]
    assert "HY-2026-DEMA4C" in main_text(client.get(f"/intermediary/residents/{zhang.id}/"))
    quick_sign_in(client, db.session.scalar(select(Account).where(
        Account.phone == "13800000001")), fresh=True)
    assert "刘桂芝" in main_text(client.get("/staff/consents/"))
    quick_sign_in(client, db.session.scalar(select(Account).where(
        Account.phone == "13900000001")), fresh=True)
    assert "张建华" in main_text(client.get("/account/consents/"))
