"""Masking that cannot be undone (issue #13, finding 2): a masked ID number beside a birth date
was the whole number. Pages show at most the last four characters and an age; the full number
and the birth date only through the audited staff reveal; and nothing derived from the number
(birth date, sex, masked number, certificate number) is stored readable – neither in the
person table nor in drafts' and applications' answers."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.people import crypto, identity
from portal.people.models import Person
from tests.support.apply import MOTHER_CERTIFICATE, MOTHER_ID, post, start_for_other
from tests.security.world import build, csrf
from tests.support.staff import make_link
from tests.support.accounts import APPLICANT, make_account, sign_in

BORN = date(1950, 4, 8)  # MOTHER_ID's birth date
BIRTH_DATE_FORMS = ("1950年4月8日", "1950-04-08", "19500408", "1950/4/8", "April 8, 1950",
                    "Apr 8, 1950", "8 April 1950")


def shows_at_most_the_last_four(page: str, number: str = MOTHER_ID) -> None:
    """No more of the number than its last four, and no birth date."""
    for start in range(0, len(number) - 4):
        assert number[start:start + 5] not in page, (number[start:start + 5], "shown")
    assert number[:4] + "*" not in page and number[:6] not in page  # the area code
    for form in BIRTH_DATE_FORMS:
        assert form not in page, form


def _reference_application(world) -> Application:
    return _db.session.scalar(select(Application).where(Application.reference == world.reference))


# ── pages ─────────────────────────────────────────────────────────────────────────────────

def test_the_residents_pages_show_the_last_four_and_never_the_birth_date(app, client, db):
    world = build(client)
    # The owner is the person's recorded guardian, so the family-access form (which lists the
    # person) opens too.
    make_link(world.owner, _reference_application(world).person, "guardian")
    sign_in(client, world.owner, fresh=True)
    pages = [f"/status/applications/{world.reference}/", "/status/",
             f"/apply/applications/{world.reference}/",
             f"/apply/applications/{world.reference}/receipt", "/apply/nursing_allowance/",
             "/apply/living_allowance/", "/status/access/new"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        shows_at_most_the_last_four(response.get_data(as_text=True))
    receipt = client.get(f"/apply/applications/{world.reference}/receipt").get_data(as_text=True)
    assert f"尾号{MOTHER_ID[-4:]}" in receipt


def test_the_journey_shows_the_last_four_and_an_age(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    from tests.support.apply import fill_all

    fill_all(client, draft_id)
    age = identity.age_on(BORN, date.today())
    for path in ("personal", "certificate", "check"):
        page = client.get(f"/apply/drafts/{draft_id}/{path}").get_data(as_text=True)
        shows_at_most_the_last_four(page)
        shows_at_most_the_last_four(page, MOTHER_CERTIFICATE)
    check = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    assert f"尾号{MOTHER_ID[-4:]}" in check and f"{age}周岁" in check
    assert f"尾号{MOTHER_CERTIFICATE[-4:]}" in check


@pytest.mark.parametrize("role", ["street_officer", "district_reviewer", "civil_affairs"])
def test_the_staff_pages_show_the_last_four_and_the_age(app, client, db, role):
    world = build(client)
    application = _reference_application(world)
    application.status = {"street_officer": "submitted", "district_reviewer": "street_checked",
                          "civil_affairs": "district_reviewed"}[role]
    db.session.commit()
    sign_in(client, world.staff[role], fresh=True)
    age = identity.age_on(BORN, date.today())
    case = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    shows_at_most_the_last_four(case)
    assert f"尾号{MOTHER_ID[-4:]}" in case and f"{age}周岁" in case
    # (A search by the full number shows what the officer typed; not swept here.)
    for path in ("/staff/queue?view=all", f"/staff/queue?view=all&q={MOTHER_ID[-4:]}",
                 "/staff/export.csv?view=all"):
        page = client.get(path).get_data().decode("utf-8-sig")
        shows_at_most_the_last_four(page)
        assert world.reference in page, path  # found, by the last four or the full number
        assert f"尾号{MOTHER_ID[-4:]}" in page, path
    audit = json.dumps([e.detail for e in db.session.scalars(select(AuditEvent))],
                       ensure_ascii=False)
    shows_at_most_the_last_four(audit)


def test_the_family_look_up_and_the_public_notice_show_no_more(app, client, db):
    from tests.support.status import family

    f = family(status="public_notice")
    page = client.get("/public-notice").get_data(as_text=True)
    assert "王*兰" in page
    shows_at_most_the_last_four(page, f.mother_id)
    # the family look-up's result: tests/test_status_lookup.py (the same masked() helper)
    from portal.accounts import family_lookup

    with app.test_request_context():
        found = family_lookup.view(f.application.id)
        assert found.masked_id == f"尾号{f.mother_id[-4:]}"


def test_the_reveal_shows_the_full_number_with_the_birth_date_and_is_audited(app, client, db):
    world = build(client)
    sign_in(client, world.staff["street_officer"], fresh=True)
    url = f"/staff/applications/{world.reference}/id-number"
    response = client.post(url, data={"csrf_token": csrf(client, f"/staff/applications/"
                                                                 f"{world.reference}")})
    page = response.get_data(as_text=True)
    assert MOTHER_ID in page and "1950年4月8日" in page
    assert response.headers["Cache-Control"] == "no-store"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "identity.reveal"))
    assert event.object_id == world.reference
    shows_at_most_the_last_four(json.dumps(event.detail))


# ── at rest ───────────────────────────────────────────────────────────────────────────────

# When a row was written (created_at, …): its microseconds can hold any four digits, by chance
# the ID number's last four – not something derived from the number.
_WHEN_WRITTEN = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)?")


def _readable_values(value, found: list) -> list:
    """Every stored value but the sealed ones (Fernet tokens, keyed hashes)."""
    if isinstance(value, dict):
        for key, item in value.items():
            found.append(str(key))
            _readable_values(item, found)
    elif isinstance(value, list):
        for item in value:
            _readable_values(item, found)
    elif not (crypto.is_encrypted(value) or
              (isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value))
              or _WHEN_WRITTEN.fullmatch(str(value))):
        found.append(str(value))
    return found


def _stored_rows() -> list[str]:
    """The raw rows: every column of the person table, the answers of drafts and
    applications, read with SQL (not through the models)."""
    values: list = []
    for row in _db.session.execute(text("SELECT * FROM person")).mappings():
        _readable_values(dict(row), values)
    for table in ("draft", "application"):
        for (answers,) in _db.session.execute(text(f"SELECT answers FROM {table}")):
            _readable_values(json.loads(answers) if isinstance(answers, str) else answers,
                             values)
    return values


def test_nothing_derived_from_the_number_is_stored_readable(app, client, db):
    world = build(client)  # a submitted application and a draft, through the journey
    columns = {c["name"] for c in inspect(db.engine).get_columns("person")}
    assert not columns & {"birth_date", "sex", "id_number_masked", "certificate_number_masked"}
    stored = _stored_rows()
    for derived in ("id_masked", "birth_date", "sex", "number_masked", "female", "male",
                    MOTHER_ID[-4:], MOTHER_CERTIFICATE[-4:], MOTHER_ID[:6], *BIRTH_DATE_FORMS):
        assert not [v for v in stored if derived in v], derived
    # … yet everything is still there, sealed: read at display time from the encrypted number.
    person = db.session.scalar(select(Person))
    number = identity.of(person)
    assert (number.value, number.birth_date, number.sex) == (MOTHER_ID, BORN, "female")
    assert person.id_number_last4_hash == identity.last_four_hash(MOTHER_ID[-4:])
    answers = _reference_application(world).answers
    assert identity.read(answers["personal"]["id_encrypted"]).value == MOTHER_ID


def test_the_rules_still_read_age_and_sex_from_the_encrypted_number(app, client, db):
    from portal.applications.casefile import facts_for

    world = build(client)
    facts = facts_for(_reference_application(world), today=date(2026, 11, 28))
    assert facts["age"] == 76 and facts["sex"] == "female"


# ── the migration ─────────────────────────────────────────────────────────────────────────

OLD_PERSON = ("INSERT INTO person (full_name, id_number_hash, id_number_masked, "
              "id_number_encrypted, birth_date, sex, street, certificate_number_masked, "
              "created_at) VALUES (:name, :hash, :masked, :encrypted, :born, :sex, 'ganting', "
              ":certificate, :now)")


def test_the_migration_converts_old_rows(app, client, db):
    from flask_migrate import downgrade, upgrade

    from portal.cli.demo_content import make_id_number

    world = build(client)
    owner_phone = world.owner.phone
    db.session.commit()
    db.session.close()
    downgrade(revision="0007_security_id_encryption")
    try:
        # The downgrade put the old columns back from the encrypted numbers …
        row = db.session.execute(text("SELECT id_number_masked, birth_date, sex FROM person"))\
            .one()
        assert (row[0], str(row[1]), row[2]) == (MOTHER_ID[:4] + "*" * 10 + MOTHER_ID[-4:],
                                                 "1950-04-08", "female")
        answers = _reference_application(world).answers
        assert answers["personal"]["birth_date"] == "1950-04-08"
        db.session.rollback()
        # … and a person recorded before 0007 (no encrypted number), with a draft of then.
        legacy_id = make_id_number("610118", date(1948, 2, 3), 55)
        db.session.execute(text(OLD_PERSON), {
            "name": "赵老人", "hash": identity.lookup_hash(legacy_id),
            "masked": legacy_id[:4] + "*" * 10 + legacy_id[-4:], "encrypted": None,
            "born": date(1948, 2, 3), "sex": "male",
            "certificate": legacy_id[:4] + "*" * 12 + legacy_id[-2:] + "41",
            "now": "2026-01-01 00:00:00"})
        legacy_answers = {"relationship": "family", "personal": {
            "full_name": "赵老人", "id_hash": identity.lookup_hash(legacy_id),
            "id_masked": legacy_id[:4] + "*" * 10 + legacy_id[-4:], "birth_date": "1948-02-03",
            "sex": "male", "phone": "13911112222", "address": "鄠邑区1号", "street": "ganting"},
            "certificate": {"has_certificate": True, "id_hash": identity.lookup_hash(legacy_id),
                            "number_masked": legacy_id[:4] + "*" * 12 + legacy_id[-2:] + "41",
                            "category": "physical", "grade": 1, "valid_until": None}}
        db.session.execute(text("UPDATE draft SET answers = :answers"),
                           {"answers": json.dumps(legacy_answers, ensure_ascii=False)})
        db.session.commit()
        db.session.close()
    finally:
        upgrade()

    columns = {c["name"] for c in inspect(db.engine).get_columns("person")}
    assert not columns & {"birth_date", "sex", "id_number_masked", "certificate_number_masked"}
    stored = _stored_rows()
    for derived in ("id_masked", "birth_date", "number_masked", "female", "male", "1950-04-08",
                    "1948-02-03", MOTHER_ID[-4:], legacy_id[-4:], "6101**"):
        assert not [v for v in stored if derived in v], derived
    # What is still derivable is kept: the encrypted numbers (and so the birth date, age, sex
    # and last four), the hashes; the last four's hash for the staff search of both people.
    answers = _reference_application(world).answers
    assert identity.read(answers["personal"]["id_encrypted"]).birth_date == BORN
    assert answers["certificate"]["id_hash"] == identity.lookup_hash(MOTHER_ID)
    people = {p.full_name: p for p in db.session.scalars(select(Person))}
    assert people["赵老人"].id_number_last4_hash == identity.last_four_hash(legacy_id[-4:])
    assert people["赵老人"].id_number_encrypted is None  # shown as 未记录 until entered again
    assert identity.of(people["王秀英"]).value == MOTHER_ID
    assert people["王秀英"].id_number_last4_hash == identity.last_four_hash(MOTHER_ID[-4:])

    # The pages work with what is left: the legacy draft asks for the number again.
    client.delete_cookie("session")
    assert client.get(f"/_test/sign-in/{owner_phone}").status_code == 302
    draft_id = db.session.scalar(text("SELECT id FROM draft"))
    page = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    assert "已保存的号码" not in page
    response = post(client, f"/apply/drafts/{draft_id}/personal",
                    {"full_name": "赵老人", "id_number": "", "phone": "13911112222",
                     "address": "鄠邑区1号", "street": "ganting"})
    assert response.status_code == 200 and "请输入" in response.get_data(as_text=True)
