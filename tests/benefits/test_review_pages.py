"""The yearly review's pages: the resident's (prefilled; "nothing changed"; only the changed
fact asked), the street officer's visit, the worklists – each reached only by who may (a
stranger, another street: 404) and every staff view audited."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.benefits import lifecycle, reviews
from portal.benefits.models import Reevaluation, Review
from portal.extensions import db as _db
from tests.benefits.helpers import CARD, paying
from tests.conftest import csrf_token
from tests.support.accounts import make_account, sign_in

ENROLLED = datetime(2025, 10, 10, 2, 0, tzinfo=timezone.utc)
OPENS = date(2026, 3, 1)


@pytest.fixture()
def world(db, monkeypatch):
    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 3, 2))
    resident = make_account("resident")
    civil = make_account("civil_affairs")
    recipient = paying(resident, civil, submitted=ENROLLED, name="王秀兰")
    recipient.created_at = ENROLLED
    recipient.application.answers = {**recipient.application.answers,
                                      "questions": {"needs_long_term_care": True}}
    other = paying(resident, civil, submitted=ENROLLED, name="李四", street="yuxia")
    other.created_at = ENROLLED
    _db.session.commit()
    reviews.review_check(date(2026, 3, 2))
    review = _db.session.scalar(select(Review).where(Review.recipient_id == recipient.id))
    return {"resident": resident, "civil": civil, "recipient": recipient, "review": review,
            "other": other, "officer": make_account("street_officer"),
            "yuxia_officer": make_account("street_officer", street="yuxia")}


def _audits(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def _post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_the_resident_confirms_nothing_changed_from_the_prefilled_facts(client, world):
    sign_in(client, world["resident"])
    base = f"/status/reviews/{world['review'].id}/"
    application = world["recipient"].application
    status_page = client.get(f"/status/applications/{application.reference}/")
    assert base in status_page.get_data(as_text=True)       # the status page leads there
    page = client.get(base).get_data(as_text=True)
    assert "甘亭街道" in page and "尾号" + CARD[-4:] in page and CARD not in page
    assert "2026年4月30日" in page
    answered = _post(client, base, {"changed": "no"})
    assert answered.status_code == 303 and answered.location.endswith("/check")
    check = client.get(answered.location).get_data(as_text=True)
    assert "没有变化：甘亭街道" in check and "<strong>有变化：" not in check
    done = _post(client, answered.location, {})
    assert done.status_code == 303 and application.reference in done.location
    review = _db.session.get(Review, world["review"].id)
    assert (review.status, review.method, review.changes) == ("done", "online", {})
    assert "年审已完成" in client.get(done.location).get_data(as_text=True)


def test_only_the_changed_fact_is_asked_and_a_change_goes_to_the_worklist(client, world):
    sign_in(client, world["resident"])
    base = f"/status/reviews/{world['review'].id}/"
    _post(client, base, {"changed": "yes"})
    refused = _post(client, base + "changes", {})
    assert refused.status_code == 422 and "请至少选择一项" in refused.get_data(as_text=True)
    chosen = _post(client, base + "changes", {"which": "needs_long_term_care"})
    assert chosen.location.endswith("/details")
    details = client.get(base + "details").get_data(as_text=True)
    assert 'name="needs_long_term_care"' in details
    assert 'name="household"' not in details and 'name="street"' not in details
    missing = _post(client, base + "details", {})
    assert missing.status_code == 422
    answered = _post(client, base + "details", {"needs_long_term_care": "no"})
    assert answered.location.endswith("/check")
    assert "<strong>有变化：" in client.get(base + "check").get_data(as_text=True)
    _post(client, base + "check", {})
    row = _db.session.scalar(select(Reevaluation))
    assert row is not None and row.cause == "review" and row.reasons
    assert world["recipient"].status == "paying"


def test_the_street_officer_records_a_visit_and_sees_only_their_street(client, world):
    sign_in(client, world["officer"], fresh=True)
    listing = client.get("/staff/reviews/").get_data(as_text=True)
    assert "王秀兰" in listing and "李四" not in listing
    path = f"/staff/reviews/{world['review'].id}"
    page = client.get(path).get_data(as_text=True)
    assert "登记上门核实" in page
    bad = _post(client, path, {"visited_on": "2026-02-30", "card": "same"})
    assert bad.status_code == 422 and "这个日期不存在" in bad.get_data(as_text=True)
    done = _post(client, path, {
        "visited_on": "2026-03-02", "hukou": "huyi", "street": "ganting", "household": "none",
        "employment": "retired", "needs_long_term_care": "yes",
        "certificate_valid_until": "2030-01-01", "card": "same", "note": "本人在家，情况属实。"})
    assert done.status_code == 303
    review = _db.session.get(Review, world["review"].id)
    assert (review.status, review.method, review.visited_on) == \
        ("done", "visit", date(2026, 3, 2))
    assert review.completed_by_account_id == world["officer"].id
    assert _audits("review.list") == 1 and _audits("review.view") >= 1
    assert _audits("benefit.review") == 1


def test_civil_affairs_see_every_street_and_filter_by_one(client, world):
    sign_in(client, world["civil"], fresh=True)
    both = client.get("/staff/reviews/").get_data(as_text=True)
    assert "王秀兰" in both and "李四" in both
    yuxia = client.get("/staff/reviews/?street=yuxia").get_data(as_text=True)
    assert "李四" in yuxia and "王秀兰" not in yuxia
    recipient_page = client.get(f"/staff/payments/recipients/{world['recipient'].id}")
    assert f"/staff/reviews/{world['review'].id}" in recipient_page.get_data(as_text=True)


def test_overdue_reviews_are_said_in_words(client, world, monkeypatch):
    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 5, 10))
    sign_in(client, world["officer"], fresh=True)
    page = client.get("/staff/reviews/").get_data(as_text=True)
    assert "已逾期，尚未年审" in page and "逾期10天" in page


def test_the_reevaluation_worklist_shows_reasons_and_staff_dismiss_with_a_note(client, world):
    reviews.complete(world["review"], method="online",
                     changes={"needs_long_term_care": False}, actor=world["resident"])
    row = _db.session.scalar(select(Reevaluation))
    sign_in(client, world["officer"], fresh=True)
    assert "王秀兰" in client.get("/staff/reviews/reevaluations").get_data(as_text=True)
    path = f"/staff/reviews/reevaluations/{row.id}"
    page = client.get(path).get_data(as_text=True)
    assert "依据" in page and row.reasons[0]["text"]["zh"] in page
    refused = _post(client, path, {"note": ""})
    assert refused.status_code == 422
    done = _post(client, path, {"note": "已核实，仍需长期照护。"})
    assert done.status_code == 303
    _db.session.refresh(row)
    assert (row.status, row.decided_by_account_id) == ("dismissed", world["officer"].id)
    assert _audits("reevaluation.list") == 1 and _audits("reevaluation.view") >= 1
    assert _audits("reevaluation.dismiss") == 1
    _db.session.refresh(world["recipient"])
    assert world["recipient"].status == "paying"


def test_strangers_and_other_streets_get_not_found_for_every_new_route(client, world):
    reviews.complete(world["review"], method="online",
                     changes={"needs_long_term_care": False}, actor=world["resident"])
    other_review = _db.session.scalar(select(Review).where(
        Review.recipient_id == world["other"].id))
    row = _db.session.scalar(select(Reevaluation))
    stranger = make_account("resident")
    sign_in(client, stranger)
    for suffix in ("", "changes", "details", "check"):
        path = f"/status/reviews/{other_review.id}/{suffix}"
        assert client.get(path).status_code == 404
        assert client.post(path, data={"changed": "no"}).status_code in (400, 404)
    assert client.get("/status/reviews/99999/").status_code == 404
    sign_in(client, world["yuxia_officer"], fresh=True)
    assert client.get(f"/staff/reviews/{world['review'].id}").status_code == 404
    assert client.get(f"/staff/reviews/reevaluations/{row.id}").status_code == 404
    assert client.get(f"/staff/reviews/{other_review.id}").status_code == 200
    assert "王秀兰" not in client.get("/staff/reviews/").get_data(as_text=True)
    assert "王秀兰" not in client.get("/staff/reviews/reevaluations").get_data(as_text=True)
    reviewer = make_account("district_reviewer")
    sign_in(client, reviewer, fresh=True)
    assert client.get("/staff/reviews/").status_code == 403


def test_a_visit_after_a_missed_review_resumes_with_the_months_in_between(client, world,
                                                                         monkeypatch):
    from portal.benefits import rolls

    recipient = world["recipient"]
    reviews.review_check(date(2026, 5, 31))              # the grace period is over
    _db.session.refresh(recipient)
    assert (recipient.status, recipient.stop_month) == ("suspended", date(2026, 6, 1))
    monkeypatch.setattr(lifecycle, "today", lambda: date(2026, 7, 3))
    sign_in(client, world["officer"], fresh=True)
    path = f"/staff/reviews/{world['review'].id}"
    assert "逾期未年审，已暂停发放" in client.get(path).get_data(as_text=True)
    done = _post(client, path, {
        "visited_on": "2026-07-02", "hukou": "huyi", "street": "ganting", "household": "none",
        "employment": "retired", "needs_long_term_care": "yes",
        "certificate_valid_until": "2030-01-01", "card": "same"})
    assert done.status_code == 303
    _db.session.refresh(recipient)
    assert (recipient.status, recipient.stop_month) == ("paying", None)
    roll = rolls.build("nursing_allowance", date(2026, 7, 1), None)
    months = [pm.month for line in rolls.lines_page(roll.id)
              if line.recipient_id == recipient.id for pm in rolls.months_of(line)]
    assert date(2026, 6, 1) in months and date(2026, 7, 1) in months
