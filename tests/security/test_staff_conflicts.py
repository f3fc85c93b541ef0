"""Finding 7: staff may not act on an application they submitted, about themselves, or about a
relative (filed for them, or declared); another officer must. Through the real routes."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import StaffConflict
from portal.applications import conflicts, status_changes
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.people.models import Person
from tests.support.apply import MOTHER_ID, fill_all, post, start_for_other
from tests.support.staff import make_application, make_person
from tests.support.accounts import make_account, sign_in

NOTICE = "这份申请需要由其他工作人员办理"


def _accept(client, reference):
    """The accept form as the page offers it, or forged when the page offers none."""
    path = f"/staff/applications/{reference}/actions/accept"
    page = client.get(path)
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if token is None:   # forge it from the case page's token
        case = client.get(f"/staff/applications/{reference}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', case) or \
            re.search(r'name="csrf_token" value="([^"]+)"', case)
    application = _db.session.scalar(select(Application).where(
        Application.reference == reference))
    return client.post(path, data={"csrf_token": token.group(1) if token else "",
                                   "version": str(application.version)})


def _status(reference):
    _db.session.expire_all()
    return _db.session.scalar(select(Application.status).where(
        Application.reference == reference))


def _refusals():
    return list(_db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "application.conflict_refused")))


def _officer_files_through_the_journey(client, officer):
    """The street officer signs in and uses the resident journey for his mother."""
    sign_in(client, officer)
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return _db.session.scalar(select(Application).order_by(Application.id.desc()))


def test_an_officer_cannot_accept_what_he_filed_himself(client, db):
    officer = make_account("street_officer", street="ganting", name="赵刚")
    colleague = make_account("street_officer", street="ganting", name="钱敏")
    application = _officer_files_through_the_journey(client, officer)
    reference = application.reference

    page = client.get(f"/staff/applications/{reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and NOTICE in html and "用您自己的账号提交" in html
    assert f"/staff/applications/{reference}/actions/accept" not in html
    queue = client.get("/staff/queue?view=all").get_data(as_text=True)
    assert reference in queue and "需回避" in queue

    response = _accept(client, reference)          # a forged POST
    assert response.status_code == 403 and NOTICE in response.get_data(as_text=True)
    assert _status(reference) == "submitted"
    [refusal] = _refusals()
    assert refusal.actor_account_id == officer.id and refusal.object_id == reference
    assert refusal.detail == {"action": "accept", "reason": "submitted"}

    sign_in(client, colleague)                     # another officer can
    assert "需回避" not in client.get("/staff/queue?view=all").get_data(as_text=True)
    assert _accept(client, reference).status_code == 303
    assert _status(reference) == "accepted"


def test_the_service_refuses_too_whatever_the_route(db):
    officer = make_account("street_officer", street="ganting")
    application = make_application(officer, status="submitted")
    with pytest.raises(status_changes.ConflictOfInterest):
        status_changes.apply_action(application, "accept", officer)
    assert status_changes.available_actions(application, officer) == []
    assert len(_refusals()) == 1 and _status(application.reference) == "submitted"


def test_an_officer_cannot_decide_about_himself(client, db):
    """He once applied "for myself": an application about him filed by someone else (his
    wife, at the counter) is still his own matter."""
    resident = make_account("resident")
    officer = make_account("street_officer", street="ganting")
    person, _ = make_person(name="赵刚")
    own = make_application(officer, person=person, status="withdrawn")
    own.relationship_to_person = "self"
    _db.session.commit()
    application = make_application(resident, person=person, status="submitted")
    sign_in(client, officer)
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert "与您本人有关" in html
    assert _accept(client, application.reference).status_code == 403
    assert _status(application.reference) == "submitted"
    assert _refusals()[0].detail["reason"] == "self"


def test_nor_about_someone_he_filed_for_when_a_relative_files_the_next_one(client, db):
    officer = make_account("street_officer", street="ganting")
    sister = make_account("resident")
    person, _ = make_person()
    make_application(officer, person=person, status="withdrawn")       # he filed once before
    later = make_application(sister, person=person, status="submitted")
    sign_in(client, officer)
    html = client.get(f"/staff/applications/{later.reference}").get_data(as_text=True)
    assert "申请对象是您的亲属" in html
    assert _accept(client, later.reference).status_code == 403
    assert _refusals()[0].detail["reason"] == "family"


def test_nor_about_a_declared_relative(client, db, runner):
    officer = make_account("street_officer", street="ganting", phone="13800007777")
    admin = make_account("admin", phone="13800008888")
    applicant = make_account("resident")
    person, id_number = make_person()
    application = make_application(applicant, person=person, status="submitted")
    sign_in(client, officer)
    assert f"/actions/accept" in client.get(
        f"/staff/applications/{application.reference}").get_data(as_text=True)

    result = runner.invoke(args=["declare-conflict", "--staff", "13800007777",
                                 "--id-number", id_number, "--relation", "parent",
                                 "--by", "13800008888"])
    assert result.exit_code == 0, result.output
    record = _db.session.scalar(select(StaffConflict))
    assert id_number not in (record.id_number_hash, record.id_number_encrypted)
    assert record.recorded_by_account_id == admin.id
    listed = runner.invoke(args=["list-conflicts", "--staff", "13800007777"]).output
    assert "parent" in listed and id_number not in listed

    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert "申请对象是您的亲属" in html and "/actions/accept" not in html
    assert _accept(client, application.reference).status_code == 403
    assert _status(application.reference) == "submitted"


def test_the_notice_says_nothing_about_the_relationship_it_found(client, db):
    """The officer learns only that he must not act – not which relative, nor how."""
    officer = make_account("street_officer", street="ganting")
    person, id_number = make_person()
    conflicts.declare(officer, id_number, "sibling")
    application = make_application(make_account("resident"), person=person, status="submitted")
    sign_in(client, officer)
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert "sibling" not in html and "兄弟" not in html


def test_the_queue_marks_conflicts_with_a_fixed_number_of_queries(client, db):
    from sqlalchemy import event

    officer = make_account("street_officer", street="ganting")
    for _ in range(3):
        make_application(officer, status="submitted")
    sign_in(client, officer)
    client.get("/staff/queue?view=all")   # warm: what is read once per worker
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        _db.session.expire_all()   # both measured requests load what they need afresh
        html = client.get("/staff/queue?view=all").get_data(as_text=True)
        few = len(statements)
        for _ in range(6):
            make_application(officer, status="submitted")
        statements.clear()
        _db.session.expire_all()
        html = client.get("/staff/queue?view=all").get_data(as_text=True)
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert html.count("需回避") == 9
    assert len(statements) == few
