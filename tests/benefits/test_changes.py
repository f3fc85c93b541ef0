"""Changes of circumstances (变更申报, portal.changes): reported online by whoever may see the
application, each kind end to end through the pages, checked and decided by the street officer
of the recipient's street, applied through portal.benefits.lifecycle and shown on the next roll."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccessGrant, Account, PersonLink
from portal.audit.models import AuditEvent
from portal.benefits import rolls
from portal.benefits.models import PaymentLine, PaymentRoll, Recipient
from portal.changes.models import ChangeRequest
from portal.extensions import db as _db
from portal.messages.models import OutboxMessage
from tests.benefits.helpers import CARD, paying
from tests.conftest import csrf_token
from tests.support.accounts import make_account, sign_in

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
NEW_CARD = "6217000010002223330"


def m(month: int) -> date:
    return date(2026, month, 1)


@pytest.fixture()
def world(db):
    resident = make_account("resident")
    civil = make_account("civil_affairs")
    officer = make_account("street_officer", street="ganting")
    yuxia = make_account("street_officer", street="yuxia")
    recipient = paying(resident, civil, submitted=MARCH, name="王秀兰")
    return {"resident": resident, "civil": civil, "officer": officer, "yuxia": yuxia,
            "recipient": recipient, "ref": recipient.application.reference}


def _audits(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def _paid_roll(month: date, civil) -> PaymentRoll:
    roll = rolls.build("nursing_allowance", month, civil)
    return rolls.confirm(roll.id, civil, expected_version=roll.version)


def _line(month: date, recipient_id: int) -> PaymentLine | None:
    roll = rolls.build("nursing_allowance", month, None)
    return next((line for line in rolls.lines_page(roll.id)
                 if line.recipient_id == recipient_id), None)


def _report(client, ref: str, kind: str, answers: dict) -> str:
    """Walk the kind's page and the check page; returns the change's reference."""
    base = f"/status/applications/{ref}/changes"
    page = f"{base}/new/{kind}"
    response = client.post(page, data={**answers, "csrf_token": csrf_token(client, page)})
    assert response.status_code == 303, response.get_data(as_text=True)
    check = response.headers["Location"]
    html = client.get(check).get_data(as_text=True)
    assert "检查您报告的变更" in html
    token = csrf_token(client, check)
    sent = client.post(check, data={"csrf_token": token})
    assert sent.status_code == 303
    # Sent twice (a second click): the same change, not a second one.
    again = client.post(check, data={"csrf_token": token})
    assert again.status_code == 303 and again.headers["Location"] == sent.headers["Location"]
    reference = sent.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert re.fullmatch(r"BG-\d{4}-[0-9A-Z]{6}", reference)
    return reference


def _decide(client, officer, reference: str, decision: str, reason: str = ""):
    sign_in(client, officer, fresh=True)
    page = f"/staff/changes/{reference}"
    found = _db.session.scalar(select(ChangeRequest).where(ChangeRequest.reference == reference))
    return client.post(page, data={"csrf_token": csrf_token(client, page),
                                   "decision": decision, "refusal_reason": reason,
                                   "version": found.version})


def _texts(recipient) -> list[str]:
    _db.session.expire_all()
    return [message.body for message in _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.application_id == recipient.application_id)
        .order_by(OutboxMessage.id))]


# ── each kind, end to end ─────────────────────────────────────────────────────────────────

def test_a_card_change_pays_the_new_card_from_the_next_roll_and_keeps_the_old_by_last4(
        client, world):
    recipient, civil = world["recipient"], world["civil"]
    march = _paid_roll(m(3), civil)
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "card", {
        "method": "bank_card", "bank_name": "中国建设银行鄠邑支行", "account_holder": "王秀兰",
        "card_number": NEW_CARD[:4] + " " + NEW_CARD[4:]})
    texts = _texts(recipient)
    assert reference in texts[-1] and "王秀兰" not in texts[-1]
    page = client.get(f"/status/applications/{world['ref']}/changes/{reference}")
    html = page.get_data(as_text=True)
    assert "尾号" + NEW_CARD[-4:] in html and NEW_CARD not in html and "等待街道核实" in html
    # Nothing changes before staff confirm.
    assert _db.session.get(Recipient, recipient.id).card_last4 == CARD[-4:]

    response = _decide(client, world["officer"], reference, "card")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "原账户尾号" + CARD[-4:] in html and NEW_CARD not in html and CARD not in html
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert recipient.card_last4 == NEW_CARD[-4:]
    event = recipient.events[-1]
    assert event.kind == "card_changed" and event.details["old"]["last4"] == CARD[-4:]
    assert CARD not in str(event.details) and NEW_CARD not in str(event.details)
    # The next roll's bank file pays the new card; the one already sent paid the old.
    roll = _paid_roll(m(4), civil)
    sign_in(client, civil, fresh=True)

    def bank_rows(roll_id):
        exported = client.get(f"/staff/payments/{roll_id}/bank.csv").get_data(as_text=True)
        return list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))

    rows = bank_rows(roll.id)
    assert any(NEW_CARD in row for row in rows) and not any(CARD in row for row in rows)
    # March's roll, confirmed before the change and downloaded only now, pays what civil
    # affairs confirmed: the old card (the line keeps its account).
    rows = bank_rows(march.id)
    assert any(CARD in row for row in rows) and not any(NEW_CARD in row for row in rows)
    assert "尾号" + CARD[-4:] in client.get(f"/staff/payments/{march.id}").get_data(as_text=True)
    assert any("已核实办理" in t and reference in t for t in _texts(recipient))


def test_a_move_within_the_district_moves_the_case_and_keeps_the_old_lines_street(
        client, world):
    recipient, civil = world["recipient"], world["civil"]
    _paid_roll(m(3), civil)
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "moved_within",
                        {"new_street": "yuxia", "moved_on": "2026-03-20"})
    # Before the move: the old street's officer has it, the new one does not.
    sign_in(client, world["yuxia"], fresh=True)
    assert client.get(f"/staff/changes/{reference}").status_code == 404
    assert reference not in client.get("/staff/changes/").get_data(as_text=True)
    assert _decide(client, world["officer"], reference, "street").status_code == 303
    _db.session.expire_all()
    moved = _db.session.get(Recipient, recipient.id)
    assert moved.street == "yuxia"
    assert moved.person.street == "yuxia"      # a new application starts from the new street
    # After: the new street's officer sees the request and the recipient; the old one: 404.
    sign_in(client, world["yuxia"], fresh=True)
    assert reference in client.get("/staff/changes/?view=all").get_data(as_text=True)
    assert "王秀兰" in client.get(f"/staff/changes/{reference}").get_data(as_text=True)
    sign_in(client, world["officer"], fresh=True)
    assert client.get(f"/staff/changes/{reference}").status_code == 404
    assert reference not in client.get("/staff/changes/?view=all").get_data(as_text=True)
    # History: the line already paid keeps its street; the next roll has the new street.
    old = _db.session.scalar(select(PaymentLine).join(PaymentRoll).where(
        PaymentRoll.month == m(3), PaymentLine.recipient_id == recipient.id))
    assert old.street == "ganting"
    assert _line(m(4), recipient.id).street == "yuxia"
    assert _db.session.get(Recipient, recipient.id).events[-1].details == \
        {"from": "ganting", "to": "yuxia"}


def test_a_death_report_ends_payment_from_the_next_month(client, world):
    recipient, civil = world["recipient"], world["civil"]
    _paid_roll(m(3), civil)
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "death", {"died_on": "2026-04-12"})
    assert _decide(client, world["officer"], reference, "end").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("ended", "death", m(5))
    line = _line(m(6), recipient.id)
    assert line is not None and (line.first_month, line.last_month) == (m(4), m(4))
    assert _line(m(7), recipient.id) is None


def test_months_already_paid_after_a_death_are_shown_to_staff_not_clawed_back(client, world):
    recipient, civil = world["recipient"], world["civil"]
    _paid_roll(m(5), civil)           # March to May went to the bank
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "death", {"died_on": "2026-03-28"})
    sign_in(client, world["officer"], fresh=True)
    html = client.get(f"/staff/changes/{reference}").get_data(as_text=True)
    assert "已发放的月份需要处理" in html and "2026年4月、2026年5月" in html
    assert _decide(client, world["officer"], reference, "end").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert recipient.status == "ended" and recipient.stop_month == m(6)
    assert recipient.events[-1].details["paid_after"] == ["2026-04", "2026-05"]
    assert _db.session.scalar(select(func.count()).select_from(PaymentLine).where(
        PaymentLine.recipient_id == recipient.id, PaymentLine.state == "pending")) == 1
    assert _line(m(7), recipient.id) is None
    html = client.get(f"/staff/changes/{reference}").get_data(as_text=True)
    assert "2026年4月、2026年5月" in html


def test_a_move_out_of_the_district_ends_payment(client, world):
    recipient = world["recipient"]
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "moved_away", {"moved_on": "2026-05-02"})
    assert _decide(client, world["officer"], reference, "end").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert (recipient.status_reason, recipient.stop_month) == ("moved_away", m(6))


@pytest.mark.parametrize("kind,answers,event", [
    ("low_income", {"household_change": "left_dibao", "changed_on": "2026-04-01"},
     "household_changed"),
    ("work", {"work_from": "2026-04-15"}, "work_started"),
])
def test_eligibility_facts_are_recorded_and_payment_is_not_changed(client, world, kind,
                                                                   answers, event):
    recipient = world["recipient"]
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], kind, answers)
    assert _decide(client, world["officer"], reference, "record").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert recipient.status == "paying" and recipient.events[-1].kind == event
    html = client.get(f"/staff/changes/{reference}").get_data(as_text=True)
    assert "已核实办理" in html


def test_a_hospital_stay_suspends_and_leaving_resumes_without_the_stay(client, world):
    recipient, civil = world["recipient"], world["civil"]
    _paid_roll(m(3), civil)
    sign_in(client, world["resident"])
    stay = _report(client, world["ref"], "care_stay",
                   {"place": "hospital", "stay_from": "2026-04-03"})
    assert _decide(client, world["officer"], stay, "suspend").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("suspended", "hospital_stay", m(5))
    sign_in(client, world["resident"], fresh=True)
    left = _report(client, world["ref"], "care_left", {"left_on": "2026-07-09"})
    assert _decide(client, world["officer"], left, "resume").status_code == 303
    _db.session.expire_all()
    recipient = _db.session.get(Recipient, recipient.id)
    assert recipient.status == "paying"
    line = _line(m(7), recipient.id)
    assert [pm.month for pm in rolls.months_of(line)] == [m(4), m(7)]


def test_a_refusal_needs_a_reason_and_the_resident_reads_it(client, world):
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "work", {"work_from": "2026-04-15"})
    response = _decide(client, world["officer"], reference, "refuse")
    assert response.status_code == 422
    assert "请写明不予核实的理由" in response.get_data(as_text=True)
    response = _decide(client, world["officer"], reference, "refuse", "经电话核实，尚未开始工作。")
    assert response.status_code == 303
    sign_in(client, world["resident"], fresh=True)
    html = client.get(f"/status/applications/{world['ref']}/changes/{reference}") \
        .get_data(as_text=True)
    assert "未能核实通过" in html and "经电话核实，尚未开始工作。" in html
    assert "未能核实通过" in _texts(world["recipient"])[-1]
    assert "尚未开始工作" not in _texts(world["recipient"])[-1]


def test_the_benefit_links_to_the_changes_and_lists_them(client, world):
    sign_in(client, world["resident"])
    html = client.get(f"/status/applications/{world['ref']}/").get_data(as_text=True)
    assert f"/status/applications/{world['ref']}/changes/" in html
    reference = _report(client, world["ref"], "work", {"work_from": "2026-04-15"})
    html = client.get(f"/status/applications/{world['ref']}/changes/").get_data(as_text=True)
    assert reference in html and "开始工作" in html


# ── bad input, roles, the audit ───────────────────────────────────────────────────────────

def test_bad_input_gets_polite_errors_and_the_other_answers_are_kept(client, world):
    sign_in(client, world["resident"])
    page = f"/status/applications/{world['ref']}/changes/new/card"
    response = client.post(page, data={
        "csrf_token": csrf_token(client, page), "method": "bank_card",
        "bank_name": "中国建设银行鄠邑支行", "account_holder": "王秀兰", "card_number": "1234"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "错误" in html
    assert "中国建设银行鄠邑支行" in html and 'href="#card_number"' in html
    page = f"/status/applications/{world['ref']}/changes/new/death"
    response = client.post(page, data={"csrf_token": csrf_token(client, page),
                                       "died_on": "2099-01-01"})
    assert "日期不能晚于" in response.get_data(as_text=True)
    page = f"/status/applications/{world['ref']}/changes/new/moved_within"
    response = client.post(page, data={"csrf_token": csrf_token(client, page),
                                       "moved_on": "2026-04-01"})
    html = response.get_data(as_text=True)
    assert "请选择新的户籍街道" in html and "2026-04-01" in html
    assert _db.session.scalar(select(func.count()).select_from(ChangeRequest)) == 0


def test_a_granted_family_member_reports_and_a_guardian_too(client, world):
    person_id = world["recipient"].person_id
    family = make_account("resident")
    guardian = make_account("resident")
    _db.session.add(PersonLink(account_id=guardian.id, person_id=person_id, role="guardian",
                               proven_by="counter", confirmed_by_account_id=world["officer"].id))
    _db.session.add(AccessGrant(person_id=person_id, grantee_phone=family.phone,
                                granted_by_account_id=guardian.id))
    _db.session.commit()
    for account in (family, guardian):
        sign_in(client, account, fresh=True)
        assert _report(client, world["ref"], "work", {"work_from": "2026-04-15"})


def test_staff_views_are_audited_and_other_roles_are_refused(client, world):
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "work", {"work_from": "2026-04-15"})
    sign_in(client, world["officer"], fresh=True)
    assert reference in client.get("/staff/changes/").get_data(as_text=True)
    client.get(f"/staff/changes/{reference}")
    assert _audits("change.list") == 1 and _audits("change.view") == 1
    # Civil affairs see it, but a street's facts are the street officer's to decide.
    sign_in(client, world["civil"], fresh=True)
    html = client.get(f"/staff/changes/{reference}").get_data(as_text=True)
    assert "这类变更由街道工作人员核实办理" in html
    assert _decide(client, world["civil"], reference, "record").status_code == 403
    for role in ("district_reviewer", "admin"):
        sign_in(client, make_account(role), fresh=True)
        assert client.get("/staff/changes/").status_code == 403
        assert client.get(f"/staff/changes/{reference}").status_code == 403


def test_a_stranger_gets_404_on_every_new_route(client, world):
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "work", {"work_from": "2026-04-15"})
    page = f"/status/applications/{world['ref']}/changes/new/death"
    client.post(page, data={"csrf_token": csrf_token(client, page), "died_on": "2026-04-01"})
    draft = _db.session.scalar(select(ChangeRequest).where(ChangeRequest.status == "draft"))
    base = f"/status/applications/{world['ref']}/changes"
    other = paying(make_account("resident"), world["civil"], submitted=MARCH, name="李四")
    other_base = f"/status/applications/{other.application.reference}/changes"
    routes = [f"{base}/", f"{base}/new/card", f"{base}/new/death?draft={draft.id}",
              f"{base}/drafts/{draft.id}", f"{base}/{reference}"]
    # Someone else's family (they see their own application, not this one).
    sign_in(client, other.application.applicant, fresh=True)
    token = csrf_token(client, f"/status/applications/{other.application.reference}/")
    for route in routes:
        assert client.get(route).status_code == 404, route
        if "/new/" in route or "/drafts/" in route:
            assert client.post(route, data={"csrf_token": token, "died_on": "2026-04-01",
                                            "work_from": "2026-04-01"}).status_code == 404
    # Their own benefit does not open this one's requests or drafts either.
    assert client.get(f"{other_base}/{reference}").status_code == 404
    assert client.get(f"{other_base}/drafts/{draft.id}").status_code == 404
    # A family member granted access sees the requests, but not another account's draft.
    family = make_account("resident")
    guardian = make_account("resident")
    _db.session.add(PersonLink(account_id=guardian.id, person_id=world["recipient"].person_id,
                               role="guardian", proven_by="counter",
                               confirmed_by_account_id=world["officer"].id))
    _db.session.add(AccessGrant(person_id=world["recipient"].person_id,
                                grantee_phone=family.phone, granted_by_account_id=guardian.id))
    _db.session.commit()
    sign_in(client, family, fresh=True)
    assert client.get(f"{base}/{reference}").status_code == 200
    assert client.get(f"{base}/drafts/{draft.id}").status_code == 404
    assert client.get(f"{base}/new/death?draft={draft.id}").status_code == 404
    # An unknown kind or reference: the same 404.
    assert client.get(f"{base}/new/lottery").status_code == 404
    assert client.get(f"{base}/BG-2026-AAAAAA").status_code == 404


def test_the_demo_has_two_pending_changes_and_every_new_page_renders_in_both_languages(
        client, db):
    from portal.cli import demo_content as demo

    demo.seed()
    resident = _db.session.scalar(select(Account).where(Account.phone == "13900000001"))
    officer = _db.session.scalar(select(Account).where(Account.phone == "13800000001"))
    pending = _db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.status == "submitted")).all()
    assert sorted(c.kind for c in pending) == ["card", "care_stay"]
    base = "/status/applications/HY-2026-DEMAEC/changes"
    for language in ("zh", "en"):
        client.set_cookie("lang", language)
        sign_in(client, resident, fresh=True)
        client.set_cookie("lang", language)
        for path in (f"{base}/", f"{base}/new/card", f"{base}/new/moved_within",
                     f"{base}/BG-2026-DEMA3C"):
            assert client.get(path).status_code == 200, path
        sign_in(client, officer, fresh=True)
        client.set_cookie("lang", language)
        html = client.get("/staff/changes/").get_data(as_text=True)
        assert "BG-2026-DEMA3C" in html and "BG-2026-DEMA4C" in html
        html = client.get("/staff/changes/BG-2026-DEMA3C").get_data(as_text=True)
        assert "6217" not in html and "3330" in html


def test_rotating_keys_re_encrypts_the_lines_and_reported_cards(app, client, world, runner):
    from cryptography.fernet import Fernet

    from portal.people import crypto

    recipient, civil = world["recipient"], world["civil"]
    _paid_roll(m(3), civil)
    sign_in(client, world["resident"])
    reference = _report(client, world["ref"], "card", {
        "method": "bank_card", "bank_name": "中国建设银行鄠邑支行", "account_holder": "王秀兰",
        "card_number": NEW_CARD})
    saved = app.extensions["data_encryption_keys"]
    new = Fernet.generate_key().decode()
    try:
        app.extensions["data_encryption_keys"] = [new, *saved]
        assert runner.invoke(args=["rotate-keys"]).exit_code == 0
        app.extensions["data_encryption_keys"] = [new]       # the old keys removed
        _db.session.expire_all()
        line = _db.session.scalar(select(PaymentLine).where(
            PaymentLine.recipient_id == recipient.id))
        change = _db.session.scalar(select(ChangeRequest).where(
            ChangeRequest.reference == reference))
        assert crypto.decrypt(line.card_number_encrypted) == CARD
        assert crypto.decrypt(change.details["card_number"]) == NEW_CARD
        assert change.details["card_hash"] == crypto.lookup_hash(NEW_CARD)
    finally:
        app.extensions["data_encryption_keys"] = saved


def test_an_approved_change_re_evaluates_the_recipient_for_staff_and_stops_nothing(
        client, world):
    """A household that left 低保, recorded: the living allowance's rule on the household now
    fails – a row on the re-evaluation worklist with the rule's citation; payment goes on."""
    from portal.benefits.models import Reevaluation

    living = paying(world["resident"], world["civil"], submitted=MARCH,
                    programme="living_allowance", band="from_18", amount="100", name="张建国")
    reference = living.application.reference
    sign_in(client, world["resident"])
    change = _report(client, reference, "low_income",
                     {"household_change": "left_dibao", "changed_on": "2026-04-01"})
    assert _db.session.scalar(select(func.count()).select_from(Reevaluation)) == 0
    assert _decide(client, world["officer"], change, "record").status_code == 303
    _db.session.expire_all()
    row = _db.session.scalar(select(Reevaluation))
    assert row is not None and row.recipient_id == living.id and row.cause == "change"
    assert row.as_of == date(2026, 4, 1) and row.result == "ineligible"
    assert row.reasons and all(reason["citation"]["zh"] for reason in row.reasons)
    assert _db.session.get(Recipient, living.id).status == "paying"
    # The same change recorded for the nursing allowance (no household rule): no row.
    sign_in(client, world["resident"])
    other = _report(client, world["ref"], "low_income",
                    {"household_change": "left_dibao", "changed_on": "2026-04-01"})
    assert _decide(client, world["officer"], other, "record").status_code == 303
    assert _db.session.scalar(select(func.count()).select_from(Reevaluation)) == 1


def test_a_decided_change_is_rated_like_any_service_once_and_only_by_its_people(client, world):
    from portal.ratings.models import Rating

    sign_in(client, world["resident"])
    change = _report(client, world["ref"], "work", {"work_from": "2026-04-01"})
    request = _db.session.scalar(select(ChangeRequest).where(ChangeRequest.reference == change))
    path = f"/rate/change/{request.id}"
    sign_in(client, world["resident"])
    assert client.get(path).status_code == 404                # not decided yet
    assert _decide(client, world["officer"], change, "record").status_code == 303
    sign_in(client, world["resident"])
    page = client.get(f"/status/applications/{world['ref']}/").get_data(as_text=True)
    assert path in page
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "level": "5"})
    assert response.status_code == 303
    rating = _db.session.scalar(select(Rating).where(Rating.event_kind == "change"))
    assert rating.event_id == request.id and rating.office_role == "street_officer"
    assert rating.street == "ganting"
    sign_in(client, make_account("resident"))
    assert client.get(path).status_code == 404
