"""The typed answers (portal/applications/answers.py): every section survives the trip to the
stored JSON and back, rows written before the version key still load, the migration stamps and
unstamps stored rows, and no module outside the answers module spells a section's name."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from portal.applications import answers
from portal.applications.answers import (
    Agreement,
    Answers,
    Certificate,
    Household,
    Payment,
    Personal,
    Questions,
    SectionKey,
)
from portal.applications.models import Application, Draft
from tests.support.staff import make_application
from tests.support.accounts import make_account

PORTAL = Path(__file__).resolve().parent.parent / "portal"

EVERY_SECTION = Answers(
    relationship="guardian",
    personal=Personal(full_name="王秀兰", id_hash="h-id", id_encrypted="enc:id", phone="13900000001",
                      address="鄠邑区甘亭街道东街1号", street="ganting"),
    certificate=Certificate(has_certificate=True, id_hash="h-id", category="physical", grade=1,
                            valid_until="2030-01-31"),
    household=Household(household="low_income"),
    payment=Payment(method="bank_card", bank_name="农行", account_holder="王秀兰",
                    card_number="enc:card", card_hash="h-card", card_last4="0017"),
    questions=Questions({"needs_long_term_care": True, "lower_limb": False}),
    documents_done=True,
    consent=Agreement(given=True, at="2026-11-28T09:00:00+00:00"),
    declaration=Agreement(given=True, at="2026-11-28T09:30:00+00:00"),
    draft_id=12,
    extra={"demo": True},
)

# What the portal stored before the version key (version 1): today's shape without it.
VERSION_1_ROW = {
    "relationship": "guardian",
    "personal": {"full_name": "王秀兰", "id_hash": "h-id", "id_encrypted": "enc:id",
                 "phone": "13900000001", "address": "鄠邑区甘亭街道东街1号", "street": "ganting"},
    "certificate": {"has_certificate": True, "id_hash": "h-id", "category": "physical",
                    "grade": 1, "valid_until": "2030-01-31"},
    "household": {"household": "low_income"},
    "payment": {"method": "bank_card", "bank_name": "农行", "account_holder": "王秀兰",
                "card_number": "enc:card", "card_hash": "h-card", "card_last4": "0017"},
    "questions": {"needs_long_term_care": True, "lower_limb": False},
    "documents_done": True,
    "consent": {"given": True, "at": "2026-11-28T09:00:00+00:00"},
    "declaration": {"given": True, "at": "2026-11-28T09:30:00+00:00"},
    "draft_id": 12,
    "demo": True,
}


@pytest.mark.parametrize("key", [key for key in SectionKey
                                 if key not in (SectionKey.WHO, SectionKey.DOCUMENTS)])
def test_every_section_survives_the_round_trip(key):
    stored = EVERY_SECTION.to_json()
    assert stored["version"] == answers.SCHEMA_VERSION
    assert json.loads(json.dumps(stored)) == stored   # plain JSON, nothing else
    again = Answers.from_json(json.loads(json.dumps(stored)))
    assert again.section(key) == EVERY_SECTION.section(key)
    assert again == EVERY_SECTION


def test_a_section_record_round_trips_on_its_own_with_unknown_fields_kept():
    for record in (EVERY_SECTION.personal, EVERY_SECTION.certificate, EVERY_SECTION.household,
                   EVERY_SECTION.payment, EVERY_SECTION.questions, EVERY_SECTION.consent):
        assert type(record).from_json(record.to_json()) == record
    odd = Personal.from_json({"full_name": "李梅", "nickname": "梅梅"})
    assert odd.full_name == "李梅" and odd.to_json() == {"full_name": "李梅", "nickname": "梅梅"}


def test_a_certificate_is_written_as_the_journey_always_wrote_it():
    assert Certificate(has_certificate=False).to_json() == {"has_certificate": False}
    assert Certificate(has_certificate=True, category="visual", grade=2).to_json() == {
        "has_certificate": True, "id_hash": None, "category": "visual", "grade": 2,
        "valid_until": None}
    assert Certificate().to_json() == {} and not Certificate().answered


def test_a_version_1_row_loads_and_is_written_back_as_version_2_unchanged_otherwise():
    loaded = Answers.from_json(VERSION_1_ROW)
    assert loaded == EVERY_SECTION
    assert loaded.personal.phone == "13900000001" and loaded.payment.card_number == "enc:card"
    assert loaded.to_json() == {"version": 2, **VERSION_1_ROW}
    assert loaded.to_json(version=1) == VERSION_1_ROW
    assert answers.version_of(VERSION_1_ROW) == 1


def test_empty_and_odd_rows_load():
    assert Answers.from_json(None) == Answers() == Answers.from_json({})
    assert Answers().to_json() == {"version": 2}
    # A section that is not an object (never written so) is kept as it is, not lost.
    odd = Answers.from_json({"household": "dibao", "personal": {"full_name": "李梅"}})
    assert odd.household == Household() and odd.to_json()["household"] == "dibao"


def test_a_row_of_an_unknown_version_is_refused():
    with pytest.raises(ValueError):
        Answers.from_json({"version": 99})


def _stored(db, table: str) -> dict[int, dict]:
    rows = db.session.execute(sql(f"SELECT id, answers FROM {table}")).all()
    return {row_id: value if isinstance(value, dict) else json.loads(value)
            for row_id, value in rows}


def test_the_migration_stamps_old_rows_and_downgrade_takes_the_stamp_out(app, db):
    from flask_migrate import downgrade, upgrade

    resident = make_account("resident")
    application = make_application(resident, answers=VERSION_1_ROW)
    draft = Draft(account_id=resident.id, programme="living_allowance",
                  answers=Answers(relationship="self", personal=Personal(full_name="李梅"))
                  .to_json())
    db.session.add(draft)
    db.session.commit()
    application_id, draft_id = application.id, draft.id
    db.session.close()
    downgrade(revision="0015_document_kinds")
    try:
        assert _stored(db, "application")[application_id] == VERSION_1_ROW
        assert _stored(db, "draft")[draft_id] == {"relationship": "self",
                                                  "personal": {"full_name": "李梅"}}
        # Rows written by the portal before typed answers: no version key.
        db.session.execute(sql("UPDATE draft SET answers = :a WHERE id = :id"),
                           {"a": json.dumps({"relationship": "family"}), "id": draft_id})
        db.session.commit()
        db.session.close()
    finally:
        upgrade()
    assert _stored(db, "application")[application_id] == {"version": 2, **VERSION_1_ROW}
    assert _stored(db, "draft")[draft_id] == {"version": 2, "relationship": "family"}
    assert answers.read(db.session.get(Application, application_id)) == EVERY_SECTION


# Where a section's name is written as a literal outside the answers module, it names something
# else that happens to share the word. Everything else uses SectionKey.
NOT_A_SECTION = {
    ("apply/journey.py", "household"): "the eligibility fact of that name",
    ("apply/programmes.py", "household"): "the eligibility fact of that name",
    ("apply/forms.py", "household"): "the eligibility fact of that name",
    ("eligibility/bench.py", "household"): "the eligibility fact of that name",
    ("staff/case_view.py", "household"): "the field and the fact of that name",
    ("benefits/reviews.py", "household"): "the eligibility fact a yearly review asks",
    ("cli/demo_content.py", "household"): "the eligibility fact of the demo's re-evaluation",
    ("apply/routes.py", "relationship"): "the relationship form's field",
    ("apply/routes.py", "consent"): "the consent form's field",
    ("applications/conflicts.py", "relationship"): "a column label in a query",
    ("staff/case_view.py", "relationship"): "a placeholder of a sentence",
    ("staff/case_view.py", "who"): "a placeholder of a sentence",
    ("web/kept_answers.py", "draft_id"): "the page address's argument",
    ("checker/flow.py", "questions"): "the self-check's questions file",
    ("eligibility/schema.py", "documents"): "the programme files' documents",
    ("applications/models.py", "documents"): "the application's uploaded documents",
    ("applications/decisions.py", "documents"): "a way of checking (核对材料)",
    ("registries/checks.py", "household"): "the eligibility fact of that name",
    ("benefits/event_facts.py", "household"): "the eligibility fact a recorded change states",
    ("registries/discovery.py", "household"): "the eligibility fact of that name",
    ("registries/sources.py", "household"): "a registry's column of that name",
    ("registries/validation.py", "household"): "a registry's column of that name",
    ("cli/demo_content.py", "household"): "a registry's column of that name",
    ("people/record.py", "household"): "a key of the person's own data file (JSON)",
    ("people/record.py", "certificate"): "a key of the person's own data file (JSON)",
    ("people/record.py", "payment"): "a kind of timeline entry: a payment roll's line",
    ("accounts/models.py", "consent"): "the table of consents given to village workers",
    ("accounts/consents.py", "consent"): "a consent given to a village worker (the code's "
                                         "purpose, the audit rows' object)",
    ("people/record.py", "consent"): "a kind of timeline entry: a consent to a village worker",
    ("messages/templates.py", "consent"): "the code's purpose and the number of a consent "
                                          "given to a village worker",
    ("accounts/one_time_codes.py", "consent"): "the purpose of the code a person gives a "
                                               "village worker",
}


def test_no_section_name_is_spelt_outside_the_answers_module():
    names = {key.value for key in SectionKey}
    found = set()
    for path in PORTAL.rglob("*.py"):
        relative = path.relative_to(PORTAL).as_posix()
        if relative == "applications/answers.py" or relative.startswith("migrations/versions/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.add((relative, node.value, node.lineno))
    assert {(f, v, n) for f, v, n in found if (f, v) not in NOT_A_SECTION} == set()


def test_the_staff_rules_check_reads_age_as_the_journey_does(app, db):
    """One reading of the ID number for the journey's facts and the case file's."""
    from datetime import date

    from portal.apply.journey import Journey, id_facts
    from portal.people import identity
    from portal.applications.casefile import facts_for

    resident = make_account("resident")
    application = make_application(resident)
    today = date(2026, 11, 28)
    number = identity.of(application.person)
    assert number is not None
    assert {k: facts_for(application, today)[k] for k in ("age", "sex")} == id_facts(number, today)
    assert Journey.of_application(application, today).answers == answers.read(application)
