"""Finding 1 of the trust review, end to end through the real pages: a typed ID number opens
nothing. A person's records are reached only by what the account submitted, a grant from the
person (or their recorded guardian), or a proven link – a code to the person's phone on record,
or staff at the counter.

The world: 王秀英's daughter applies for her (a real journey, with a document); the street
officer accepts it – the application's mobile number becomes the phone on record – and, seeing
the papers at the counter, records the daughter as guardian; the daughter lets her brother see.
Then a stranger registers, applies "for myself" with 王秀英's ID number and another name, and
tries everything.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccessGrant, PersonLink
from portal.applications import status_changes
from portal.applications.models import Application, Document
from portal.audit.models import AuditEvent
from portal.messages.models import OutboxMessage
from tests.support.apply import MOTHER_ID, fill_all, personal, post, start_for_other
from tests.support.status import messages_to
from tests.support.accounts import last_code, make_account, sign_in
from tests.support.pages import main_text

PHONE_ON_RECORD = "13911112222"      # the mobile number in the daughter's application
DAUGHTER, SON, STRANGER = "13900000001", "13900000002", "13900000009"


def _submit(client, draft_id: int) -> Application:
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, main_text(response)[:1500]
    reference = re.search(r"HY-\d{4}-[0-9A-Z]{6}", response.headers["Location"]).group(0)
    from portal.extensions import db

    return db.session.scalar(select(Application).where(Application.reference == reference))


def _apply_for_myself(client, name: str) -> Application:
    response = post(client, "/apply/nursing_allowance/", {"who": "self"})
    assert response.status_code == 303
    draft_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
    fill_all(client, draft_id)
    path, data = personal(draft_id, full_name=name, phone=STRANGER)
    assert post(client, path, data).status_code == 303
    return _submit(client, draft_id)


def _apply_as_family(client, name: str, relationship: str) -> Application:
    """The stranger applies for "someone else" – 王秀英's ID number under the name `name` – as
    `relationship`."""
    draft_id = start_for_other(client, relationship=relationship)
    fill_all(client, draft_id)
    path, data = personal(draft_id, full_name=name, phone=STRANGER)
    assert post(client, path, data).status_code == 303
    return _submit(client, draft_id)


def _csrf(html: str) -> str:
    return re.search(r'<input[^>]* name="csrf_token"[^>]* value="([^"]+)"', html).group(1)


def _filed_by_the_daughter_as_guardian(client) -> Application:
    sign_in(client, make_account(phone=DAUGHTER, name="李梅"))
    draft_id = start_for_other(client, relationship="guardian")
    fill_all(client, draft_id)
    return _submit(client, draft_id)


@pytest.fixture()
def world(app, client, db):
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    family_application = _filed_by_the_daughter_as_guardian(client)
    document = db.session.scalars(select(Document).where(
        Document.application_id == family_application.id)).first()
    assert document is not None
    status_changes.apply_action(family_application, "accept", officer)
    with app.test_client() as counter:
        sign_in(counter, officer)
        page = f"/staff/applications/{family_application.reference}"
        html = counter.get(page).get_data(as_text=True)
        assert "登记为法定监护人" in html
        csrf = _csrf(html)
        response = counter.post(page + "/link", data={"csrf_token": csrf, "checked": "y"})
        assert response.status_code == 303
    assert post(client, "/status/access/new",
                {"person": str(family_application.person_id), "phone": SON}).status_code == 303
    client.get("/_test/sign-out")
    return {"officer": officer, "application": family_application, "document": document,
            "grant": db.session.scalar(select(AccessGrant))}


def test_the_phone_on_record_and_the_guardian_were_set_by_staff(db, world):
    person = world["application"].person
    assert person.phone == PHONE_ON_RECORD
    [link] = db.session.scalars(select(PersonLink)).all()
    assert (link.role, link.proven_by, link.confirmed_by_account_id) == (
        "guardian", "counter", world["officer"].id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.link"))
    assert any("可以在网上办事平台查看以您名义办理的所有申请" in m.body
               for m in messages_to(PHONE_ON_RECORD))


@pytest.mark.parametrize("relationship", ["self", "family", "guardian"])
def test_a_stranger_typing_the_id_number_reaches_nothing(app, client, db, world, relationship):
    """Whether the stranger claims to be the person ("for myself") or applies for her as a
    relative or her guardian: the typed ID number opens nothing."""
    family_application, document, grant = world["application"], world["document"], world["grant"]
    sign_in(client, make_account(phone=STRANGER, name="张三"))
    own = _apply_for_myself(client, "张三") if relationship == "self" else \
        _apply_as_family(client, "张三", relationship)
    assert own.relationship_to_person == relationship
    # The stranger's application went in (no oracle) and is about the same person record…
    assert own.person_id == family_application.person_id
    # …but the stranger sees only their own application.
    listing = main_text(client.get("/status/"))
    assert own.reference in listing and family_application.reference not in listing
    assert "王秀英" not in listing
    base = f"/status/applications/{family_application.reference}/"
    for path in (base, base + f"documents/{document.id}", base + "withdraw", base + "answer"):
        assert client.get(path).status_code == 404, path
    # No grants shown, none can be made or ended.
    grants_page = main_text(client.get("/status/access/"))
    assert "139****0002" not in grants_page and "王秀英" not in grants_page
    response = post(client, "/status/access/new",
                    {"person": str(family_application.person_id), "phone": STRANGER})
    assert response.status_code in (303, 404)
    end = f"/status/access/{grant.id}/end"
    assert client.get(end).status_code == 404
    assert post(client, end).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AccessGrant)) == 1
    assert db.session.get(AccessGrant, grant.id).revoked_at is None
    # The family's grant still works for the son.
    with app.test_client() as son:
        sign_in(son, make_account(phone=SON, name="李强"))
        assert son.get(base).status_code == 200


def test_proving_goes_to_the_phone_on_record_never_to_the_stranger(client, db, world):
    family_application = world["application"]
    sign_in(client, make_account(phone=STRANGER, name="张三"))
    _apply_for_myself(client, "张三")
    assert "确认是我本人" in main_text(client.get("/status/"))
    to_person_before = len(messages_to(PHONE_ON_RECORD))
    to_stranger_before = len(messages_to(STRANGER))
    response = post(client, "/status/prove/", {"person": str(family_application.person_id)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/status/prove/code")
    # The code went to the person's phone on record – the stranger got nothing.
    assert len(messages_to(PHONE_ON_RECORD)) == to_person_before + 1
    assert len(messages_to(STRANGER)) == to_stranger_before
    for guess in ("000000", "123456", "999999"):
        response = post(client, "/status/prove/code", {"code": guess})
        assert response.status_code == 200 and "验证码不正确" in main_text(response)
    assert db.session.scalars(select(PersonLink).where(PersonLink.role == "self")).all() == []
    assert client.get(f"/status/applications/{family_application.reference}/").status_code == 404


def test_the_person_is_told_when_someone_files_in_their_name(client, db, world):
    sign_in(client, make_account(phone=STRANGER, name="张三"))
    own = _apply_for_myself(client, "张三")
    told = messages_to(PHONE_ON_RECORD)[-1].body
    assert own.reference in told and "以您的名义提交了一份申请" in told
    for secret in ("张三", "王秀英", MOTHER_ID, "护理", "残疾"):
        assert secret not in told


def test_the_person_proves_it_is_her_and_then_sees_and_grants(app, client, db, world):
    family_application = world["application"]
    sign_in(client, make_account(phone=PHONE_ON_RECORD, name="王秀英"))
    own = _apply_for_myself(client, "王秀英")
    assert client.get(f"/status/applications/{family_application.reference}/").status_code == 404
    post(client, "/status/prove/", {"person": str(family_application.person_id)})
    code = last_code(PHONE_ON_RECORD)
    response = post(client, "/status/prove/code", {"code": code})
    assert response.status_code == 303
    listing = main_text(client.get("/status/"))
    assert family_application.reference in listing and own.reference in listing
    assert client.get(f"/status/applications/{family_application.reference}/").status_code == 200
    link = db.session.scalar(select(PersonLink).where(PersonLink.role == "self"))
    assert (link.proven_by, link.person_id) == ("sms", family_application.person_id)
    assert "可以在网上办事平台查看以您名义办理的所有申请" in messages_to(PHONE_ON_RECORD)[-1].body
    # She may now grant, and end the grant her daughter made.
    assert "授权一位家人" in main_text(client.get("/status/access/"))
    assert client.get(f"/status/access/{world['grant'].id}/end").status_code == 200


def test_a_code_works_for_one_account_only_once(client, db, world):
    family_application = world["application"]
    sign_in(client, make_account(phone=PHONE_ON_RECORD, name="王秀英"))
    _apply_for_myself(client, "王秀英")
    post(client, "/status/prove/", {"person": str(family_application.person_id)})
    code = last_code(PHONE_ON_RECORD)
    assert post(client, "/status/prove/code", {"code": code}).status_code == 303
    # A second account that also applied "for myself" cannot reuse it.
    client.get("/_test/sign-out")
    sign_in(client, make_account(phone=STRANGER, name="张三"))
    _apply_for_myself(client, "张三")
    post(client, "/status/prove/", {"person": str(family_application.person_id)})
    session_code = post(client, "/status/prove/code", {"code": code})
    assert session_code.status_code == 200
    assert len(db.session.scalars(select(PersonLink).where(PersonLink.role == "self")).all()) == 1


def test_asking_for_a_code_tells_nothing_about_the_person(app, client, db, world):
    """Same answer whether or not the person has a phone on record; a person the account never
    applied for is not even offered, and gets no text."""
    from portal.cli.demo_content import make_id_number

    family_application = world["application"]
    answers = []
    for phone, id_number in ((STRANGER, MOTHER_ID),
                             ("13900000008", make_id_number("610118", date(1960, 1, 2), 5))):
        with app.test_client() as someone:
            sign_in(someone, make_account(phone=phone, name="张三"))
            response = post(someone, "/apply/nursing_allowance/", {"who": "self"})
            draft_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
            fill_all(someone, draft_id)
            path, data = personal(draft_id, full_name="张三", phone=phone, id_number=id_number)
            assert post(someone, path, data).status_code == 303
            assert post(someone, f"/apply/drafts/{draft_id}/certificate", {
                "has_certificate": "yes", "certificate_number": id_number + "41",
                "category": "physical", "grade": "1", "valid_until": "2031-05-01"},
            ).status_code == 303
            mine = _submit(someone, draft_id)
            response = post(someone, "/status/prove/", {"person": str(mine.person_id)})
            page = main_text(someone.get(response.headers["Location"]))
            answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1]
    sign_in(client, make_account(phone=STRANGER, name="张三"))
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    response = post(client, "/status/prove/", {"person": str(family_application.person_id + 999)})
    assert response.status_code == 200      # not one of the choices: the form asks again
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_staff_cannot_confirm_a_link_for_an_agent_or_another_street(app, db, world):
    from tests.support.staff import make_application

    other_officer = make_account("street_officer", street="yuxia", phone="13800000009")
    agent = make_account("resident", phone="13900000007")
    agents = make_application(agent, status="submitted")
    agents.relationship_to_person = "agent"
    db.session.commit()
    with app.test_client() as counter:
        sign_in(counter, world["officer"])
        html = counter.get(f"/staff/applications/{agents.reference}").get_data(as_text=True)
        assert "当面确认申请人的账户" not in html
        csrf = _csrf(html)
        response = counter.post(f"/staff/applications/{agents.reference}/link",
                                data={"csrf_token": csrf, "checked": "y"})
        assert response.status_code == 404
    with app.test_client() as counter:
        sign_in(counter, other_officer)
        html = counter.get("/staff/queue").get_data(as_text=True)
        csrf = _csrf(html)
        response = counter.post(f"/staff/applications/{world['application'].reference}/link",
                                data={"csrf_token": csrf, "checked": "y"})
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PersonLink)) == 1


def test_the_counter_link_needs_the_officer_to_say_what_was_checked(app, client, db):
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    application = _filed_by_the_daughter_as_guardian(client)
    with app.test_client() as counter:
        sign_in(counter, officer)
        page = f"/staff/applications/{application.reference}"
        html = counter.get(page).get_data(as_text=True)
        csrf = _csrf(html)
        response = counter.post(page + "/link", data={"csrf_token": csrf})
        assert response.status_code == 400
        assert "请先当面核验原件" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PersonLink)) == 0


# ── the migration ─────────────────────────────────────────────────────────────────────────

def test_the_migration_trusts_no_typed_link_and_keeps_grants_by_number(app, db):
    """0012: `account.person_id` (set by typing an ID number) becomes no link at all; a grant to
    an account becomes a grant to its mobile number. Down and up again on real rows."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from tests.support.staff import make_link, make_person

    typed = make_account("resident", phone="13900000021").id
    granter = make_account("resident", phone="13900000022")
    grantee = make_account("resident", phone="13900000023")
    grantee_id, grantee_phone = grantee.id, grantee.phone
    person, _ = make_person()
    person_id = person.id
    make_link(granter, person, "guardian")
    db.session.add(AccessGrant(person_id=person_id, grantee_phone=grantee_phone,
                               granted_by_account_id=granter.id))
    db.session.commit()
    db.session.close()
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    before = script.get_revision("0012_person_links").down_revision
    downgrade(revision=before)
    try:
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT grantee_account_id FROM access_grant")
                                      ).scalar() == grantee_id
            # What the old code did: the first "for myself" application set person_id.
            connection.execute(text("UPDATE account SET person_id = :p WHERE id = :a"),
                               {"p": person_id, "a": typed})
    finally:
        upgrade()
    assert "person_id" not in {c["name"] for c in inspect(db.engine).get_columns("account")}
    assert db.session.scalars(select(PersonLink)).all() == []     # nothing typed is trusted
    assert db.session.scalar(select(AccessGrant.grantee_phone)) == grantee_phone


def test_counter_staff_see_the_links_and_end_a_wrong_one(app, client, db, world):
    """A link made in error (say, the code reached the wrong hands) is ended by the officer:
    audited, the account holder told, and the access – and the grants it made – gone."""
    link = db.session.scalar(select(PersonLink))
    with app.test_client() as counter:
        sign_in(counter, world["officer"])
        page = f"/staff/applications/{world['application'].reference}"
        html = counter.get(page).get_data(as_text=True)
        assert "已确认与申请对象关联的账户" in html and "监护人，窗口当面核验" in html
        csrf = _csrf(html)
        response = counter.post(f"{page}/links/{link.id}/end", data={"csrf_token": csrf})
        assert response.status_code == 303
        assert counter.post(f"{page}/links/{link.id}/end",
                            data={"csrf_token": csrf}).status_code == 404   # ended already
    db.session.expire_all()
    assert db.session.get(PersonLink, link.id).ended_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.unlink"))
    assert "解除" in messages_to(DAUGHTER)[-1].body
    with app.test_client() as son:
        sign_in(son, make_account(phone=SON, name="李强"))
        reference = world["application"].reference
        assert son.get(f"/status/applications/{reference}/").status_code == 404
    sign_in(client, make_account(phone=DAUGHTER, name="李梅"))
    # She still sees the application she submitted herself, but may no longer grant.
    assert client.get(f"/status/applications/{world['application'].reference}/").status_code == 200
    assert client.get("/status/access/new").status_code == 303


def test_other_staff_cannot_end_a_link(app, db, world):
    link = db.session.scalar(select(PersonLink))
    admin = make_account("admin", phone="13800000005")
    other_street = make_account("street_officer", street="yuxia", phone="13800000009")
    for who in (admin, other_street):
        with app.test_client() as staff:
            sign_in(staff, who)
            html = staff.get("/staff/").get_data(as_text=True)
            match = re.search(r'<input[^>]* name="csrf_token"[^>]* value="([^"]+)"', html)
            response = staff.post(
                f"/staff/applications/{world['application'].reference}/links/{link.id}/end",
                data={"csrf_token": match.group(1) if match else ""})
            assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(PersonLink, link.id).ended_at is None
