"""apply_action: who may do what, one transaction for status + event + audit + text message,
and two officers acting at once."""
import threading

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccessGrant
from portal.applications import status_changes as sc
from portal.applications import status_machine as sm
from portal.applications import working_days
from portal.applications.models import Application, StatusEvent
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.messages.models import OutboxMessage
from tests.support.staff import decision_details, make_application, make_link
from tests.support.accounts import make_account


@pytest.fixture()
def people(db):
    return {
        "resident": make_account("resident", street="ganting"),
        "street": make_account("street_officer", street="ganting"),
        "other_street": make_account("street_officer", street="yuxia"),
        "district": make_account("district_reviewer"),
        "civil": make_account("civil_affairs"),
        "admin": make_account("admin"),
    }


def _count(model, **where):
    statement = select(func.count()).select_from(model)
    for key, value in where.items():
        statement = statement.where(getattr(model, key) == value)
    return _db.session.scalar(statement)


def test_accepting_writes_status_event_audit_and_text_message_together(people):
    application = make_application(people["resident"])
    version = application.version
    event = sc.apply_action(application, "accept", people["street"], note="材料齐全",
                            expected_version=version)
    _db.session.expire_all()
    application = _db.session.get(Application, application.id)
    assert application.status == "accepted"
    assert application.version == version + 1
    assert working_days.local_date(application.due_at) == working_days.add_working_days(
        working_days.local_date(application.status_changed_at), sm.time_limit("accepted"))
    assert (event.from_status, event.to_status, event.internal_note) == (
        "submitted", "accepted", "材料齐全")
    audit = _db.session.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.object_id, audit.actor_account_id) == (
        "application.accept", application.reference, people["street"].id)
    text = _db.session.scalars(select(OutboxMessage)).one()
    assert text.recipient == people["resident"].phone
    assert application.reference in text.body and "已受理" in text.body


def test_the_text_message_is_in_the_applicants_language(people):
    application = make_application(people["resident"])
    application.locale = "en"
    _db.session.commit()
    sc.apply_action(application, "request_info", people["street"], message="Please add a photo.")
    body = _db.session.scalars(select(OutboxMessage)).one().body
    assert application.reference in body and "need" in body.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body)
    # The staff's words stay in the portal: a text message is no place for personal details.
    assert "Please add a photo." not in body


@pytest.mark.parametrize("action", ["request_info", "reject"])
def test_request_for_information_and_rejection_need_a_message(people, action):
    application = make_application(people["resident"])
    with pytest.raises(sc.MessageRequired):
        sc.apply_action(application, action, people["street"], message="   ")
    _db.session.rollback()
    assert _count(StatusEvent) == 1 and _count(AuditEvent) == 0 and _count(OutboxMessage) == 0


def test_street_officers_act_only_on_their_own_street(people):
    application = make_application(people["resident"])
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "accept", people["other_street"])
    assert sc.available_actions(application, people["other_street"]) == []
    assert application.status == "submitted"


@pytest.mark.parametrize("who", ["district", "civil", "admin", "resident"])
def test_only_the_street_accepts(people, who):
    application = make_application(people["resident"])
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "accept", people[who])


def test_two_subsidies_are_decided_by_civil_affairs_others_by_the_district(people):
    allowance = make_application(people["resident"], programme="living_allowance",
                                 status="district_reviewed")
    devices = make_application(people["resident"], programme="assistive_devices",
                               status="district_reviewed", name="马玉芳")
    assert sc.available_actions(allowance, people["district"]) == []
    assert {a.code for a in sc.available_actions(allowance, people["civil"])} == {
        "approve", "request_info", "reject"}
    assert sc.available_actions(devices, people["civil"]) == []  # not theirs to see
    assert {a.code for a in sc.available_actions(devices, people["district"])} == {
        "approve", "request_info", "reject"}
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(allowance, "approve", people["district"])
    sc.apply_action(allowance, "approve", people["civil"],
                    details=decision_details(allowance, "approve"))
    sc.apply_action(devices, "approve", people["district"],
                    details=decision_details(devices, "approve"))
    # Only the two subsidies go to the public notice; the others go straight to provision.
    assert {a.code for a in sc.available_actions(allowance, people["civil"])} == {"publish"}
    assert {a.code for a in sc.available_actions(devices, people["district"])} == {
        "start_payment"}


def test_an_action_from_the_wrong_state_is_refused(people):
    application = make_application(people["resident"])
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "street_check", people["street"])
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "no_such_action", people["street"])


def test_resubmission_returns_to_the_state_before_the_request(people):
    application = make_application(people["resident"], status="accepted")
    sc.apply_action(application, "request_info", people["street"], message="请补充照片。")
    assert application.status == "needs_info"
    assert sc.available_actions(application, people["street"]) == []
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "resubmit", make_account("resident"))
    sc.apply_action(application, "resubmit", people["resident"])
    assert application.status == "accepted"
    events = [e.to_status for e in _db.session.scalars(
        select(StatusEvent).where(StatusEvent.application_id == application.id)
        .order_by(StatusEvent.id))]
    assert events[-2:] == ["needs_info", "accepted"]


def test_a_family_member_with_access_may_look_but_not_act(people):
    application = make_application(people["resident"], status="needs_info",
                                    previous="submitted")
    helper = make_account("resident")
    make_link(people["resident"], application.person, "guardian")
    _db.session.add(AccessGrant(person_id=application.person_id,
                                grantee_phone=helper.phone,
                                granted_by_account_id=people["resident"].id))
    _db.session.commit()
    assert sc.available_actions(application, helper) == []
    with pytest.raises(sc.ActionNotAllowed):
        sc.apply_action(application, "resubmit", helper)
    assert application.status == "needs_info"


def test_the_persons_own_account_may_act_on_an_application_made_for_them(people):
    application = make_application(people["resident"], status="needs_info",
                                    previous="submitted")
    own = make_account("resident")
    assert sc.available_actions(application, own) == []     # not proven yet: a stranger
    make_link(own, application.person)
    sc.apply_action(application, "resubmit", own)
    assert application.status == "submitted"


def test_a_stale_version_is_refused_and_nothing_is_saved(people):
    application = make_application(people["resident"])
    with pytest.raises(sc.StaleApplication):
        sc.apply_action(application, "accept", people["street"],
                        expected_version=application.version - 1)
    assert application.status == "submitted"
    assert _count(AuditEvent) == 0


def test_a_change_committed_elsewhere_makes_the_second_update_fail(app, people):
    """Simulate the race in one thread: the row changes under a loaded object."""
    application = make_application(people["resident"])
    _db.session.execute(
        Application.__table__.update().where(Application.id == application.id)
        .values(version=Application.version + 1, status="accepted"))
    _db.session.commit()  # commits the other "officer's" change; our object still says v1
    with pytest.raises(sc.StaleApplication):
        sc.apply_action(application, "reject", people["street"], message="不符合条件。",
                        expected_version=1)
    assert _count(AuditEvent) == 0 and _count(OutboxMessage) == 0


def test_two_officers_acting_at_once_cannot_both_succeed(app, people):
    """Two sessions in two threads load the same version, then both act."""
    application = make_application(people["resident"])
    application_id, officer_id = application.id, people["street"].id
    loaded = threading.Barrier(2, timeout=20)
    results: dict[str, object] = {}

    def officer(action, message):
        with app.app_context():
            from portal.accounts.models import Account

            mine = _db.session.get(Application, application_id)
            actor = _db.session.get(Account, officer_id)
            version = mine.version
            loaded.wait()
            try:
                sc.apply_action(mine, action, actor, message=message,
                                expected_version=version)
                results[action] = "done"
            except sc.StaleApplication:
                results[action] = "stale"
            except Exception as error:  # noqa: BLE001 – reported below
                results[action] = repr(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=officer, args=("accept", None)),
               threading.Thread(target=officer, args=("reject", "不符合条件。"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == ["done", "stale"], results
    _db.session.expire_all()
    final = _db.session.get(Application, application_id)
    winner = "accepted" if results["accept"] == "done" else "rejected"
    assert final.status == winner and final.version == 2
    assert _count(StatusEvent, application_id=application_id) == 2
    assert _count(AuditEvent) == 1 and _count(OutboxMessage) == 1
