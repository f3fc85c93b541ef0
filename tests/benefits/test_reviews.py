"""The yearly review (年审, portal.benefits.reviews): the window opens reviews and texts the
first notice once, the reminder and the last notice on their days, a review missed after the
grace period suspends payment with a text saying what to do, and a review done afterwards
resumes payment with the months in between paid back. The re-evaluation
(portal.benefits.reevaluation) puts those who may no longer qualify on a worklist – and never
changes a recipient by itself."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from celery import beat
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.benefits import lifecycle, reevaluation, reviews, rolls
from portal.benefits.models import PaymentRoll, Reevaluation, Review
from portal.extensions import db as _db
from portal.messages.models import OutboxMessage
from tests.benefits.helpers import paying
from tests.support.accounts import make_account

ENROLLED = datetime(2025, 10, 10, 2, 0, tzinfo=timezone.utc)
NAME = "王秀兰"
OPENS = date(2026, 3, 1)           # the default window: 1 March, 61 days (to 30 April)
DUE = date(2026, 4, 30)
GRACE = date(2026, 5, 30)          # 30 days' grace


@pytest.fixture()
def people(db):
    return {"resident": make_account("resident"), "civil": make_account("civil_affairs")}


@pytest.fixture()
def recipient(people):
    found = paying(people["resident"], people["civil"], submitted=ENROLLED, name=NAME)
    found.created_at = ENROLLED
    # What the application journey keeps of the programme's own question.
    found.application.answers = {**found.application.answers,
                                 "questions": {"needs_long_term_care": True}}
    _db.session.commit()
    return found


@pytest.fixture()
def day(monkeypatch):
    today = {"on": OPENS}
    monkeypatch.setattr(lifecycle, "today", lambda: today["on"])
    return today


def _send_as_beat(app) -> None:
    scheduler = beat.Scheduler(app=app.extensions["celery"], lazy=True)
    scheduler.setup_schedule()
    scheduler.apply_async(scheduler.schedule["review-check"])


def _texts(recipient) -> list[str]:
    _db.session.expire_all()
    return [m.body for m in _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.application_id == recipient.application_id)
        .order_by(OutboxMessage.id))]


def _audits(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def _review(recipient) -> Review:
    _db.session.expire_all()
    return _db.session.scalar(select(Review).where(Review.recipient_id == recipient.id))


def test_the_window_opening_makes_the_review_and_texts_the_first_notice_once(
        app, recipient, day):
    day["on"] = OPENS - timedelta(days=1)
    _send_as_beat(app)
    assert _review(recipient) is None                     # the window is not open yet
    before = len(_texts(recipient))
    day["on"] = OPENS
    _send_as_beat(app)
    _send_as_beat(app)                                    # twice the same day: nothing twice
    review = _review(recipient)
    assert (review.year, review.opens_on, review.due_on, review.grace_until, review.status) \
        == (2026, OPENS, DUE, GRACE, "open")
    assert _db.session.scalar(select(func.count()).select_from(Review)) == 1
    texts = _texts(recipient)[before:]
    assert texts and all("年审" in t and "2026年4月30日" in t and NAME not in t
                         and recipient.application.reference in t for t in texts)
    assert len(texts) == len(set(texts)) and _audits("benefit.review_notice") == 1
    assert review.first_notice_at is not None and review.reminder_at is None


def test_the_reminder_and_the_last_notice_go_on_their_days_once_each(app, recipient, day):
    _send_as_beat(app)
    for on in (OPENS + timedelta(days=29),):
        day["on"] = on
        _send_as_beat(app)
    assert _review(recipient).reminder_at is None          # 30 days after opening: not yet
    for on in (OPENS + timedelta(days=30), OPENS + timedelta(days=31)):
        day["on"] = on
        _send_as_beat(app)
    assert _review(recipient).reminder_at is not None
    assert _review(recipient).last_notice_at is None
    for on in (DUE - timedelta(days=7), DUE - timedelta(days=3), DUE):
        day["on"] = on
        _send_as_beat(app)
    review = _review(recipient)
    assert review.last_notice_at is not None
    texts = _texts(recipient)
    assert sum("提醒：" in t and "最后" not in t for t in texts) == 1
    assert sum("最后提醒" in t and "暂停发放" in t for t in texts) == 1
    assert _audits("benefit.review_notice") == 3
    assert recipient.status == "paying"


def test_a_review_missed_after_the_grace_period_suspends_with_a_text_saying_what_to_do(
        app, recipient, day):
    _send_as_beat(app)
    day["on"] = GRACE
    _send_as_beat(app)
    assert _review(recipient).missed_on is None and recipient.status == "paying"  # grace
    day["on"] = GRACE + timedelta(days=1)
    _send_as_beat(app)
    _send_as_beat(app)
    _db.session.refresh(recipient)
    assert (recipient.status, recipient.status_reason, recipient.stop_month) == \
        ("suspended", "review_missed", date(2026, 6, 1))
    assert _review(recipient).missed_on == GRACE + timedelta(days=1)
    suspended = [t for t in _texts(recipient) if "暂停发放" in t and "最后" not in t]
    assert len(suspended) == 1
    assert "完成年审" in suspended[0] and "恢复发放" in suspended[0] and NAME not in suspended[0]
    assert _audits("benefit.suspend") == 1
    assert reviews.state(_review(recipient), GRACE + timedelta(days=1)) == "missed"


def _months_on(month: date, recipient_id: int) -> list[date]:
    roll = rolls.build("nursing_allowance", month, None)
    lines = [line for line in rolls.lines_page(roll.id) if line.recipient_id == recipient_id]
    return [pm.month for pm in rolls.months_of(lines[0])] if lines else []


def _paid_roll(month: date, civil) -> PaymentRoll:
    roll = rolls.build("nursing_allowance", month, civil)
    return rolls.confirm(roll.id, civil, expected_version=roll.version)


def test_a_late_review_resumes_payment_with_the_months_in_between_on_the_next_roll(
        app, people, recipient, day):
    _paid_roll(date(2026, 5, 1), people["civil"])       # paid to May
    _send_as_beat(app)
    day["on"] = GRACE + timedelta(days=1)
    _send_as_beat(app)
    _db.session.refresh(recipient)
    assert recipient.stop_month == date(2026, 6, 1)
    _paid_roll(date(2026, 6, 1), people["civil"])       # June: not paid (suspended)
    day["on"] = date(2026, 7, 8)
    resumed = reviews.complete(_review(recipient), method="online", changes={},
                               actor=people["resident"])
    assert resumed
    _db.session.refresh(recipient)
    assert (recipient.status, recipient.stop_month) == ("paying", None)
    assert _months_on(date(2026, 7, 1), recipient.id) == [date(2026, 6, 1), date(2026, 7, 1)]
    assert "补发" in _texts(recipient)[-1]
    review = _review(recipient)
    assert (review.status, review.method, review.completed_on) == \
        ("done", "online", date(2026, 7, 8))
    assert _audits("benefit.review") == 1 and _audits("benefit.resume") == 1


def test_nothing_changed_confirms_what_was_known_and_makes_no_worklist_row(
        app, people, recipient, day):
    _send_as_beat(app)
    resumed = reviews.complete(_review(recipient), method="online", changes={},
                               actor=people["resident"])
    review = _review(recipient)
    assert not resumed and review.changes == {} and review.confirmed["street"] == "ganting"
    assert review.confirmed["needs_long_term_care"] is True
    assert _db.session.scalar(select(func.count()).select_from(Reevaluation)) == 0
    with pytest.raises(reviews.ReviewError):             # done once only
        reviews.complete(review, method="online", changes={}, actor=people["resident"])


def test_a_changed_fact_is_re_evaluated_onto_the_worklist_with_the_rules_reasons(
        app, people, recipient, day):
    _send_as_beat(app)
    reviews.complete(_review(recipient), method="online",
                     changes={"needs_long_term_care": False}, actor=people["resident"])
    row = _db.session.scalar(select(Reevaluation))
    assert (row.recipient_id, row.cause, row.cause_id, row.result, row.status, row.as_of) == \
        (recipient.id, "review", _review(recipient).id, "ineligible", "open", OPENS)
    assert row.reasons and all(r["text"]["zh"] and r["citation"]["zh"] for r in row.reasons)
    assert any("护理" in r["text"]["zh"] or "照护" in r["text"]["zh"] for r in row.reasons)
    _db.session.refresh(recipient)
    assert recipient.status == "paying"                   # staff decide, not the engine
    assert _audits("benefit.reevaluate") == 1


def test_reevaluation_never_changes_the_recipient(app, people, recipient):
    lifecycle.suspend(recipient, "hospital_stay", date(2026, 5, 1), people["civil"])
    _db.session.refresh(recipient)
    before = (recipient.status, recipient.status_reason, recipient.stop_month,
              recipient.version, len(recipient.events))
    review = Review(recipient_id=recipient.id, year=2026, opens_on=OPENS, due_on=DUE,
                    grace_until=GRACE, status="done", completed_on=OPENS,
                    changes={"household": "tekun"})
    _db.session.add(review)
    _db.session.commit()
    row = reevaluation.reevaluate(recipient, on=OPENS, cause="change", cause_id=7)
    again = reevaluation.reevaluate(recipient, on=OPENS, cause="change", cause_id=7)
    _db.session.commit()
    assert row is not None and again.id == row.id        # one open row per cause
    _db.session.refresh(recipient)
    assert (recipient.status, recipient.status_reason, recipient.stop_month,
            recipient.version, len(recipient.events)) == before


def test_a_recipient_enrolled_during_the_window_is_reviewed_next_year(app, people, day):
    late = paying(people["resident"], people["civil"], submitted=ENROLLED, name="李四")
    late.created_at = datetime(2026, 3, 5, tzinfo=timezone.utc)
    _db.session.commit()
    day["on"] = date(2026, 3, 6)
    reviews.review_check()
    assert _review(late) is None


def test_the_schedule_names_the_job_and_its_time(app):
    assert app.extensions["celery"].conf.beat_schedule["review-check"]["schedule"].hour \
        == {7}


def test_the_demo_has_an_overdue_review_and_a_reevaluation_row(app, db):
    from portal.cli import demo_content as demo

    demo.seed()
    demo.seed()
    found = _db.session.scalars(select(Review)).all()
    assert len(found) == 1 and reviews.state(found[0], date.today()) == "overdue"
    rows = _db.session.scalars(select(Reevaluation)).all()
    assert len(rows) == 1 and rows[0].reasons


def test_a_review_done_is_a_service_the_person_may_rate(app, people, recipient, day):
    from portal.ratings import service_events

    _send_as_beat(app)
    review = _review(recipient)
    assert service_events.load("review", review.id) is None          # not done yet
    reviews.complete(review, method="online", changes={}, actor=people["resident"])
    event = service_events.load("review", review.id)
    assert event is not None and event.office_role == "street_officer"
    assert event.street == "ganting" and event.programme == recipient.programme
    assert event.may_rate(people["resident"])
    assert [e.kind for e in service_events.of_application(recipient.application)
            if e.kind == "review"] == ["review"]
