"""Family access: the person themselves or their recorded guardian (a proven link) lets a family
member – named by mobile number – see the person's applications, and ends it; audited, and both
sides told by text message. The form never tells whether a number is registered."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts import access_grants
from portal.accounts.models import AccessGrant
from portal.audit.models import AuditEvent
from tests.support.staff import make_person
from tests.support.status import family, make_application, make_link, messages_to, post
from tests.support.accounts import make_account, sign_in
from tests.support.pages import main_text


def _grant(client, f, phone, person=None):
    return post(client, "/status/access/new",
                {"person": str(person or f.mother.id), "phone": phone})


def test_granting_by_mobile_number(client, db):
    f = family()
    sign_in(client, f.daughter)
    assert "授权一位家人" in main_text(client.get("/status/access/"))
    response = _grant(client, f, "139 0000 0002")
    assert response.status_code == 303 and response.headers["Location"].endswith("/status/access/")
    access = db.session.scalars(select(AccessGrant)).one()
    assert (access.person_id, access.grantee_phone, access.granted_by_account_id) == (
        f.mother.id, f.son.phone, f.daughter.id)
    text = main_text(client.get("/status/access/"))
    # The number shown masked, and said as "尾号0002" to screen readers (main_text reads both).
    assert "已授权" in text and "手机139****0002尾号0002的家人可以查看王秀兰的申请" in text
    audit = db.session.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.actor_account_id, audit.object_id) == (
        "access.grant", f.daughter.id, str(access.id))
    [to_son] = messages_to(f.son.phone)
    [to_daughter] = messages_to(f.daughter.phone)
    assert "尾号0001" in to_son.body and "尾号0002" in to_daughter.body
    for body in (to_son.body, to_daughter.body):
        assert "王秀兰" not in body and "残疾" not in body and f.mother_id not in body


def test_the_family_member_sees_the_applications_in_their_own_list(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    client.get("/_test/sign-out")
    sign_in(client, f.son)
    text = main_text(client.get("/status/"))
    assert "家人授权我查看的申请" in text and f.application.reference in text
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 200
    assert "您可以查看王秀兰的申请（由李梅授权）" in main_text(client.get("/status/access/"))


@pytest.mark.parametrize("phone, problem", [
    ("13900000001", "这是您自己的手机号码"),
    ("1390000", "手机号码应为11位数字"),
    ("", "请输入家人的手机号码"),
])
def test_grant_problems_are_explained(client, db, phone, problem):
    f = family()
    sign_in(client, f.daughter)
    response = _grant(client, f, phone)
    assert response.status_code == 200 and problem in main_text(response)
    assert db.session.scalars(select(AccessGrant)).all() == []
    assert f'value="{phone}"' in response.get_data(as_text=True) or not phone


def _answer_to_grant(client, f, phone: str) -> tuple[int, str, str]:
    response = _grant(client, f, phone)
    follow = main_text(client.get(response.headers.get("Location", "/status/access/")))
    flashed = follow[follow.find("已授权"):follow.find("我们已发短信告诉您和您的家人。")]
    return response.status_code, response.headers.get("Location"), flashed.replace(phone[-4:], "####")


def test_the_form_never_tells_whether_a_number_is_registered(client, db):
    """A registered resident, a number nobody registered and a member of staff's number: the
    same answer (and each gets a grant that works for whoever registers with the number)."""
    f = family()
    sign_in(client, f.daughter)
    answers = {phone: _answer_to_grant(client, f, phone)
               for phone in (f.son.phone, "13700000000", f.officer.phone)}
    assert len(set(answers.values())) == 1, answers
    status, location, flashed = answers[f.son.phone]
    assert status == 303 and location.endswith("/status/access/") and flashed
    assert {g.grantee_phone for g in db.session.scalars(select(AccessGrant))} == set(answers)
    # Each number got the same text, whether or not it is registered.
    bodies = {messages_to(phone)[-1].body for phone in answers}
    assert len(bodies) == 1


def test_a_grant_to_a_number_not_yet_registered_works_once_it_is(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, "13700000000")
    client.get("/_test/sign-out")
    later = make_account("resident", name="李军", phone="13700000000")
    sign_in(client, later)
    assert f.application.reference in main_text(client.get("/status/"))
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 200


def test_staff_never_see_a_grant_to_their_number(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.officer.phone)
    assert access_grants.applications_for(f.officer).empty
    assert access_grants.grants_received(f.officer) == []


def test_granting_twice_is_explained(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    response = _grant(client, f, f.son.phone)
    assert "您已经授权过这个手机号码查看这个人的申请了" in main_text(response)
    assert len(db.session.scalars(select(AccessGrant)).all()) == 1


def test_only_the_proven_person_or_guardian_may_grant(client, db):
    f = family(guardian=False)
    # The daughter applied for her mother "as family": filing proves nothing, so she cannot
    # hand out access to her mother's records.
    sign_in(client, f.daughter)
    assert client.get("/status/access/new").status_code == 303
    assert _grant(client, f, f.son.phone).status_code in (303, 404)
    # Nor can the son, who never applied.
    client.get("/_test/sign-out")
    sign_in(client, f.son)
    assert _grant(client, f, f.stranger.phone).status_code in (303, 404)
    assert db.session.scalars(select(AccessGrant)).all() == []
    # An agent applies for one application; they cannot hand out access either.
    agent = make_account("resident", phone="13900000007")
    other, _ = make_person(name="赵大爷")
    application = make_application(agent, person=other, programme="living_allowance")
    application.relationship_to_person = "agent"
    db.session.commit()
    assert access_grants.grantable_people(agent) == []
    # The mother herself, once proven, may.
    mother_account = make_account("resident", phone="13900000005", name="王秀兰")
    make_link(mother_account, f.mother)
    assert [p.id for p in access_grants.grantable_people(mother_account)] == [f.mother.id]


def test_a_grant_stops_counting_when_its_granters_link_ends(client, db):
    from portal.accounts import person_links

    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    link = person_links.link_of(f.daughter, f.mother.id)
    person_links.end(f.officer, link)
    client.get("/_test/sign-out")
    sign_in(client, f.son)
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 404


def test_a_grant_cannot_be_made_for_someone_elses_person(client, db):
    f = family()
    sign_in(client, f.daughter)
    stranger_person, _ = make_person(name="路人甲")
    make_application(f.stranger, person=stranger_person, programme="living_allowance")
    response = _grant(client, f, f.son.phone, person=stranger_person.id)
    assert response.status_code == 200  # not one of the choices: the form says choose again
    assert db.session.scalars(select(AccessGrant)).all() == []


def test_the_granter_ends_the_access(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    access = db.session.scalars(select(AccessGrant)).one()
    confirm = client.get(f"/status/access/{access.id}/end")
    assert "确定要取消这个授权吗？" in main_text(confirm)
    response = post(client, f"/status/access/{access.id}/end", page=f"/status/access/{access.id}/end")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(AccessGrant, access.id).revoked_at is not None
    assert [a.action for a in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "access.grant", "access.revoke"]
    assert "授权已取消" in messages_to(f.son.phone)[-1].body
    assert "尾号0002" in messages_to(f.daughter.phone)[-1].body
    client.get("/_test/sign-out")
    sign_in(client, f.son)
    assert client.get(f"/status/applications/{f.application.reference}/").status_code == 404
    assert f.application.reference not in main_text(client.get("/status/"))


def test_the_family_member_may_give_the_access_up(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    access = db.session.scalars(select(AccessGrant)).one()
    client.get("/_test/sign-out")
    sign_in(client, f.son)
    assert "确定不再查看这些申请吗？" in main_text(client.get(f"/status/access/{access.id}/end"))
    post(client, f"/status/access/{access.id}/end", page=f"/status/access/{access.id}/end")
    db.session.expire_all()
    assert db.session.get(AccessGrant, access.id).revoked_at is not None
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.revoke")
                               ).one()
    assert audit.actor_account_id == f.son.id and audit.detail["by_grantee"] is True


def test_nobody_else_can_end_a_grant(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    access = db.session.scalars(select(AccessGrant)).one()
    client.get("/_test/sign-out")
    sign_in(client, f.stranger)
    assert client.get(f"/status/access/{access.id}/end").status_code == 404
    assert post(client, f"/status/access/{access.id}/end").status_code == 404
    db.session.expire_all()
    assert db.session.get(AccessGrant, access.id).revoked_at is None


def test_an_ended_grant_cannot_be_ended_again(client, db):
    f = family()
    sign_in(client, f.daughter)
    _grant(client, f, f.son.phone)
    access = db.session.scalars(select(AccessGrant)).one()
    path = f"/status/access/{access.id}/end"
    post(client, path, page=path)
    assert client.get(path).status_code == 404


def test_grants_sent_at_once_make_one(app, db):
    """A double click (here four at once, each in its own connection): one grant; the others
    hear "already granted", never an error page."""
    import threading

    from portal.accounts.models import Account
    from portal.extensions import db as _db

    f = family()
    daughter_id, mother_id = f.daughter.id, f.mother.id
    barrier, outcomes = threading.Barrier(4), []

    def one() -> None:
        with app.app_context():
            barrier.wait()
            try:
                access_grants.grant(_db.session.get(Account, daughter_id), mother_id,
                                    "13700000055")
                outcomes.append("granted")
            except access_grants.GrantError as problem:
                outcomes.append(problem.reason)
            _db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["exists", "exists", "exists", "granted"], outcomes
    db.session.expire_all()
    assert len(db.session.scalars(select(AccessGrant)).all()) == 1
