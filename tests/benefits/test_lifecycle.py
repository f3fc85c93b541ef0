"""A recipient's life after enrolment (portal.benefits.lifecycle): suspension, resumption with
and without back pay, an end (a death reported), the certificate's reminders and lapse – each
shown in the next roll, audited and texted (never a name), and only by civil affairs."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from celery import beat
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.benefits import lifecycle, rolls
from portal.benefits.models import PaymentRoll, RecipientEvent
from portal.extensions import db as _db
from portal.messages import notifications
from portal.messages.models import OutboxMessage
from tests.benefits.helpers import paying
from tests.conftest import csrf_token
from tests.support.accounts import make_account, sign_in

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
NAME = "王秀兰"


def m(month: int) -> date:
    return date(2026, month, 1)


@pytest.fixture()
def people(db):
    return {"resident": make_account("resident"), "civil": make_account("civil_affairs")}


@pytest.fixture()
def recipient(people):
    return paying(people["resident"], people["civil"], submitted=MARCH, name=NAME)


def _paid_roll(month: date, civil) -> PaymentRoll:
    roll = rolls.build("nursing_allowance", month, civil)
    return rolls.confirm(roll.id, civil, expected_version=roll.version)


def _months_on(month: date, recipient_id: int) -> list[date]:
    """The months the recipient's line on the month's (new) roll covers; [] without a line."""
    roll = rolls.build("nursing_allowance", month, None)
    lines = [line for line in rolls.lines_page(roll.id) if line.recipient_id == recipient_id]
    return [pm.month for pm in rolls.months_of(lines[0])] if lines else []


def _texts(recipient) -> list[str]:
    _db.session.expire_all()
    return [message.body for message in _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.application_id == recipient.application_id)
        .order_by(OutboxMessage.id))]


def _audits(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def test_a_suspension_stops_the_next_rolls_line_and_is_audited_and_texted(people, recipient):
    _paid_roll(m(3), people["civil"])
    before = len(_texts(recipient))
    lifecycle.suspend(recipient, "hospital_stay", m(4), people["civil"])
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("suspended", "hospital_stay", m(4))
    assert _months_on(m(4), recipient.id) == []
    assert _months_on(m(5), recipient.id) == []
    texts = _texts(recipient)[before:]
    assert texts and all(recipient.application.reference in t and "暂停发放" in t
                         for t in texts)
    assert all(NAME not in t and "住院" not in t for t in texts)   # never the name or why
    assert _audits("benefit.suspend") == 1
    event = recipient.events[-1]
    assert (event.kind, event.reason, event.effective, event.actor_account_id) == \
        ("suspended", "hospital_stay", m(4), people["civil"].id)


def test_a_suspension_takes_the_recipient_off_a_draft_roll_already_built(people, recipient):
    draft = rolls.build("nursing_allowance", m(4), people["civil"])
    assert draft.line_count == 1
    lifecycle.suspend(recipient, "under_investigation", m(4), people["civil"])
    _db.session.expire_all()
    rebuilt = _db.session.get(PaymentRoll, draft.id)
    months = [pm.month for line in rolls.lines_page(rebuilt.id) for pm in rolls.months_of(line)]
    assert months == [m(3)]          # the month before the suspension is still paid


def test_months_already_sent_to_the_bank_cannot_be_stopped(people, recipient):
    _paid_roll(m(4), people["civil"])
    with pytest.raises(lifecycle.LifecycleError) as caught:
        lifecycle.suspend(recipient, "hospital_stay", m(4), people["civil"])
    assert (caught.value.problem, caught.value.month) == ("already_paid", m(5))
    assert recipient.status == "paying" and _audits("benefit.suspend") == 0


def test_resumption_with_back_pay_pays_the_months_in_between_as_back_months(people, recipient):
    _paid_roll(m(3), people["civil"])
    lifecycle.suspend(recipient, "hospital_stay", m(4), people["civil"])
    _paid_roll(m(4), people["civil"])
    _paid_roll(m(5), people["civil"])
    lifecycle.resume(recipient, m(6), True, people["civil"])
    assert (recipient.status, recipient.stop_month) == ("paying", None)
    assert _months_on(m(6), recipient.id) == [m(4), m(5), m(6)]
    assert "补发" in _texts(recipient)[-1]
    assert _audits("benefit.resume") == 1


def test_resumption_without_back_pay_never_pays_the_months_in_between(people, recipient):
    _paid_roll(m(3), people["civil"])
    lifecycle.suspend(recipient, "hospital_stay", m(4), people["civil"])
    _paid_roll(m(4), people["civil"])
    lifecycle.resume(recipient, m(6), False, people["civil"])
    assert _months_on(m(6), recipient.id) == [m(6)]
    _paid_roll(m(6), people["civil"])
    assert _months_on(m(7), recipient.id) == [m(7)]    # April and May never come back
    assert "恢复发放" in _texts(recipient)[-1] and "补发" not in _texts(recipient)[-1]


def test_a_resumption_cannot_start_before_the_suspension(people, recipient):
    lifecycle.suspend(recipient, "hospital_stay", m(5), people["civil"])
    with pytest.raises(lifecycle.LifecycleError) as caught:
        lifecycle.resume(recipient, m(4), True, people["civil"])
    assert caught.value.problem == "before_suspension"


def test_a_death_report_ends_payment_from_the_next_month(people, recipient):
    _paid_roll(m(3), people["civil"])
    lifecycle.end(recipient, "death", m(4), people["civil"])
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("ended", "death", m(5))
    # April, the month of death, not yet paid: it comes as a back month, nothing after it.
    assert _months_on(m(5), recipient.id) == [m(4)]
    _paid_roll(m(5), people["civil"])
    assert _months_on(m(6), recipient.id) == []
    texts = _texts(recipient)
    assert "停止发放" in texts[-1] and all(NAME not in t and "去世" not in t for t in texts)
    assert _audits("benefit.end") == 1


def test_another_role_is_refused_and_nothing_changes(people, recipient):
    """The street officer of the recipient's street only for what a change of circumstances
    reports (lifecycle.ALLOWED); of another street, or another role, not at all."""
    officer = make_account("street_officer", street="ganting")
    elsewhere = make_account("street_officer", street="yuxia")
    reviewer = make_account("district_reviewer")
    before = len(_texts(recipient))
    for change in (lambda: lifecycle.suspend(recipient, "under_investigation", m(4), officer),
                   lambda: lifecycle.end(recipient, "not_eligible", m(4), officer),
                   lambda: lifecycle.record_certificate(recipient, date(2036, 1, 1), officer),
                   lambda: lifecycle.suspend(recipient, "hospital_stay", m(4), elsewhere),
                   lambda: lifecycle.end(recipient, "death", m(4), elsewhere),
                   lambda: lifecycle.end(recipient, "death", m(4), reviewer)):
        with pytest.raises(lifecycle.LifecycleError) as caught:
            change()
        assert caught.value.problem == "not_allowed"
    assert recipient.status == "paying" and len(_texts(recipient)) == before
    assert _audits("benefit.suspend") == _audits("benefit.end") == 0


# ── the certificate ─────────────────────────────────────────────────────────────────────

def _send_as_beat(app) -> None:
    """The certificate job, sent by beat's own scheduler from its own entry (eager)."""
    scheduler = beat.Scheduler(app=app.extensions["celery"], lazy=True)
    scheduler.setup_schedule()
    scheduler.apply_async(scheduler.schedule["certificate-check"])


def _reminders(recipient) -> list[str]:
    _db.session.expire_all()
    return [e.kind for e in _db.session.scalars(select(RecipientEvent).where(
        RecipientEvent.recipient_id == recipient.id,
        RecipientEvent.kind.like("reminder_%")).order_by(RecipientEvent.id))]


def test_the_daily_job_reminds_60_and_30_days_before_expiry_once_each(app, people,
                                                                      monkeypatch):
    until = date(2026, 9, 30)
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, name=NAME,
                       certificate_until=until.isoformat())
    assert app.extensions["celery"].conf.beat_schedule["certificate-check"]["schedule"] \
        .hour == {7}
    day = {"today": until - timedelta(days=61)}
    monkeypatch.setattr(lifecycle, "today", lambda: day["today"])
    _send_as_beat(app)
    assert _reminders(recipient) == []                     # 61 days before: not yet
    for days_before in (60, 59, 45):
        day["today"] = until - timedelta(days=days_before)
        _send_as_beat(app)
    assert _reminders(recipient) == ["reminder_60"]        # once
    for days_before in (30, 29, 1):
        day["today"] = until - timedelta(days=days_before)
        _send_as_beat(app)
    assert _reminders(recipient) == ["reminder_60", "reminder_30"]
    texts = _texts(recipient)
    reminders = [t for t in texts if "到期" in t]
    numbers = notifications.recipients(recipient.application)
    assert numbers and len(reminders) == 2 * len(numbers)   # each reminder once to each number
    assert all("2026年9月30日" in t and recipient.application.reference in t
               and NAME not in t for t in reminders)
    assert _audits("benefit.certificate_reminder") == 2
    assert recipient.status == "paying"


def test_a_lapsed_certificate_suspends_and_a_renewal_resumes_with_back_pay(app, people,
                                                                          monkeypatch):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, name=NAME,
                       certificate_until="2026-04-20")
    _paid_roll(m(3), people["civil"])
    _paid_roll(m(4), people["civil"])
    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 4, 21))
    _send_as_beat(app)
    _db.session.expire_all()
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("suspended", "certificate_lapsed", m(5))
    assert "残疾人证已过有效期" in _texts(recipient)[-1]
    assert _months_on(m(5), recipient.id) == []
    _paid_roll(m(5), people["civil"])
    _send_as_beat(app)                                      # not suspended twice
    assert _audits("benefit.suspend") == 1
    # The renewed certificate recorded in June: paying again, May paid as a back month.
    resumed = lifecycle.record_certificate(recipient, date(2036, 6, 1), people["civil"],
                                           on=date(2026, 6, 3))
    assert resumed and recipient.status == "paying"
    assert recipient.certificate_valid_until == date(2036, 6, 1)
    assert _months_on(m(6), recipient.id) == [m(5), m(6)]
    assert _audits("benefit.certificate") == 1 and _audits("benefit.resume") == 1
    assert "补发" in _texts(recipient)[-1]


# ── the staff pages ─────────────────────────────────────────────────────────────────────

def _page(recipient) -> str:
    return f"/staff/payments/recipients/{recipient.id}"


def test_civil_affairs_suspend_and_resume_on_the_recipients_page(client, people, recipient):
    sign_in(client, people["civil"], fresh=True)
    listing = client.get("/staff/payments/recipients").get_data(as_text=True)
    assert _page(recipient) in listing and NAME in listing
    token = csrf_token(client, _page(recipient))
    response = client.post(_page(recipient) + "/suspend", data={
        "csrf_token": token, "suspend_reason": "review_missed", "suspend_since": "2026-04"})
    assert response.status_code == 303
    page = client.get(_page(recipient)).get_data(as_text=True)
    assert "暂停发放：未按时参加年审（资格复核）" in page and "从2026年4月起不发放" in page
    response = client.post(_page(recipient) + "/resume", data={
        "csrf_token": token, "resume_start": "2026-06", "resume_back_pay": "no"})
    assert response.status_code == 303
    _db.session.expire_all()
    assert recipient.status == "paying"
    assert _months_on(m(6), recipient.id) == [m(3), m(6)]    # March due; April, May never
    assert _audits("recipient.view") >= 2 and _audits("recipient.list") == 1


def test_bad_answers_get_polite_errors_with_the_others_kept(client, people, recipient):
    sign_in(client, people["civil"], fresh=True)
    token = csrf_token(client, _page(recipient))
    response = client.post(_page(recipient) + "/end", data={
        "csrf_token": token, "end_last": "2026-13"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请选择停止发放的原因" in page and "请按“年-月”输入月份" in page
    assert 'value="2026-13"' in page and 'href="#end_reason' in page
    _paid_roll(m(4), people["civil"])
    response = client.post(_page(recipient) + "/suspend", data={
        "csrf_token": token, "suspend_reason": "hospital_stay", "suspend_since": "2026-04"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "2026年5月以前的月份已经交给银行发放" in page
    kept = re.search(r'<input[^>]*value="hospital_stay"[^>]*>', page).group(0)
    assert "checked" in kept and 'value="2026-04"' in page
    assert recipient.status == "paying"
    client.set_cookie("lang", "en")
    token = csrf_token(client, _page(recipient))
    response = client.post(_page(recipient) + "/certificate", data={
        "csrf_token": token, "valid_until": "2036-02-30"})
    assert response.status_code == 422
    assert "That date does not exist" in response.get_data(as_text=True)


def test_other_roles_are_refused_the_recipients_pages(client, people, recipient):
    for role in ("street_officer", "district_reviewer", "admin"):
        sign_in(client, make_account(role, street="yuxia") if role == "street_officer"
                else make_account(role), fresh=True)
        # Another street's officer: as if there were no such recipient (portal.benefits.access)
        assert client.get(_page(recipient)).status_code == \
            (404 if role == "street_officer" else 403)
        assert client.get("/staff/payments/recipients").status_code == \
            (200 if role == "street_officer" else 403)
        token = csrf_token(client, "/staff/")
        assert client.post(_page(recipient) + "/end", data={
            "csrf_token": token, "end_reason": "death",
            "end_last": "2026-04"}).status_code == 403
    _db.session.expire_all()
    assert recipient.status == "paying" and _audits("benefit.end") == 0


def test_a_roll_line_leads_to_the_recipients_page(client, people, recipient):
    sign_in(client, people["civil"], fresh=True)
    roll = rolls.build("nursing_allowance", m(4), people["civil"])
    page = client.get(f"/staff/payments/{roll.id}").get_data(as_text=True)
    assert f'href="{_page(recipient)}"' in page


def test_the_resident_sees_why_and_from_when_their_payment_is_suspended(client, people,
                                                                       recipient):
    lifecycle.suspend(recipient, "certificate_lapsed", m(5), people["civil"])
    sign_in(client, people["resident"], fresh=True)
    page = client.get(f"/status/applications/{recipient.application.reference}/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "暂停发放：残疾人证已过有效期，未换领" in text and "从2026年5月起不发放" in text
