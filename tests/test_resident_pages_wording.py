"""Pages that said something no longer true (issue #14): the task list once every part is done,
the consent page's approving body, the indicators page after the plan period, and dates and
times written as people write them."""
from datetime import date, datetime, timezone

import pytest

from portal import dates
from portal.applications import status_machine
from portal.indicators import routes as indicator_routes
from tests.support.apply import fill_all, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in

# ── the task list ─────────────────────────────────────────────────────────────────────────

def test_the_task_list_stops_saying_wait_once_every_part_is_done(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    html = client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    assert "“检查并提交申请”要在前面各项都完成后才能开始。" in html
    fill_all(client, draft_id)
    html = client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    assert "要在前面各项都完成后" not in html
    assert "前面各项都已完成，现在可以检查并提交申请。" in html


# ── the consent page ──────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("programme, body", [
    ("nursing_allowance", "鄠邑区民政局"), ("living_allowance", "鄠邑区民政局"),
    ("assistive_devices", "鄠邑区残疾人联合会")])
def test_the_consent_page_names_the_body_that_approves(client, db, programme, body):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client, programme)
    html = client.get(f"/apply/drafts/{draft_id}/consent").get_data(as_text=True)
    assert f"负责审批的单位{body}的工作人员" in html
    assert "负责审批的单位：户籍所在地街道办事处" not in html
    assert status_machine.decider_body(programme) == body


# ── the indicators page ───────────────────────────────────────────────────────────────────

def test_during_the_plan_the_indicators_are_targets(client, db, monkeypatch):
    monkeypatch.setattr(indicator_routes, "today", lambda: date(2024, 6, 1))
    html = client.get("/indicators").get_data(as_text=True)
    assert "到2025年要达到的目标" in html and "已经结束" not in html
    assert "最终完成情况" not in html


def test_after_the_plan_period_the_page_says_it_ended(client, db, monkeypatch):
    monkeypatch.setattr(indicator_routes, "today", lambda: date(2026, 12, 4))
    html = client.get("/indicators").get_data(as_text=True)
    assert "到2025年要达到的目标" not in html
    assert "规划期是2021年至2025年，已经结束" in html
    assert '<th scope="col">最终完成情况</th>' in html
    # No final figure has been published (none in the policy sources): never made up.
    assert "尚未公布" in html and "区里还没有公布各项指标的最终完成情况" in html


def test_the_page_follows_today_s_date(client, db):
    html = client.get("/indicators").get_data(as_text=True)
    ended = indicator_routes.today().year > 2025
    assert ("已经结束" in html) == ended


# ── dates and times ───────────────────────────────────────────────────────────────────────

MOMENT = datetime(2026, 12, 4, 1, 10, 5, tzinfo=timezone.utc)   # 09:10:05 in Huyi


def test_dates_and_times_as_people_write_them(app):
    with app.test_request_context():
        assert dates.date_time_text(MOMENT) == "2026年12月4日 09:10"
        assert dates.date_text(MOMENT) == "2026年12月4日"
        assert dates.time_text(MOMENT) == "09:10"
        assert dates.date_text(date(2026, 12, 4)) == "2026年12月4日"
        assert dates.date_time_text(MOMENT.replace(tzinfo=None)) == "2026年12月4日 09:10"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert dates.date_time_text(MOMENT) == "4 December 2026, 09:10"
        assert dates.date_text(date(2026, 12, 4)) == "4 December 2026"


def test_the_receipt_shows_the_time_without_zone_or_seconds(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    receipt = response.location.rstrip("/") + "/receipt"
    html = client.get(receipt).get_data(as_text=True)
    import re
    shown = re.search(r"提交时间</dt><dd[^>]*>([^<]+)</dd>", html).group(1)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", shown), shown
    assert "+0800" not in html
