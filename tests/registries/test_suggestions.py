""""您可能可以申请…": a resident whose identity is proven sees what the registries suggest, and
an application started from it is prefilled from the registries; nobody else sees anything."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import PersonLink
from portal.applications import answers as stored
from portal.applications.models import Draft
from portal.extensions import db as _db
from portal.people import identity
from portal.people.models import Person
from portal.registries import imports
from portal.registries.sources import FileSource
from tests.registries.helpers import (
    CERTIFICATE_HEADINGS,
    HOUSEHOLD_HEADINGS,
    certificate_row,
    id_number,
    write_csv,
)
from tests.support.accounts import make_account, sign_in, token_from
from tests.support.staff import make_application

NUMBER = id_number(date(1970, 3, 3), 71)


@pytest.fixture()
def resident(client, db, tmp_path):
    account = make_account("resident")
    person = Person(full_name="赵建民", **identity.stored_fields(NUMBER), street="ganting")
    _db.session.add(person)
    _db.session.flush()
    imports.run(FileSource("households", write_csv(tmp_path / "h.csv", HOUSEHOLD_HEADINGS, [
        [NUMBER, "赵建民", "低保", "甘亭街道", ""]])), None, date.today())
    imports.run(FileSource("certificates", write_csv(tmp_path / "c.csv", CERTIFICATE_HEADINGS, [
        certificate_row(NUMBER, "赵建民", "肢体", "一级", "2032-01-01")])), None, date.today())
    return account, person


def prove(account, person):
    _db.session.add(PersonLink(account_id=account.id, person_id=person.id, role="self",
                               proven_by="sms"))
    _db.session.commit()


def test_a_proven_resident_sees_suggestions_and_starts_a_prefilled_application(
        client, resident):
    account, person = resident
    prove(account, person)
    sign_in(client, account)
    home = client.get("/account/").get_data(as_text=True)
    assert "您可能可以申请…" in home and "/apply/suggested/assessment_subsidy" in home
    response = client.post("/apply/suggested/assessment_subsidy",
                           data={"csrf_token": token_from(home)})
    assert response.status_code == 303 and "/apply/drafts/" in response.location
    draft = _db.session.scalar(select(Draft))
    answers = stored.read(draft)
    assert answers.relationship == "self" and answers.personal.id_hash == person.id_number_hash
    assert (answers.certificate.has_certificate, answers.certificate.category,
            answers.certificate.grade, answers.certificate.valid_until) == \
        (True, "physical", 1, "2032-01-01")
    assert answers.certificate.id_hash == identity.lookup_hash(NUMBER)
    assert answers.household.household == "dibao"


def test_an_unproven_account_sees_nothing_and_cannot_start_one(client, resident):
    account, _person = resident
    sign_in(client, account)
    home = client.get("/account/").get_data(as_text=True)
    assert "您可能可以申请" not in home
    response = client.post("/apply/suggested/assessment_subsidy",
                           data={"csrf_token": token_from(home)})
    assert response.status_code == 404


def test_a_programme_applied_for_is_no_longer_suggested(client, resident):
    account, person = resident
    prove(account, person)
    make_application(make_account(), programme="assessment_subsidy", person=person)
    _db.session.commit()
    sign_in(client, account)
    home = client.get("/account/").get_data(as_text=True)
    assert "/apply/suggested/assessment_subsidy" not in home
    assert client.post("/apply/suggested/assessment_subsidy",
                       data={"csrf_token": token_from(home)}).status_code == 404
