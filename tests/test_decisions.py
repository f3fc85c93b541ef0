"""Decisions record something structured (issue 14): the street check records its visit, the
approval its amount (from the programme's dated rates, within the rules) and first month paid;
the resident sees them on the timeline, staff on the case page."""
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.applications import decisions, working_days
from portal.applications import status_changes as sc
from portal.applications.models import Application, StatusEvent
from portal.audit.models import AuditEvent
from tests.support.staff import decision_details, make_application, make_link
from tests.support.accounts import make_account, sign_in
from tests.support.pages import text


def _token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def act(client, application, action, **data):
    path = f"/staff/applications/{application.reference}/actions/{action}"
    return client.post(path, data={"csrf_token": _token(client, path),
                                   "version": str(application.version), **data})


TODAY = decisions.local_today()


# ── the street check ──────────────────────────────────────────────────────────────────────

def test_the_street_check_cannot_be_sent_empty(app, db):
    officer = make_account("street_officer")
    application = make_application(make_account("resident"), status="accepted")
    with app.test_client() as staff:
        sign_in(staff, officer)
        response = act(staff, application, "street_check", checked_by="  ", findings="\n ")
        assert response.status_code == 200
        page = text(response)
        for error in ("请填写核查的日期", "请选择核查方式", "请填写核查人的姓名",
                      "请写明核查中看到、了解到的情况"):
            assert error in page, error
    db.session.refresh(application)
    assert application.status == "accepted"
    with pytest.raises(sc.DetailsRequired):
        sc.apply_action(application, "street_check", officer)


@pytest.mark.parametrize("day, error", [
    (TODAY + timedelta(days=1), "核查日期不能晚于今天"),
    (TODAY - timedelta(days=30), "核查日期不能早于申请提交的日期"),
])
def test_the_date_of_the_check_is_not_in_the_future_nor_before_submission(app, db, day, error):
    officer = make_account("street_officer")
    application = make_application(make_account("resident"), status="accepted")
    with app.test_client() as staff:
        sign_in(staff, officer)
        response = act(staff, application, "street_check", checked_on=day.isoformat(),
                       method="home_visit", checked_by="王芳", findings="见到本人。")
        assert error in text(response)
    details = decisions.street_check_details(day, "home_visit", "王芳", "见到本人。")
    with pytest.raises(sc.DetailsRequired):
        sc.apply_action(application, "street_check", officer, details=details)


def test_a_complete_street_check_is_recorded_and_shown_to_staff(app, db):
    officer = make_account("street_officer")
    application = make_application(make_account("resident"), status="accepted")
    with app.test_client() as staff:
        sign_in(staff, officer)
        response = act(staff, application, "street_check", checked_on=TODAY.isoformat(),
                       method="home_visit", checked_by="王芳、李强",
                       findings="见到本人，核对了身份证和残疾人证原件，居住情况与申请一致。")
        assert response.status_code == 303
        page = text(staff.get(f"/staff/applications/{application.reference}"))
        assert "核查方式 入户走访" in page and "核查人 王芳、李强" in page
        assert "核对了身份证和残疾人证原件" in page
    event = db.session.scalar(select(StatusEvent).where(
        StatusEvent.to_status == "street_checked"))
    assert event.details == {"kind": "street_check", "checked_on": TODAY.isoformat(),
                             "method": "home_visit", "checked_by": "王芳、李强",
                             "findings": "见到本人，核对了身份证和残疾人证原件，居住情况与申请一致。"}


# ── the rates ─────────────────────────────────────────────────────────────────────────────

def test_rates_come_from_the_dated_programme_data_for_the_persons_case():
    before = date(2020, 6, 1)    # the Shaanxi 2016 rates were the ones in force then
    grade_one = decisions.rates_for_case("nursing_allowance", {"disability_grade": 1}, before)
    assert [(r.id, r.value) for r in grade_one] == [("grade_1", 120)]
    assert str(grade_one[0].source) == "陕政发〔2016〕2号"
    adult = decisions.rates_for_case("living_allowance", {"age": 40}, before)
    assert [(r.id, r.value) for r in adult] == [("from_18", 60)]
    unknown_age = decisions.rates_for_case("living_allowance", {}, before)
    assert {r.id for r in unknown_age} == {"under_18", "from_18"}
    rule = decisions.amount_rule("nursing_allowance", grade_one[0], before)
    assert (rule.fixed, rule.typed) == (Decimal("120"), False)
    assert decisions.amount_problem(rule, Decimal("130"), None) == "fixed"
    assert decisions.amount_problem(rule, Decimal("120"), None) is None


def test_a_rate_not_known_in_the_data_is_typed_with_its_source_and_never_below_the_base():
    on = date(2026, 12, 4)       # since 2021 the data says 以区民政局/区残联最新公布为准
    [rate] = decisions.rates_for_case("nursing_allowance", {"disability_grade": 2}, on)
    rule = decisions.amount_rule("nursing_allowance", rate, on)
    assert rule.typed and rule.floor == Decimal("80")
    assert str(rule.floor_entry.source) == "陕政发〔2016〕2号"
    assert decisions.amount_problem(rule, Decimal("70"), "鄠民发〔2025〕3号") == "floor"
    assert decisions.amount_problem(rule, Decimal("95"), "  ") == "source"
    assert decisions.amount_problem(rule, Decimal("95.555"), "x") == "range"
    assert decisions.amount_problem(rule, Decimal("0"), "x") == "range"
    assert decisions.amount_problem(rule, Decimal("95.5"), "鄠民发〔2025〕3号") is None


def test_a_rate_given_as_up_to_is_a_ceiling():
    [rate] = decisions.rates_for_case("child_rehab", {}, date(2026, 12, 4))
    rule = decisions.amount_rule("child_rehab", rate, date(2026, 12, 4))
    assert rule.ceiling == Decimal("31000")
    assert decisions.amount_problem(rule, Decimal("31001"), None) == "ceiling"
    assert decisions.amount_problem(rule, Decimal("12000"), None) is None


def test_programmes_that_pay_no_money():
    assert not decisions.pays_money("culture_at_home")      # no amounts
    assert not decisions.pays_money("legal_aid")            # free: an amount of 0
    assert decisions.pays_money("living_allowance")


def test_the_first_month_runs_from_the_month_of_application_to_the_month_after_approval():
    submitted = datetime(2026, 10, 20, 2, tzinfo=timezone.utc)
    assert decisions.allowed_months(submitted, date(2026, 12, 4)) == [
        "2026-10", "2026-11", "2026-12", "2027-01"]
    # submitted late on 31 October UTC: 1 November in the district – its month counts
    late = datetime(2026, 10, 31, 17, tzinfo=timezone.utc)
    assert decisions.allowed_months(late, date(2026, 11, 2))[0] == "2026-11"


# ── approving ─────────────────────────────────────────────────────────────────────────────

@pytest.fixture()
def reviewed(db):
    """A grade 1 person's nursing allowance, reviewed, submitted last month; 区民政 decides."""
    resident = make_account("resident")
    application = make_application(resident, programme="nursing_allowance",
                                   status="district_reviewed")
    application.submitted_at = datetime.now(timezone.utc) - timedelta(days=35)
    db.session.commit()
    return resident, application, make_account("civil_affairs")


def _month(moment) -> str:
    local = working_days.local_date(moment)
    return f"{local.year:04d}-{local.month:02d}"


def test_approval_needs_an_amount_within_the_rules_and_a_month_in_range(app, db, reviewed):
    _resident, application, civil = reviewed
    start = _month(application.submitted_at)
    with app.test_client() as staff:
        sign_in(staff, civil)
        form = text(staff.get(f"/staff/applications/{application.reference}/actions/approve"))
        assert "一级残疾人" in form and "二级残疾人" not in form     # the person's case only
        assert "不能低于120元（陕政发〔2016〕2号）" in form
        response = act(staff, application, "approve", rate="grade_1", amount="",
                       first_month=start)
        assert "请填写发放金额" in text(response)
        response = act(staff, application, "approve", rate="grade_1", amount="100",
                       rate_source="鄠民发〔2025〕3号", first_month=start)
        assert "发放金额不能低于120元" in text(response)
        response = act(staff, application, "approve", rate="grade_1", amount="150",
                       first_month=start)
        assert "请写明依据的文件名称和文号" in text(response)
        response = act(staff, application, "approve", rate="grade_2", amount="150",
                       rate_source="鄠民发〔2025〕3号", first_month=start)
        assert "请从列出的标准中选择一项" in text(response)
        before = datetime.now(timezone.utc) - timedelta(days=120)
        for month in (_month(before), "2099-01"):
            response = act(staff, application, "approve", rate="grade_1", amount="150",
                           rate_source="鄠民发〔2025〕3号", first_month=month)
            assert "发放月份不能早于申请的月份，也不能晚于下个月" in text(response)
    db.session.refresh(application)
    assert application.status == "district_reviewed"
    with pytest.raises(sc.DetailsRequired):
        sc.apply_action(application, "approve", civil)


def test_the_approval_is_recorded_and_shown_on_both_timelines(app, db, reviewed):
    resident, application, civil = reviewed
    start = _month(application.submitted_at)
    with app.test_client() as staff:
        sign_in(staff, civil)
        response = act(staff, application, "approve", rate="grade_1", amount="150",
                       rate_source="鄠民发〔2025〕3号", first_month=start)
        assert response.status_code == 303
        page = text(staff.get(f"/staff/applications/{application.reference}"))
        assert "发放金额 150 元/月" in page and "标准的依据 鄠民发〔2025〕3号" in page
    event = db.session.scalar(select(StatusEvent).where(StatusEvent.to_status == "approved"))
    assert event.details["amount"] == "150" and event.details["first_month"] == start
    assert event.details["rate"] == "grade_1"
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "application.approve"))
    assert audit.detail["amount"] == "150" and audit.detail["first_month"] == start
    year, month = (int(part) for part in start.split("-"))
    with app.test_client() as own:
        sign_in(own, resident)
        page = text(own.get(f"/status/applications/{application.reference}/"))
        assert "发放金额 150 元/月" in page
        assert f"从哪个月开始发放 {year}年{month}月" in page
        assert "核查人" not in page


def test_a_known_rate_is_the_amount_paid(app, db, reviewed, monkeypatch):
    """On a date when the data gives the rate (2020: 120 元/月 for grade 1), it is the amount."""
    _resident, application, civil = reviewed
    on = date(2020, 6, 1)
    application.submitted_at = datetime(2020, 5, 10, 2, tzinfo=timezone.utc)
    db.session.commit()
    monkeypatch.setattr(decisions, "local_today", lambda now=None: on)
    from portal.applications.casefile import facts_for

    facts = facts_for(application)
    [rate] = decisions.rates_for_case("nursing_allowance", facts, on)
    rule = decisions.amount_rule("nursing_allowance", rate, on)
    wrong = decisions.approval_details("nursing_allowance", rule, Decimal("130"), None,
                                       "2020-05", on)
    with pytest.raises(sc.DetailsRequired):
        sc.apply_action(application, "approve", civil, details=wrong)
    right = decisions.approval_details("nursing_allowance", rule, Decimal("120"), None,
                                       "2020-05", on)
    sc.apply_action(application, "approve", civil, details=right)
    assert right["source"] == {"zh": "陕政发〔2016〕2号", "en": "Shaanzhengfa [2016] No. 2"}
    assert right["since"] == "2016-01-01"


def test_a_programme_that_pays_no_money_asks_for_no_amount(app, db):
    application = make_application(make_account("resident"), programme="culture_at_home",
                                   status="district_reviewed")
    district = make_account("district_reviewer")
    with app.test_client() as staff:
        sign_in(staff, district)
        form = staff.get(f"/staff/applications/{application.reference}/actions/approve")
        assert form.status_code == 200
        assert 'name="amount"' not in form.get_data(as_text=True)
        assert act(staff, application, "approve").status_code == 303
    db.session.refresh(application)
    assert application.status == "approved"
