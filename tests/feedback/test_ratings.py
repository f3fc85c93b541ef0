"""好差评 (issue 20): a decision rated on the portal and through its text's link, one rating per
service event, changeable for a while, never by staff; a 差评 through its follow-up to the
rater's second rating; the overdue view; the public figures without anyone's data."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from portal.applications import status_changes
from portal.applications.models import StatusEvent
from portal.messages import sms
from portal.messages.models import OutboxMessage
from portal.ratings import follow_ups, ratings, service_events
from portal.ratings.models import FollowUp, Rating, RatingInvitation
from tests.support.accounts import make_account, sign_in, submit
from tests.support.pages import main_text
from tests.support.status import family

REFUSAL = "经核实不符合条件，具体原因请见告知书。"


def _decided(db, status="district_reviewed"):
    """A family whose 护理补贴 application 区民政 has just refused (a decision)."""
    f = family(status=status)
    decider = make_account("civil_affairs", phone="13800000077", name="民政审批员")
    status_changes.apply_action(f.application, "reject", decider, message=REFUSAL)
    event = db.session.scalars(select(StatusEvent).where(
        StatusEvent.application_id == f.application.id, StatusEvent.to_status == "rejected")).one()
    return f, decider, event


def _link_token(phone: str) -> str:
    bodies = [sms.readable_text(m) for m in db_messages(phone)]
    found = [re.search(r"/rate/t/([A-Za-z0-9_-]+)", body) for body in bodies]
    tokens = [m.group(1) for m in found if m]
    assert len(tokens) == 1, bodies
    return tokens[0]


def db_messages(phone):
    from portal.extensions import db

    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == phone)
                                   .order_by(OutboxMessage.id)))


def _rate(client, path, **data):
    return submit(client, path, data)


# ── on the portal ─────────────────────────────────────────────────────────────────────────

def test_a_decision_is_rated_on_the_status_page_once_and_can_be_changed(client, db):
    f, _decider, event = _decided(db)
    sign_in(client, f.daughter)
    page = client.get(f"/status/applications/{f.application.reference}/")
    assert "评价服务（好差评）" in main_text(page)
    path = f"/rate/decision/{event.id}"
    assert path in page.get_data(as_text=True)

    response = _rate(client, path, level="5", comment="办得很快")
    assert response.status_code == 303
    response = _rate(client, path, level="4")
    assert response.status_code == 303

    rows = db.session.scalars(select(Rating).where(Rating.event_kind == "decision")).all()
    assert [r.revision for r in rows] == [1, 2]            # a change is a new revision
    assert ratings.current("decision", event.id).level == 4
    assert rows[0].office_role == "civil_affairs" and rows[0].programme == "nursing_allowance"
    # one rating per event: the figures count the event once
    from portal.ratings import figures
    assert sum(row.total for row in figures.per_programme()) == 1


def test_rating_is_never_required_and_strangers_get_404(client, db):
    f, decider, event = _decided(db)
    sign_in(client, f.stranger)
    assert client.get(f"/rate/decision/{event.id}").status_code == 404
    assert client.get("/rate/decision/999999").status_code == 404
    # a status event that is no decision is not a service event of that kind
    submitted = f.application.events[0]
    sign_in(client, f.daughter)
    assert client.get(f"/rate/decision/{submitted.id}").status_code == 404
    # the guardian (proven link) may rate; the son (nothing) may not
    sign_in(client, f.son)
    assert client.get(f"/rate/decision/{event.id}").status_code == 404


def test_the_change_period_ends(client, db, app):
    f, _decider, event = _decided(db)
    found = service_events.load("decision", event.id)
    ratings.rate(found, f.daughter.id, 3)
    later = datetime.now(timezone.utc) + timedelta(days=app.config["RATING_CHANGE_DAYS"] + 1)
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate(found, f.daughter.id, 5, now=later)
    assert refused.value.reason == "change_closed"
    too_late = datetime.now(timezone.utc) + timedelta(days=app.config["RATING_OPEN_DAYS"] + 1)
    assert not ratings.standing(found, too_late).may_change


def test_the_two_lowest_levels_need_a_reason(client, db):
    f, _decider, event = _decided(db)
    sign_in(client, f.daughter)
    response = _rate(client, f"/rate/decision/{event.id}", level="1", comment="太慢")
    assert response.status_code == 200
    assert "请选择至少一个原因" in main_text(response)
    assert "太慢" in response.get_data(as_text=True)          # what was typed is kept
    assert db.session.scalar(select(Rating.id)) is None


# ── through the text's link ───────────────────────────────────────────────────────────────

def test_the_decision_text_carries_a_single_use_link_that_shows_nothing_personal(client, db):
    f, _decider, event = _decided(db)
    token = _link_token(f.daughter.phone)
    assert f.application.reference not in token
    stored = db.session.scalars(select(RatingInvitation)).one()
    assert stored.token_hash != token and len(token) >= 20    # kept as a digest only

    page = client.get(f"/rate/t/{token}")                    # not signed in
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for personal in ("王秀兰", "李梅", f.application.reference, f.daughter.phone, REFUSAL):
        assert personal not in html
    response = _rate(client, f"/rate/t/{token}", level="2", reasons=["slow"])
    assert response.status_code == 303 and response.headers["Location"].endswith("/rate/thanks")

    rating = ratings.current("decision", event.id)
    assert rating.channel == "link" and rating.rater_account_id == f.daughter.id
    assert client.get(f"/rate/t/{token}").status_code == 404          # used
    assert client.get("/rate/t/not-a-real-token").status_code == 404
    # a named 差评 through the link opens a follow-up, like one given signed in
    assert follow_ups.of_event("decision", event.id) is not None


# ── a 差评 through its follow-up ──────────────────────────────────────────────────────────

def test_a_poor_rating_goes_through_follow_up_to_the_raters_second_rating(client, db):
    f, decider, event = _decided(db)
    sign_in(client, f.daughter)
    _rate(client, f"/rate/decision/{event.id}", level="1", reasons=["attitude", "result"],
          comment="没人解释为什么不批准")
    follow_up = db.session.scalars(select(FollowUp)).one()
    assert follow_up.office_role == "civil_affairs" and follow_up.closed_at is None
    assert follow_up.due_at > follow_up.call_back_due_at > follow_up.opened_at

    # the street's officer does not handle a decision of 区民政
    sign_in(client, f.officer)
    assert client.get(f"/staff/follow-ups/{follow_up.id}").status_code == 404
    assert f"/staff/follow-ups/{follow_up.id}" not in client.get("/staff/follow-ups").get_data(
        as_text=True)

    sign_in(client, decider)
    listed = client.get("/staff/follow-ups").get_data(as_text=True)
    assert f"/staff/follow-ups/{follow_up.id}" in listed
    page = client.get(f"/staff/follow-ups/{follow_up.id}")
    assert "没人解释为什么不批准" in main_text(page) and f.daughter.phone in main_text(page)
    from portal.audit.models import AuditEvent
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "follow_up.view"))

    path = f"/staff/follow-ups/{follow_up.id}"
    # closing before the call-back is refused: the page offers no such form yet
    assert 'name="outcome"' not in client.get(path).get_data(as_text=True)
    with pytest.raises(follow_ups.FollowUpRefused):
        follow_ups.close(follow_up, decider, "explained", "x", "y")
    response = submit(client, path, {"step": "call_back", "method": "phone",
                                     "finding": "已电话联系，解释了原因。"})
    assert response.status_code == 303
    response = submit(client, path, {
        "step": "close", "outcome": "explained", "action_taken": "当面说明政策。",
        "message_to_rater": "不予批准是因为家庭收入超过标准，已电话向您说明。"})
    assert response.status_code == 303
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, follow_up.id)
    assert follow_up.closed_at is not None and follow_up.outcome == "explained"

    # the rater is told: a text with the outcome (not the staff's words) and a link
    told = sms.readable_text(db_messages(f.daughter.phone)[-1])
    assert "已作解释说明" in told and "/rate/t/" in told and "家庭收入" not in told
    # … and on their pages
    sign_in(client, f.daughter)
    mine = main_text(client.get("/rate/mine"))
    assert "已作解释说明" in mine and "家庭收入超过标准" in mine
    # the second rating: of the follow-up itself
    response = _rate(client, f"/rate/follow_up/{follow_up.id}", level="4")
    assert response.status_code == 303
    assert ratings.current("follow_up", follow_up.id).level == 4
    assert ratings.current("decision", event.id).level == 1      # the first one stands
    # nobody else may rate the follow-up
    sign_in(client, f.stranger)
    assert client.get(f"/rate/follow_up/{follow_up.id}").status_code == 404


def test_staff_can_neither_change_nor_delete_a_rating(client, db):
    f, _decider, event = _decided(db)
    rating = ratings.rate(service_events.load("decision", event.id), f.daughter.id, 5)
    rating.level = 1
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(Rating, rating.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":          # the database refuses too
        from sqlalchemy.exc import DBAPIError

        for statement in ("UPDATE rating SET level = 1", "DELETE FROM rating"):
            with pytest.raises(DBAPIError):
                with db.engine.begin() as connection:
                    connection.execute(text(statement))
    assert ratings.current("decision", event.id).level == 5
    # no staff page offers to change it
    assert not [rule for rule in client.application.url_map.iter_rules()
                if rule.rule.startswith("/staff") and "rating" in rule.rule]


# ── overdue ───────────────────────────────────────────────────────────────────────────────

def test_overdue_follow_ups_are_listed_for_the_admin(client, db):
    f, decider, event = _decided(db)
    ratings.rate(service_events.load("decision", event.id), f.daughter.id, 2, ["slow"])
    follow_up = db.session.scalars(select(FollowUp)).one()
    assert follow_ups.overdue() == []
    follow_up.due_at = datetime.now(timezone.utc) - timedelta(days=3)
    db.session.commit()
    assert follow_ups.overdue() == [follow_up]
    admin = make_account("admin", phone="13800000099")
    sign_in(client, admin)
    page = client.get("/staff/follow-ups/overdue")
    assert f"/staff/follow-ups/{follow_up.id}" in page.get_data(as_text=True)
    assert "已超期" in main_text(page)
    sign_in(client, decider)
    assert client.get("/staff/follow-ups/overdue").status_code == 403


# ── public figures ────────────────────────────────────────────────────────────────────────

def test_public_figures_carry_no_personal_data(client, db):
    f, decider, event = _decided(db)
    ratings.rate(service_events.load("decision", event.id), f.daughter.id, 1, ["attitude"],
                 "王秀兰的女儿李梅很不满意，电话13900000001")
    follow_up = db.session.scalars(select(FollowUp)).one()
    follow_ups.record_call_back(follow_up, decider, "phone", "已回访")
    follow_ups.close(follow_up, decider, "fixed", "已整改", "已整改")
    page = client.get("/indicators")
    html = page.get_data(as_text=True)
    for personal in ("王秀兰", "李梅", "13900000001", f.application.reference, "很不满意"):
        assert personal not in html
    body = main_text(page)
    assert "服务评价（好差评）" in body and "鄠邑区民政局" in body
    assert "按时办结的差评回访：1件，共1件（100%）。" in body
