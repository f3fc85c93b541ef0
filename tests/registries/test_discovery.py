"""Proactive discovery: a small registry written for the test gives the right worklist; street
officers see their street's leads only, with the rules' reasons; contacts, the false-lead
rate, and the invitation text's wording."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.eligibility import ELIGIBLE, evaluate
from portal.extensions import db as _db
from portal.languages import LANGUAGES
from portal.messages.models import OutboxMessage
from portal.people import identity
from portal.people.models import Person
from portal.registries import discovery, imports
from portal.registries.models import DiscoveryLead, RegistryPerson
from portal.registries.sources import FileSource
from portal.registries.validation import CATEGORIES
from tests.registries.helpers import (
    CERTIFICATE_HEADINGS,
    HOUSEHOLD_HEADINGS,
    certificate_row,
    id_number,
    write_csv,
)
from tests.support.accounts import make_account, sign_in, submit
from tests.support.staff import make_application

A = id_number(date(1980, 5, 1), 51)     # 甘亭, grade 1 physical, 低保, applied for nursing
B = id_number(date(1975, 2, 3), 53)     # 余下
C = id_number(date(1990, 7, 9), 55)     # 甘亭, certificate expired
LAPSED = (date.today() - timedelta(days=10)).isoformat()


@pytest.fixture()
def registry(db, tmp_path):
    person = Person(full_name="张建国", **identity.stored_fields(A), street="ganting")
    _db.session.add(person)
    _db.session.flush()
    make_application(make_account(), programme="nursing_allowance", person=person)
    _db.session.commit()
    imports.run(FileSource("households", write_csv(tmp_path / "h.csv", HOUSEHOLD_HEADINGS, [
        [A, "张建国", "低保", "甘亭街道", "13912345678"]])), None, date.today())
    imports.run(FileSource("certificates", write_csv(tmp_path / "c.csv", CERTIFICATE_HEADINGS, [
        certificate_row(A, "张建国", "肢体", "一级", "2031-01-01", "甘亭街道", "13912345678"),
        certificate_row(B, "李四", "视力", "二级", "长期", "余下街道", "13912340000"),
        certificate_row(C, "王五", "听力", "三级", LAPSED, "甘亭街道", ""),
    ])), None, date.today())     # the import's commit runs the sweep (in-process in tests)
    return {row.id_number_hash: row for row in _db.session.scalars(select(RegistryPerson))}


def lead_of(number: str) -> DiscoveryLead:
    return _db.session.scalar(select(DiscoveryLead).join(RegistryPerson).where(
        RegistryPerson.id_number_hash == identity.lookup_hash(number)))


def test_the_import_finds_who_may_qualify_and_has_not_applied(registry):
    a, c = lead_of(A), lead_of(C)
    codes_a = dict(a.programmes)
    facts = {"age": identity.parse_id_number(A).age(), "sex": "male", "hukou": "huyi",
             "has_certificate": True, "disability_category": "physical",
             "disability_grade": 1, "household": "dibao"}
    expected = {o.programme: o.result for o in evaluate(facts) if o.result != "ineligible"}
    expected.pop("nursing_allowance")          # applied for already: not a lead
    assert codes_a == expected
    assert codes_a["assessment_subsidy"] == ELIGIBLE and "dibao_single" not in codes_a
    assert a.eligible_count == sum(1 for r in codes_a.values() if r == ELIGIBLE)
    assert a.programmes[0][1] == ELIGIBLE      # eligible first
    # An expired certificate: nothing that needs a valid one.
    assert "living_allowance" not in dict(c.programmes)
    assert lead_of(B).street == "yuxia"


def test_the_sweep_again_keeps_the_lead_and_drops_a_programme_once_applied(registry):
    lead_id = lead_of(A).id
    person = _db.session.scalar(select(Person))
    make_application(make_account(), programme="assessment_subsidy", person=person)
    _db.session.commit()
    report = discovery.sweep()
    assert report.people == 3 and report.evaluations <= 3
    again = lead_of(A)
    assert again.id == lead_id and "assessment_subsidy" not in dict(again.programmes)


def test_a_street_officer_sees_their_street_with_reasons_and_a_stranger_gets_404(
        client, registry):
    officer = sign_in(client, make_account("street_officer", street="ganting"))
    page = client.get("/staff/discovery")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("/staff/discovery/") == 2          # A and C, not B
    assert "张*国" in html and "李*" not in html and A not in html
    assert client.get(f"/staff/discovery/{lead_of(B).id}").status_code == 404
    detail = client.get(f"/staff/discovery/{lead_of(A).id}").get_data(as_text=True)
    assert "符合：" in detail and "还不知道：" in detail and "还要了解：" in detail
    assert "尾号" in detail and "13912345678" not in detail
    actions = list(_db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.actor_account_id == officer.id)))
    assert actions == ["registry.worklist", "registry.lead"]


def test_contacts_are_recorded_and_give_the_false_lead_rate(client, registry):
    officer = sign_in(client, make_account("street_officer", street="ganting"))
    a, c = lead_of(A), lead_of(C)
    response = submit(client, f"/staff/discovery/{a.id}", {"outcome": "not_qualified",
                                                           "note": "已领取其他补贴"},
                      action=f"/staff/discovery/{a.id}/contact")
    assert response.status_code == 303
    discovery.record_contact(officer, c, "unreachable")
    assert discovery.false_lead_rate(officer) == (1, 1)     # unreachable is not settled
    discovery.record_contact(officer, c, "applied_with_help")
    assert discovery.false_lead_rate(officer) == (1, 2)
    html = client.get("/staff/discovery").get_data(as_text=True)
    assert "误报率50.0%" in html
    missing = submit(client, f"/staff/discovery/{a.id}", {},
                     action=f"/staff/discovery/{a.id}/contact")
    assert missing.status_code == 422 and "请选择联系结果" in missing.get_data(as_text=True)
    other = make_account("street_officer", street="yuxia")
    sign_in(client, other, fresh=True)
    forged = client.post(f"/staff/discovery/{a.id}/contact", data={"outcome": "declined"})
    assert forged.status_code in (400, 404)


def test_the_invitation_names_no_disability(app):
    words = ["残", "disab", "Disab", "补贴", "allowance"] + \
        [word for words in CATEGORIES.values() for word in words[1:]]
    with app.test_request_context():
        for language in LANGUAGES:
            text = discovery.invitation_text("ganting", language.locale)
            assert not [word for word in words if word in text], (language.locale, text)
            assert "12385" in text


def test_an_invitation_is_texted_to_the_phone_on_record(client, registry):
    sign_in(client, make_account("street_officer", street="ganting"))
    a, c = lead_of(A), lead_of(C)
    response = submit(client, f"/staff/discovery/{a.id}", {},
                      action=f"/staff/discovery/{a.id}/invite")
    assert response.status_code == 303
    message = _db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == "13912345678"))
    assert message is not None and "残" not in message.body and "甘亭街道" in message.body
    assert [x.outcome for x in discovery.view(a).contacts] == ["invited"]
    no_phone = submit(client, f"/staff/discovery/{c.id}", {},
                      action=f"/staff/discovery/{c.id}/invite")
    assert no_phone.status_code == 409


def test_only_officers_and_reviewers_see_the_worklist(client, registry):
    sign_in(client, make_account("admin"))
    assert client.get("/staff/discovery").status_code == 403
    sign_in(client, make_account("district_reviewer"), fresh=True)
    assert client.get("/staff/discovery").get_data(as_text=True).count("/staff/discovery/") == 3
