"""No one sees or acts on an application that is not theirs: a sweep over EVERY route in the app
that takes an id or a reference (read from app.url_map, so new routes are covered as soon as
they exist – from any area: apply, status, staff …).

For each such route and each of its methods (GET, POST – posted with a valid CSRF token and
plausible fields, so that only authorisation can stop it):
- another resident gets 404 on residents' pages (403 on staff pages, whatever the id);
- a street officer of another street gets 404 or 403;
- either answer is the same as for an id that does not exist (nothing reveals existence),
  and the victim's data is not in it;
- afterwards nothing of the victim's has changed.
A sanity check proves the values filled in are right: someone entitled opens every GET route.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccessGrant, Account, Consent, PersonLink
from portal.applications import documents, duplicates
from portal.applications.models import (
    Application,
    Document,
    Draft,
    DuplicateFlag,
    StatusEvent,
)
from portal.audit.models import AuditEvent
from portal.benefits import rolls
from portal.benefits.models import (
    PaymentLine,
    PaymentRoll,
    Recipient,
    RecipientEvent,
    Reevaluation,
    Review,
)
from portal.changes import requests as change_requests
from portal.changes.kinds import KINDS
from portal.changes.models import ChangeRequest
from portal.content.media import samples as media_samples
from portal.extensions import db as _db
from portal.messages.models import OutboxMessage
from portal.questions import questions
from portal.ratings import ratings, service_events
from portal.ratings.models import FollowUp
from portal.registries.models import DiscoveryContact
from portal.retention.models import DataRequest
from tests.benefits.helpers import paying
from tests.support.accounts import make_account
from tests.support.staff import make_application, make_link, make_person
from tests.support.status import PNG, request_info

# Arguments that name something someone owns; a route with any of these is swept.
ID_ARGUMENT = re.compile(r"(^|_)(id|reference)$")
# Arguments that look like ids but name public things, not anyone's data.
PUBLIC_ARGUMENTS = {
    "question_id",  # a self-check question: the same page for everyone
    "asset_id",     # sign-language media of the public guides (editing is role-checked)
}
# Other arguments such a route may have, and the value to use for them.
OTHER_ARGUMENTS = {"action_code": "request_info", "programme": "nursing_allowance",
                   "kind": "decision"}
# Not swept, and why.
NOT_SWEPT = {
    "static": "static files, no one's data",
    "testing.sign_in": "test-only helper (TEST_ROUTES), never in production",
    "testing.sign_out": "test-only helper (TEST_ROUTES), never in production",
    "testing.show_error": "test-only helper (TEST_ROUTES), never in production",
}
# Pages of something that is no one person's, which every officer of a street opens and where
# each sees only their own street's part: for them the sweep checks only that no victim's data
# shows and nothing changes (an officer of another street gets a page, not 403/404).
SHARED_WITH_EVERY_STREET = {
    "payments.roll": "a month's payment roll is the district's: a street officer reads the "
                     "lines of their own street (portal/benefits/access.py)",
}
RESIDENT_BLUEPRINTS = ("apply", "status", "account", "reviews", "rate", "ask",
                       "data_requests", "my_data")
SECRETS = ("王秀兰", "受害人的答复", "受害人的问题", "受害人要更正的地址")


def _store(upload_name, **where):
    from werkzeug.datastructures import FileStorage

    return documents.store(FileStorage(io.BytesIO(PNG), filename=upload_name), **where)


@pytest.fixture()
def world(app, db):
    victim = make_account("resident", name="李梅", phone="13900000001")
    family_member = make_account("resident", name="李强", phone="13900000002")
    attacker = make_account("resident", name="张三", phone="13900000009")
    same_street = make_account("street_officer", street="ganting", phone="13800000001")
    other_street = make_account("street_officer", street="yuxia", phone="13800000009")
    admin = make_account("admin", phone="13800000005")
    mother, _ = make_person(name="王秀兰", street="ganting")
    application = make_application(victim, person=mother, status="accepted")
    request_info(application, same_street)
    document = _store("受害人的证件.png", kind="supplement", account_id=victim.id,
                      application_id=application.id)
    draft = Draft(account_id=victim.id, programme="nursing_allowance",
                  answers={"relationship": "family", "personal": {"full_name": "王秀兰"}})
    db.session.add(draft)
    db.session.commit()
    draft_document = _store("草稿材料.png", kind="doc-x", account_id=victim.id, draft_id=draft.id)
    link = make_link(victim, mother, "guardian", same_street)
    grant = AccessGrant(person_id=mother.id, grantee_phone=family_member.phone,
                        granted_by_account_id=victim.id)
    db.session.add(grant)
    # The attacker has an application of their own (a resident with data, not an empty one).
    own, _ = make_person(name="张小三")
    make_application(attacker, person=own, programme="living_allowance")
    # A second claim for the mother by someone else: a possible-duplicate flag on her case.
    second = make_application(make_account("resident", phone="13900000008"), person=mother)
    [flag] = duplicates.flag_new_claim(second)
    db.session.commit()
    # The mother is paid the living allowance: on a confirmed payment roll (portal.benefits).
    civil = make_account("civil_affairs", phone="13800000003")
    recipient = paying(victim, civil, submitted=datetime(2026, 3, 10, tzinfo=timezone.utc),
                       programme="living_allowance", band="from_18", amount="60",
                       person=mother)
    roll = rolls.build("living_allowance", date(2026, 3, 1), civil)
    rolls.confirm(roll.id, civil)
    # Her yearly review, open, and a re-evaluation row on the staff worklist.
    review = Review(recipient_id=recipient.id, year=2026, opens_on=date(2026, 3, 1),
                    due_on=date(2026, 4, 30), grace_until=date(2026, 5, 30), status="open")
    reevaluation = Reevaluation(recipient_id=recipient.id, as_of=date(2026, 3, 1),
                                cause="change", result="ineligible", status="open",
                                reasons=[{"text": {"zh": "条件", "en": "condition"},
                                          "citation": {"zh": "依据", "en": "source"}}])
    db.session.add_all([review, reevaluation])
    db.session.commit()
    # A change of circumstances reported for her (portal.changes), and one still a draft.
    work = KINDS["work"]
    change_draft = change_requests.save_draft(victim, recipient, work,
                                              {"work_from": date(2026, 4, 1)})
    change = change_requests.submit(
        change_requests.save_draft(victim, recipient, work, {"work_from": date(2026, 4, 1)}),
        victim)
    # The mother found by the registries' discovery sweep: a lead of her street (甘亭).
    lead = _registry_lead(mother)
    # 好差评 and 在线咨询: a refused application of the mother's, rated 差评 by the victim (its
    # follow-up), and the victim's question about her application, with a sign-language video.
    refused = make_application(victim, person=mother, programme="rehab_services",
                               status="rejected")
    decision = refused.events[-1]
    ratings.rate(service_events.load("decision", decision.id), victim.id, 1, ["slow"])
    follow_up = db.session.scalars(select(FollowUp)).one()
    asked = questions.ask(about="application", text="受害人的问题", application=application,
                          account=victim, video=io.BytesIO(media_samples.VIDEO.read_bytes()))
    # The victim (the mother's guardian) asked to correct the mother's data, with a document.
    from werkzeug.datastructures import FileStorage

    from portal.retention import requests as data_requests

    data_request = data_requests.ask(
        victim, mother.id, "correction", "受害人要更正的地址", "新地址",
        FileStorage(io.BytesIO(PNG), filename="证明.png"), locale="zh_Hans_CN")

    # 代办: the mother's village worker, with her active paper consent (its form photographed),
    # and a worker of another village of the same street, with no consent for her.
    worker = make_account("intermediary", name="张建华", phone="13700000006", street="ganting",
                          village="东街社区")
    other_worker = make_account("intermediary", name="刘军", phone="13700000007",
                                street="ganting", village="西街村")
    form = _store("同意书.png", kind="consent_form", account_id=worker.id)
    consent = Consent(worker_account_id=worker.id, person_id=mother.id, full_name="王秀兰",
                      id_number_hash=mother.id_number_hash,
                      id_number_encrypted=mother.id_number_encrypted, street="ganting",
                      scopes="apply,status", until=date.today() + timedelta(days=100),
                      method="paper", given_by="person", status="active",
                      document_id=form.id)
    db.session.add(consent)
    db.session.commit()
    return {
        "worker": worker, "other_worker": other_worker, "consent": consent,
        "victim": victim, "family": family_member, "attacker": attacker,
        "same_street": same_street, "other_street": other_street, "admin": admin,
        "application": application, "document": document, "draft": draft,
        "draft_document": draft_document, "grant": grant, "link": link, "flag": flag,
        "civil_affairs": civil, "roll": roll, "recipient": recipient, "lead": lead,
        "review": review, "reevaluation": reevaluation,
        "change_draft": change_draft, "change": change,
        "same_street_reviewer": make_account("district_reviewer", phone="13800000002"),
        "decision": decision, "follow_up": follow_up, "asked": asked.question,
        "data_request": data_request,
    }


def _registry_lead(person):
    from portal.people import crypto
    from portal.registries.models import DiscoveryLead, RegistryPerson

    found = RegistryPerson(id_number_hash=person.id_number_hash,
                           id_number_last4_hash=person.id_number_last4_hash,
                           id_number_encrypted=person.id_number_encrypted,
                           name_encrypted=crypto.encrypt(person.full_name),
                           phone_encrypted=crypto.encrypt("13900000001"), street="ganting")
    _db.session.add(found)
    _db.session.flush()
    lead = DiscoveryLead(registry_person_id=found.id, street="ganting", eligible_count=1,
                         programmes=[["assessment_subsidy", "eligible"]],
                         found_on=date(2026, 3, 1))
    _db.session.add(lead)
    _db.session.commit()
    return lead


def swept_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_SWEPT or rule.endpoint.startswith("testing."):
            continue
        if any(ID_ARGUMENT.search(argument) for argument in rule.arguments - PUBLIC_ARGUMENTS):
            rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def _values(rule, world, missing: bool) -> dict:
    values = {}
    changes = rule.endpoint.startswith("changes.")   # under the paid application
    for argument in rule.arguments:
        if argument == "reference" and changes:
            values[argument] = "HY-2026-ZZZZZZ" if missing else \
                world["recipient"].application.reference
        elif argument == "draft_id" and changes:
            values[argument] = 999999 if missing else world["change_draft"].id
        elif argument == "change_reference":
            values[argument] = "BG-2026-ZZZZZZ" if missing else world["change"].reference
        elif argument == "kind":
            values[argument] = "work" if changes else OTHER_ARGUMENTS["kind"]
        elif argument == "reference":
            values[argument] = "HY-2026-ZZZZZZ" if missing else world["application"].reference
        elif argument == "draft_id":
            values[argument] = 999999 if missing else world["draft"].id
        elif argument == "document_id":
            key = "draft_document" if "draft_id" in rule.arguments else "document"
            values[argument] = 999999 if missing else world[key].id
        elif argument == "grant_id":
            values[argument] = 999999 if missing else world["grant"].id
        elif argument == "link_id":
            values[argument] = 999999 if missing else world["link"].id
        elif argument == "flag_id":
            values[argument] = 999999 if missing else world["flag"].id
        elif argument == "roll_id":
            values[argument] = 999999 if missing else world["roll"].id
        elif argument == "recipient_id":
            values[argument] = 999999 if missing else world["recipient"].id
        elif argument == "lead_id":
            values[argument] = 999999 if missing else world["lead"].id
        elif argument == "review_id":
            values[argument] = 999999 if missing else world["review"].id
        elif argument == "row_id":
            values[argument] = 999999 if missing else world["reevaluation"].id
        elif argument == "event_id":
            values[argument] = 999999 if missing else world["decision"].id
        elif argument == "follow_up_id":
            values[argument] = 999999 if missing else world["follow_up"].id
        elif argument == "asked_id":
            values[argument] = 999999 if missing else world["asked"].id
        elif argument == "data_request_id":
            values[argument] = 999999 if missing else world["data_request"].id
        elif argument == "account_id" and rule.endpoint.startswith("intermediary."):
            values[argument] = 999999 if missing else world["worker"].id
        elif argument == "account_id":
            values[argument] = 999999 if missing else world["same_street"].id
        elif argument == "person_id":   # the mother: her file (staff), her data (her guardian)
            values[argument] = 999999 if missing else world["application"].person_id
        elif argument == "consent_id":
            values[argument] = 999999 if missing else world["consent"].id
        elif argument in OTHER_ARGUMENTS:
            values[argument] = OTHER_ARGUMENTS[argument]
        else:
            pytest.fail(f"{rule.endpoint} takes <{argument}>: add a value for it to the IDOR "
                        "sweep (tests/test_status_idor.py) so the new route is covered")
    return values


def _path(app, rule, values) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _token(client) -> str:
    html = client.get("/status/lookup").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _form(world, token) -> dict:
    """Every field any of these forms might read, filled in plausibly."""
    return {
        "csrf_token": token, "version": str(world["application"].version), "send": "1",
        "answer": "攻击者的答复", "message": "攻击者的留言", "note": "攻击", "upload": "1",
        "resolution": "legitimate", "reason": "攻击者的理由",
        "file": (io.BytesIO(PNG), "attack.png"), "phone": "13900000009",
        "person": str(world["application"].person_id), "who": "self",
        "relationship": "family", "consent": "y", "declaration": "y",
        "work_from": "2026-04-01", "decision": "record", "refusal_reason": "攻击",
    }


def _request(client, method, path, world):
    if method == "GET":
        return client.get(path)
    return client.post(path, data=_form(world, _token(client)),
                       content_type="multipart/form-data")


def _state(world) -> tuple:
    application = _db.session.get(Application, world["application"].id)
    grant = _db.session.get(AccessGrant, world["grant"].id)
    link = _db.session.get(PersonLink, world["link"].id)
    return (
        link.ended_at,
        _db.session.scalar(select(func.count()).select_from(PersonLink)),
        application.status, application.version,
        _db.session.scalar(select(func.count()).select_from(StatusEvent)),
        _db.session.scalar(select(func.count()).select_from(Document)),
        _db.session.scalar(select(func.count()).select_from(AccessGrant)),
        _db.session.scalar(select(func.count()).select_from(Draft)),
        grant.revoked_at,
        _db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        _db.session.get(DuplicateFlag, world["flag"].id).resolution,
        _db.session.get(PaymentRoll, world["roll"].id).status,
        _db.session.get(Recipient, world["recipient"].id).status,
        _db.session.scalar(select(func.count()).select_from(RecipientEvent)),
        _db.session.scalar(select(func.count()).select_from(PaymentLine)
                           .where(PaymentLine.state == "pending")),
        _db.session.get(Review, world["review"].id).status,
        _db.session.get(Reevaluation, world["reevaluation"].id).status,
        tuple(_db.session.execute(select(ChangeRequest.id, ChangeRequest.status,
                                         ChangeRequest.version)
                                  .order_by(ChangeRequest.id)).all()),
        _db.session.scalar(select(func.count()).select_from(DiscoveryContact)),
        tuple(_db.session.execute(select(DataRequest.id, DataRequest.outcome,
                                         DataRequest.document_id)).all()),
        tuple(_db.session.execute(select(Consent.id, Consent.status, Consent.ended_at)
                                  .order_by(Consent.id)).all()),
        _db.session.get(Account, world["worker"].id).active,
    )


def _sign_in(client, account):
    client.get("/_test/sign-out")
    assert client.get(f"/_test/sign-in/{account.phone}").status_code == 302


def test_the_sweep_covers_the_routes_we_know(app):
    endpoints = {rule.endpoint for rule in swept_rules(app)}
    for expected in ("staff.end_link", "staff.confirm_link",
                     "status.application", "status.document", "status.withdraw",
                     "status.answer", "status.revoke", "apply.task_list",
                     "apply.download_document", "apply.confirmation", "staff.application",
                     "staff.act", "staff.document", "changes.index", "changes.report",
                     "changes.check", "changes.change", "staff_changes.change",
                     "data_requests.request_page", "staff_data_requests.data_request",
                     "staff_data_requests.document", "staff_people.person",
                     "staff_people.id_number", "my_data.person", "my_data.download",
                     "intermediary.resident", "intermediary.start_application",
                     "intermediary.deactivate_worker", "intermediary.reset_worker_password",
                     "intermediary.consent_case",
                     "intermediary.consent_form_file", "intermediary.decide_consent",
                     "intermediary.end_my_consent"):
        assert expected in endpoints, expected


@pytest.mark.parametrize("who", ["attacker", "other_street", "other_worker"])
def test_no_one_sees_or_acts_on_what_is_not_theirs(app, client, world, who):
    before = _state(world)
    audited_before = _db.session.scalar(select(func.max(AuditEvent.id)))
    problems = []
    for rule in swept_rules(app):
        for method in sorted({"GET", "POST"} & rule.methods):
            _sign_in(client, world[who])
            answers = {}
            for missing in (False, True):
                path = _path(app, rule, _values(rule, world, missing))
                response = _request(client, method, path, world)
                answers[missing] = response.status_code
                response.close()
                if not missing:
                    body = response.get_data()
                    leaked = [s for s in SECRETS if s.encode() in body]
                    if leaked:
                        problems.append(f"{method} {path}: shows {leaked}")
            if who == "other_street" and method == "GET" and \
                    rule.endpoint in SHARED_WITH_EVERY_STREET:
                continue
            expected = {404} if (who in ("attacker", "other_worker") and
                                 rule.endpoint.split(".")[0] in RESIDENT_BLUEPRINTS) \
                else {403, 404}
            if answers[False] not in expected:
                problems.append(f"{method} {rule.rule} as {who}: {answers[False]}, "
                                f"expected {sorted(expected)}")
            if answers[False] != answers[True]:
                problems.append(f"{method} {rule.rule} as {who}: {answers[False]} for an "
                                f"existing id, {answers[True]} for a missing one")
    _db.session.expire_all()
    assert _state(world) == before, "the victim's data changed"
    assert not problems, "\n".join(problems)
    # Nothing the victim owns was acted on in the audit log either.
    assert _db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.id > audited_before,
        AuditEvent.action.notin_(("application.request_info", "application.view",
                                  "document.view", "document.download", "queue.search",
                                  "roll.view")))
    ).all() == []
    # A roll opened by another street's officer: recorded, with none of the victim's lines.
    assert all(row.detail["lines"] == 0 for row in _db.session.scalars(select(AuditEvent).where(
        AuditEvent.id > audited_before, AuditEvent.action == "roll.view")))


def test_the_values_are_right_someone_entitled_opens_every_get_route(app, client, world):
    """Without this, a sweep that filled in wrong values would pass for the wrong reason."""
    problems = []
    for rule in swept_rules(app):
        if "GET" not in rule.methods:
            continue
        path = _path(app, rule, _values(rule, world, missing=False))
        codes = []
        for owner in ("victim", "same_street", "admin", "civil_affairs", "worker"):
            _sign_in(client, world[owner])
            response = client.get(path)
            codes.append(response.status_code)
            response.close()
            if codes[-1] not in (403, 404):
                break
        else:
            problems.append(f"GET {path}: no one may open it ({codes})")
    assert not problems, "\n".join(problems)


def test_a_family_member_with_access_sees_but_does_not_act(app, client, world):
    _sign_in(client, world["family"])
    reference = world["application"].reference
    assert client.get(f"/status/applications/{reference}/").status_code == 200
    document = world["document"].id
    assert client.get(f"/status/applications/{reference}/documents/{document}"
                      ).status_code == 200
    before = _state(world)
    for path in (f"/status/applications/{reference}/withdraw",
                 f"/status/applications/{reference}/answer"):
        assert client.get(path).status_code == 404
        assert _request(client, "POST", path, world).status_code == 404
    # Not the applicant's other pages either (the apply journey is the applicant's own).
    assert client.get(f"/apply/applications/{reference}/").status_code == 404
    _db.session.expire_all()
    assert _state(world) == before
