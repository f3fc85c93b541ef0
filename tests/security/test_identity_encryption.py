"""Resident ID numbers at rest: kept in full only encrypted (Person.id_number_encrypted and the
answers' personal.id_encrypted), rotated with the card numbers by `flask rotate-keys`, masked on
every page – and shown in full only to the roles that verify identity, on request (a POST),
with the viewing in the audit log."""
from __future__ import annotations

import json
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text

from portal.applications.models import Application, Draft
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.people import crypto, identity
from portal.people.models import Person
from tests.support.apply import MOTHER_ID, fill_all, post, start_for_other
from tests.security.world import build, csrf
from tests.support.accounts import APPLICANT, make_account, sign_in


def _raw(sql: str) -> str:
    return "\n".join(str(row) for row in _db.session.execute(text(sql)))


def _raw_people_and_answers() -> str:
    return "\n".join((_raw("SELECT * FROM person"), _raw("SELECT answers FROM draft"),
                      _raw("SELECT answers FROM application")))


def _the_digits_are_nowhere(raw: str) -> None:
    # The whole number, and the part the masked form hides (area and birth date).
    assert MOTHER_ID not in raw and MOTHER_ID.lower() not in raw
    assert MOTHER_ID[4:14] not in raw


def _audit(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ── at rest ───────────────────────────────────────────────────────────────────────────────

def test_the_draft_keeps_the_id_number_encrypted_never_plain(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path = f"/apply/drafts/{draft_id}/personal"
    data = {"full_name": "王秀英", "id_number": MOTHER_ID, "phone": "13911112222",
            "address": "鄠邑区甘亭街道东街社区5号", "street": "ganting"}
    assert post(client, path, data).status_code == 303
    raw = _raw("SELECT answers FROM draft")
    _the_digits_are_nowhere(raw)
    personal = db.session.get(Draft, draft_id).answers["personal"]
    assert crypto.is_encrypted(personal["id_encrypted"])
    assert crypto.decrypt(personal["id_encrypted"]) == MOTHER_ID
    assert personal["id_hash"] == identity.lookup_hash(MOTHER_ID)
    assert "id_masked" not in personal  # nothing derived kept readable (test_masking.py)


def test_the_person_and_the_application_keep_it_encrypted_never_plain(app, client, db):
    world = build(client)
    _the_digits_are_nowhere(_raw_people_and_answers())
    _the_digits_are_nowhere(_raw("SELECT detail FROM audit_event"))
    person = db.session.scalar(select(Person).where(
        Person.id_number_hash == identity.lookup_hash(MOTHER_ID)))
    assert crypto.is_encrypted(person.id_number_encrypted)
    assert crypto.decrypt(person.id_number_encrypted) == MOTHER_ID
    application = db.session.scalar(select(Application)
                                     .where(Application.reference == world.reference))
    assert crypto.decrypt(application.answers["personal"]["id_encrypted"]) == MOTHER_ID


def test_a_person_recorded_before_gets_the_encrypted_number_when_they_apply(app, client, db):
    person = Person(full_name="王秀英", id_number_hash=identity.lookup_hash(MOTHER_ID),
                    street="ganting")
    db.session.add(person)
    db.session.commit()
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    assert crypto.decrypt(db.session.get(Person, person.id).id_number_encrypted) == MOTHER_ID


def test_the_demo_people_have_encrypted_numbers(app, db):
    from portal.cli import demo_content as demo

    demo.seed()
    for person in db.session.scalars(select(Person)):
        number = crypto.decrypt(person.id_number_encrypted)
        assert identity.lookup_hash(number) == person.id_number_hash
        assert number not in _raw("SELECT * FROM person")


# ── rotation ──────────────────────────────────────────────────────────────────────────────

def test_rotate_keys_re_encrypts_people_drafts_and_applications(app, client, db, runner):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved = app.extensions["data_encryption_keys"]
    try:
        app.extensions["data_encryption_keys"] = [old]
        build(client)
        sign_in(client, make_account(phone="13933334444", name="王芳"))
        # A draft with the personal details only (another programme: the mother already has
        # an active nursing-allowance application).
        draft_id = start_for_other(client, programme="living_allowance")
        path = f"/apply/drafts/{draft_id}/personal"
        assert post(client, path, {"full_name": "王秀英", "id_number": MOTHER_ID,
                                   "phone": "13933334444", "address": "鄠邑区甘亭街道1号",
                                   "street": "ganting"}).status_code == 303
        before = _raw_people_and_answers()

        app.extensions["data_encryption_keys"] = [new, old]
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        # The application (card and ID number), the new draft and the person.
        assert "Re-encrypted 3 records" in result.output
        db.session.expire_all()
        assert _raw_people_and_answers() != before
        _the_digits_are_nowhere(_raw_people_and_answers())

        app.extensions["data_encryption_keys"] = [new]  # the old key can now be removed
        stored = [db.session.scalar(select(Person)).id_number_encrypted,
                  db.session.get(Draft, draft_id).answers["personal"]["id_encrypted"],
                  db.session.scalar(select(Application)).answers["personal"]["id_encrypted"]]
        assert [crypto.decrypt(value) for value in stored] == [MOTHER_ID] * 3
        app.extensions["data_encryption_keys"] = [old]  # which alone reads none of them
        for value in stored:
            with pytest.raises(crypto.KeysMissing):
                crypto.decrypt(value)
    finally:
        app.extensions["data_encryption_keys"] = saved


# ── the staff view: masked, and revealed on request ──────────────────────────────────────

def _url(world) -> str:
    return f"/staff/applications/{world.reference}/id-number"


def _set_status(world, status: str) -> None:
    application = _db.session.scalar(select(Application)
                                     .where(Application.reference == world.reference))
    application.status = status
    _db.session.commit()


def _csrf_of_reveal_form(page: str, url: str) -> str:
    form = re.search(rf'<form method="post" action="{re.escape(url)}">(.*?)</form>', page, re.S)
    assert form, "no reveal form on the page"
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', form.group(1)).group(1)


@pytest.mark.parametrize("role, status", [("street_officer", "submitted"),
                                          ("district_reviewer", "street_checked"),
                                          ("civil_affairs", "district_reviewed")])
def test_identity_roles_see_the_full_number_on_request_and_it_is_audited(
        app, client, db, role, status):
    world = build(client)
    _set_status(world, status)
    sign_in(client, world.staff[role], fresh=True)
    view = client.get(f"/staff/applications/{world.reference}")
    assert view.status_code == 200
    page = view.get_data(as_text=True)
    assert f"尾号{MOTHER_ID[-4:]}" in page and MOTHER_ID[:6] not in page
    assert "1950年" not in page  # the age, never the birth date
    assert "查看完整身份证号" in page
    token = _csrf_of_reveal_form(page, _url(world))

    assert client.get(_url(world)).status_code == 405          # never by a link
    assert client.post(_url(world), data={}).status_code == 400  # no CSRF token
    assert _audit("identity.reveal") == []

    response = client.post(_url(world), data={"csrf_token": token})
    assert response.status_code == 200
    # the full number with its birth date – only here
    assert MOTHER_ID in response.get_data(as_text=True)
    assert "1950年4月8日" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [event] = _audit("identity.reveal")
    assert event.actor_account_id == world.staff[role].id
    assert (event.object_type, event.object_id) == ("application", world.reference)
    assert MOTHER_ID not in json.dumps(event.detail)


def test_the_audit_page_names_the_viewing(app, client, db):
    world = build(client)
    sign_in(client, world.staff["street_officer"], fresh=True)
    client.post(_url(world), data={"csrf_token": csrf(client, f"/staff/applications/"
                                                              f"{world.reference}")})
    assert len(_audit("identity.reveal")) == 1
    sign_in(client, world.staff["admin"], fresh=True)
    page = client.get("/staff/audit", query_string={"reference": world.reference,
                                                    "action": "identity.reveal"})
    assert "<td>查看完整身份证号码</td>" in page.get_data(as_text=True)
    assert MOTHER_ID not in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "other_street"])
def test_other_roles_and_other_streets_never_see_the_full_number(app, client, db, role):
    world = build(client)
    sign_in(client, world.staff[role], fresh=True)
    page = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    assert "查看完整身份证号" not in page and MOTHER_ID not in page
    response = client.post(_url(world), data={"csrf_token": csrf(client)})
    assert response.status_code in (403, 404)
    assert MOTHER_ID not in response.get_data(as_text=True)
    assert _audit("identity.reveal") == []


def test_a_resident_cannot_reveal_it(app, client, db):
    world = build(client)
    sign_in(client, world.owner, fresh=True)
    response = client.post(_url(world), data={"csrf_token": csrf(client)})
    assert response.status_code in (403, 404)
    assert _audit("identity.reveal") == []


def test_no_encrypted_number_on_file_is_not_found(app, client, db):
    world = build(client)
    application = db.session.scalar(select(Application)
                                     .where(Application.reference == world.reference))
    application.person.id_number_encrypted = None  # recorded before numbers were kept
    db.session.commit()
    sign_in(client, world.staff["street_officer"], fresh=True)
    page = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    assert "查看完整身份证号" not in page
    assert client.post(_url(world), data={"csrf_token": csrf(client)}).status_code == 404
    assert _audit("identity.reveal") == []


@pytest.mark.parametrize("role", ["street_officer", "district_reviewer", "civil_affairs"])
def test_the_staff_pages_never_show_the_encrypted_value(app, client, db, role):
    world = build(client)
    sign_in(client, world.staff[role], fresh=True)
    page = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    assert "enc:" not in page and MOTHER_ID not in page
    body = client.get("/staff/export.csv").get_data().decode("utf-8-sig")
    assert "enc:" not in body and MOTHER_ID not in body


# ── the migration ─────────────────────────────────────────────────────────────────────────

def test_the_migration_adds_and_removes_the_column(app, client, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    world = build(client)
    columns = lambda: {c["name"] for c in inspect(db.engine).get_columns("person")}  # noqa: E731
    assert "id_number_encrypted" in columns()
    db.session.commit()
    db.session.close()
    downgrade(revision="0006_security_card_encryption")
    try:
        assert "id_number_encrypted" not in columns()
        raw = _raw("SELECT answers FROM application")
        assert "id_encrypted" not in raw  # the code before would list it on the staff page
        assert "id_hash" in raw
    finally:
        upgrade()
    assert "id_number_encrypted" in columns()
    assert db.session.scalar(select(Person)).id_number_encrypted is None
