"""一人一档 (portal.people.record, portal.people.files, portal/staff/people.py) and the person's
own data (portal/my_data): one person's whole history in one file, opened only by those who
may, every opening audited; the search never puts an ID number (or a phone) in a URL; a
person with many applications costs no more queries than one with a few."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from portal.accounts.models import AccessGrant, Consent
from portal.audit.models import AuditEvent
from portal.benefits import rolls
from portal.benefits.models import Review
from portal.changes import requests as change_requests
from portal.changes.kinds import KINDS
from portal.extensions import db as _db
from portal.people import crypto, files, record
from portal.questions import questions
from portal.retention import requests as data_requests
from portal.ratings import ratings, service_events
from portal.registries.models import (
    DiscoveryContact,
    DiscoveryLead,
    RegistryImport,
    RegistryPerson,
    RegistryRecord,
)
from tests.benefits.helpers import paying
from tests.support.accounts import make_account, sign_in, token_from
from tests.support.pages import main_text
from tests.support.staff import make_application, make_link, make_person


def _registry(person, officer):
    """The households registry names the person (低保), the sweep found them, and the street
    called them."""
    imported = RegistryImport(kind="households", as_of=date(2026, 2, 1), source="test.csv",
                              row_count=1)
    _db.session.add(imported)
    _db.session.flush()
    row = RegistryRecord(import_id=imported.id, line=1, id_number_hash=person.id_number_hash,
                         id_number_encrypted=person.id_number_encrypted,
                         name_encrypted=crypto.encrypt(person.full_name), household="dibao")
    _db.session.add(row)
    _db.session.flush()
    found = RegistryPerson(id_number_hash=person.id_number_hash,
                           id_number_last4_hash=person.id_number_last4_hash,
                           id_number_encrypted=person.id_number_encrypted,
                           name_encrypted=crypto.encrypt(person.full_name), street="ganting",
                           household_record_id=row.id, household_as_of=date(2026, 2, 1),
                           household="dibao")
    _db.session.add(found)
    _db.session.flush()
    _db.session.add(DiscoveryLead(registry_person_id=found.id, street="ganting",
                                  eligible_count=1, found_on=date(2026, 3, 1),
                                  programmes=[["assessment_subsidy", "eligible"]]))
    _db.session.add(DiscoveryContact(registry_person_id=found.id, actor_account_id=officer.id,
                                     outcome="invited", note="电话联系，已说明怎样申请"))
    _db.session.commit()


@pytest.fixture()
def world(app, db):
    resident = make_account("resident", name="李梅", phone="13900000001")
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    civil = make_account("civil_affairs", phone="13800000003")
    person, id_number = make_person(name="王秀兰", street="ganting")
    # Paid the living allowance, on a confirmed roll; a yearly review done; a change reported.
    recipient = paying(resident, civil, submitted=datetime(2026, 3, 10, tzinfo=timezone.utc),
                       programme="living_allowance", band="from_18", amount="60",
                       person=person)
    roll = rolls.build("living_allowance", date(2026, 3, 1), civil)
    rolls.confirm(roll.id, civil)
    _db.session.add(Review(recipient_id=recipient.id, year=2026, opens_on=date(2026, 3, 1),
                           due_on=date(2026, 4, 30), grace_until=date(2026, 5, 30),
                           status="done", completed_on=date(2026, 3, 20), method="online"))
    _db.session.commit()
    change = change_requests.submit(change_requests.save_draft(
        resident, recipient, KINDS["work"], {"work_from": date(2026, 4, 1)}), resident)
    # A refused application of hers, rated 差评 (a follow-up opens), and a question about it.
    refused = make_application(resident, person=person, programme="rehab_services",
                               status="rejected",
                               answers={"household": {"household": "dibao"}})
    ratings.rate(service_events.load("decision", refused.events[-1].id), resident.id, 1,
                 ["slow"], comment="等了很久")
    questions.ask(about="application", text="为什么不予批准？", application=refused,
                  account=resident)
    # She is linked to the resident's account (self) and lets her son see her applications.
    make_link(resident, person, "self", officer)
    _db.session.add(AccessGrant(person_id=person.id, grantee_phone="13900000002",
                                granted_by_account_id=resident.id))
    _db.session.commit()
    _registry(person, officer)
    # Her village worker holds her consent (given by a code), and she asked to correct her
    # address (portal.retention): both are her history too.
    worker = make_account("intermediary", name="张建华", phone="13700000006", street="ganting",
                          village="东街社区")
    _db.session.add(Consent(worker_account_id=worker.id, person_id=person.id,
                            full_name=person.full_name, id_number_hash=person.id_number_hash,
                            id_number_encrypted=person.id_number_encrypted, street="ganting",
                            scopes="apply,status", until=date(2027, 3, 31), method="code",
                            given_by="person", status="active"))
    _db.session.commit()
    data_requests.ask(resident, person.id, "correction", "地址写错了", "东街5号",
                      locale="zh_Hans_CN")
    return {"resident": resident, "officer": officer, "civil": civil, "person": person,
            "id_number": id_number, "change": change, "refused": refused,
            "recipient": recipient,
            "other_street": make_account("street_officer", street="yuxia",
                                         phone="13800000009"),
            "reviewer": make_account("district_reviewer", phone="13800000002"),
            "stranger": make_account("resident", name="张三", phone="13900000009")}


def _audits(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.id)))


# ── the file ────────────────────────────────────────────────────────────────────────────────

def test_the_file_holds_the_persons_whole_history(app, world):
    with app.test_request_context():
        person_file = record.assemble(world["person"])
    kinds = {entry.kind for entry in person_file.entries}
    assert kinds == set(record.KIND_LABELS), kinds   # every kind has an entry
    assert [row.reference for row in person_file.applications] == [
        world["refused"].reference, world["recipient"].application.reference]
    assert person_file.identity.masked_id == f"尾号{world['id_number'][-4:]}"
    assert person_file.certificate.category == "physical"
    assert person_file.household == "dibao"
    household = [row for row in person_file.registry_rows if row.result == "confirms"]
    assert household and household[0].registry == "低保家庭"
    titles = " ".join(entry.title for entry in person_file.entries)
    for expected in ("不予批准", "登记为发放对象", "60.00元", "变更申报", "2026年年审",
                     "非常不满意", "在线咨询", "本人", "授权手机尾号0002",
                     "主动发现", "街道主动联系", "同意代办员代办", "申请更正个人信息"):
        assert expected in titles, expected
    assert [e.at for e in person_file.entries] == sorted(
        (e.at for e in person_file.entries), reverse=True)


def test_a_new_source_is_one_function(app, world):
    def consent_events(person_id):
        return [record.Entry("access", datetime(2026, 5, 1, tzinfo=timezone.utc), "同意代办")]

    with app.test_request_context():
        entries = record.timeline(world["person"].id, (*record.SOURCES, consent_events))
    assert [e.kind for e in entries if e.title == "同意代办"] == ["access"]


@contextmanager
def _counted():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)


def test_fifty_applications_cost_no_more_queries_than_two(app, world):
    def cost():
        _db.session.expire_all()
        person = _db.session.get(type(world["person"]), world["person"].id)
        with app.test_request_context(), _counted() as statements:
            person_file = record.assemble(person)
        return len(statements), len(person_file.applications)

    few, _count = cost()
    for _n in range(48):
        make_application(world["resident"], person=world["person"], status="accepted")
    many, count = cost()
    assert count == 50
    assert many == few, (few, many)
    assert many <= 25


# ── the staff page ──────────────────────────────────────────────────────────────────────────

def test_the_officer_of_the_street_opens_the_page_and_it_is_audited(client, world):
    sign_in(client, world["officer"])
    person_id = world["person"].id
    response = client.get(f"/staff/people/{person_id}")
    assert response.status_code == 200
    text = main_text(response)
    assert "一人一档：王秀兰" in text and world["id_number"] not in text
    assert world["refused"].reference in text and "等了很久" in text
    assert "低保" in text and "共享数据一致" in text
    [viewed] = _audits("person.view")
    assert (viewed.actor_account_id, viewed.object_id) == (world["officer"].id, str(person_id))
    # Filtered by kind (a GET form: works without JavaScript): only payments shown.
    response = client.get(f"/staff/people/{person_id}?kind=payment")
    text = main_text(response)
    assert "发放记录" in text and "60.00元" in text and "等了很久" not in text
    assert _audits("person.view")[-1].detail == {"kinds": ["payment"]}
    assert len(_audits("person.view")) == 2


def test_the_page_is_printable_without_the_console_navigation(client, world):
    sign_in(client, world["officer"])
    html = client.get(f"/staff/people/{world['person'].id}").get_data(as_text=True)
    assert re.search(r'href="/static/css/print\.css[^"]*" media="print"', html)
    css = (client.application.root_path + "/../static/css/print.css")
    with open(css, encoding="utf-8") as sheet:
        rules = sheet.read()
    assert ".staff-nav { display: none !important; }" in rules
    assert 'class="filter-form no-print"' in html


def test_another_streets_officer_gets_the_same_404_as_a_missing_id(client, world):
    sign_in(client, world["other_street"])
    assert client.get(f"/staff/people/{world['person'].id}").status_code == 404
    assert client.get("/staff/people/999999").status_code == 404
    assert _audits("person.view") == []
    # An application in their street makes the person theirs too.
    make_application(world["resident"], person=world["person"], street="yuxia")
    assert client.get(f"/staff/people/{world['person'].id}").status_code == 200


def test_district_and_civil_affairs_see_everyone_others_do_not(client, world):
    for who in ("reviewer", "civil"):
        sign_in(client, world[who])
        assert client.get(f"/staff/people/{world['person'].id}").status_code == 200
    sign_in(client, make_account("admin", phone="13800000005"))
    assert client.get(f"/staff/people/{world['person'].id}").status_code == 403
    sign_in(client, world["stranger"])
    assert client.get(f"/staff/people/{world['person'].id}").status_code == 403


def test_the_full_id_number_is_revealed_on_purpose_and_audited(client, world):
    sign_in(client, world["officer"])
    page = f"/staff/people/{world['person'].id}"
    token = token_from(client.get(page).get_data(as_text=True))
    response = client.post(f"{page}/id-number", data={"csrf_token": token})
    assert response.status_code == 200
    assert world["id_number"] in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [revealed] = _audits("identity.reveal")
    assert (revealed.object_type, revealed.object_id) == ("person", str(world["person"].id))
    assert world["id_number"] not in json.dumps(revealed.detail)


def test_the_queue_and_the_case_page_link_to_the_person(client, world):
    sign_in(client, world["officer"])
    link = f'href="/staff/people/{world["person"].id}"'
    assert link in client.get("/staff/queue?view=all").get_data(as_text=True)
    case = client.get(f"/staff/applications/{world['refused'].reference}")
    assert link in case.get_data(as_text=True)
    assert 'href="/staff/people/"' in case.get_data(as_text=True)   # the console's navigation


# ── the search ──────────────────────────────────────────────────────────────────────────────

def _search(client, text):
    token = token_from(client.get("/staff/people/").get_data(as_text=True))
    posted = client.post("/staff/people/", data={"csrf_token": token, "q": text})
    assert posted.status_code == 303
    return posted, client.get(posted.location)


@pytest.mark.parametrize("key", ["reference", "id_number", "id_last4", "phone", "name"])
def test_search_finds_the_person_by_each_key(client, world, key):
    person = world["person"]
    typed = {"reference": world["refused"].reference.lower(), "id_number": world["id_number"],
             "id_last4": world["id_number"][-4:], "phone": "139 0000 0001",
             "name": "王秀"}[key]
    sign_in(client, world["officer"])
    posted, response = _search(client, typed)
    html = response.get_data(as_text=True)
    assert f'href="/staff/people/{person.id}"' in html
    # Nothing typed is in any URL: the redirect, nor any link or form on the result page.
    urls = [posted.location] + re.findall(r'(?:href|action|src)="([^"]*)"', html)
    for url in urls:
        assert world["id_number"] not in url and world["id_number"][-4:] not in url
        assert "13900000001" not in url and "王秀" not in url
    [searched] = _audits("person.search")
    assert searched.detail["search"]["kind"] == key
    assert world["id_number"] not in json.dumps(searched.detail, ensure_ascii=False)
    assert "13900000001" not in json.dumps(searched.detail)


def test_the_search_finds_no_one_of_another_street(client, world):
    sign_in(client, world["other_street"])
    _posted, response = _search(client, world["id_number"])
    assert "没有找到符合条件的服务对象" in main_text(response)
    assert f'/staff/people/{world["person"].id}"' not in response.get_data(as_text=True)


def test_a_plain_search_in_the_url_is_ignored_and_an_empty_search_is_refused(client, world):
    sign_in(client, world["officer"])
    response = client.get(f"/staff/people/?q={world['id_number']}&s=not-a-token")
    assert "这次查找的结果已经过期" in main_text(response)
    assert _audits("person.search") == []
    token = token_from(client.get("/staff/people/").get_data(as_text=True))
    refused = client.post("/staff/people/", data={"csrf_token": token, "q": " "})
    assert refused.status_code == 400
    assert "请输入受理编号、身份证号码、手机号码或姓名" in main_text(refused)


def test_parse_search_tells_a_phone_from_an_id_number(app):
    assert files.parse_search("+86 139-0000-0001") == files.Search("phone", "13900000001")
    assert files.parse_search("610118195103140228").kind == "id_number"
    assert files.parse_search("hy-2026-abc123").kind == "reference"
    assert files.parse_search("") is None


# ── the person's own data ───────────────────────────────────────────────────────────────────

def test_a_proven_person_reads_and_downloads_their_data(client, world):
    sign_in(client, world["resident"])
    index = client.get("/my-data/")
    person_id = world["person"].id
    assert f'href="/my-data/{person_id}/"' in index.get_data(as_text=True)
    page = client.get(f"/my-data/{person_id}/")
    assert page.status_code == 200
    text = main_text(page)
    assert "我的信息" in text and "为什么不予批准？" in text and world["id_number"] not in text
    download = client.get(f"/my-data/{person_id}/data.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "private, no-store"
    data = json.loads(download.get_data(as_text=True))
    assert data["person"]["name"] == "王秀兰"
    assert data["person"]["id_number_last4"] == world["id_number"][-4:]
    assert world["id_number"] not in download.get_data(as_text=True)
    assert {a["reference"] for a in data["applications"]} == {
        world["refused"].reference, world["recipient"].application.reference}
    assert {entry["kind"] for entry in data["timeline"]} == set(record.KIND_LABELS)
    assert any(e["kind"] == "payment" and e["data"]["amount_fen"] == 6000
               for e in data["timeline"])
    assert [(e.action, e.actor_account_id) for e in _audits("person.data_view")
            + _audits("person.data_download")] == [
        ("person.data_view", world["resident"].id),
        ("person.data_download", world["resident"].id)]


def test_a_guardian_may_read_the_wards_data(client, world):
    guardian = make_account("resident", name="杜军", phone="13900000003")
    ward, _number = make_person(name="杜小龙")
    make_application(guardian, person=ward, programme="child_rehab")
    make_link(guardian, ward, "guardian", world["officer"])
    sign_in(client, guardian)
    assert "杜小龙的信息（您是法定监护人）" in main_text(client.get("/my-data/"))
    assert client.get(f"/my-data/{ward.id}/data.json").status_code == 200
    assert client.get(f"/my-data/{world['person'].id}/data.json").status_code == 404


def test_without_proof_an_account_sees_how_to_prove_never_data(client, world):
    # The stranger applied for the person, typing her ID number: that proves nothing.
    make_application(world["stranger"], person=world["person"])
    sign_in(client, world["stranger"])
    index = client.get("/my-data/")
    assert "先确认是您本人" in main_text(index)
    assert 'href="/status/prove/"' in index.get_data(as_text=True)
    for path in (f"/my-data/{world['person'].id}/", f"/my-data/{world['person'].id}/data.json",
                 "/my-data/999999/data.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert "王秀兰" not in response.get_data(as_text=True)
    assert _audits("person.data_view") == _audits("person.data_download") == []


def test_staff_and_signed_out_visitors_do_not_reach_the_residents_pages(client, world):
    assert client.get("/my-data/").location.startswith("/account/sign-in")
    sign_in(client, world["officer"])
    assert client.get(f"/my-data/{world['person'].id}/data.json").status_code == 403


# ── the demo's pages, as the browser suite visits them (a11y_tests/visits/person_file.py) ──

@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_browser_suites_visits_reach_their_state_on_the_demo(client, db, language):
    from a11y_tests.visits.person_file import VISITS
    from portal.accounts.models import Account
    from portal.cli import demo_content as demo
    from portal.people.models import Person

    demo.seed()
    # The visits' ids are a fresh demo database's; this one's may differ (PostgreSQL's
    # sequences are not reset between tests).
    ids = {number: _db.session.scalar(select(Person.id).where(Person.full_name == name))
           for number, name in ((8, "孙立新"), (4, "杜小龙"))}
    client.set_cookie("lang", language)
    for visit in VISITS:
        sign_in(client, _db.session.scalar(select(Account).where(Account.phone == visit.account)))
        path = re.sub(r"/(\d+)", lambda m: f"/{ids[int(m.group(1))]}", visit.path)
        response = client.get(path)
        assert response.status_code == 200, visit.name
        typed = [a[2] for a in visit.actions if a[0] == "fill"]
        if visit.actions:   # the search sent: what was typed, or nothing
            token = token_from(response.get_data(as_text=True))
            response = client.post(path, data={"csrf_token": token,
                                                     "q": typed[0] if typed else ""})
            if response.status_code == 303:
                response = client.get(response.location)
        assert visit.expect_text[language] in main_text(response), visit.name
