"""The public notice (公示) and the plan indicators page."""
import re
from datetime import datetime, timedelta, timezone

import html5lib
import pytest
from sqlalchemy import update

from portal.applications import status_changes, status_machine
from portal.applications.models import Application
from portal.content import indicators
from portal.extensions import db as _db
from tests.support.staff import decision_details, make_application, make_person
from tests.support.accounts import make_account


@pytest.fixture()
def resident(db):
    return make_account("resident")


def _published(resident, name, programme="nursing_allowance", street="ganting", days_ago=1):
    person, id_number = make_person(name=name, street=street)
    application = make_application(resident, programme=programme, status="public_notice",
                                   street=street, person=person)
    _db.session.execute(update(Application).where(Application.id == application.id).values(
        status_changed_at=datetime.now(timezone.utc) - timedelta(days=days_ago)))
    _db.session.commit()
    return id_number


def test_the_notice_lists_recipients_by_street_with_masked_names_only(client, resident):
    id_number = _published(resident, "王秀兰")
    _published(resident, "张建国", programme="living_allowance", street="yuxia")
    _published(resident, "马玉芳", programme="assistive_devices")        # not a 两项补贴
    _published(resident, "杜小龙", days_ago=status_machine.public_notice_days() + 1)  # over
    make_application(resident, status="approved", name="刘桂芝")         # not yet published
    html = client.get("/public-notice").get_data(as_text=True)
    assert "王*兰" in html and "张*国" in html
    for hidden in ("王秀兰", "张建国", "马*芳", "杜*龙", "刘*芝", id_number, id_number[-4:]):
        assert hidden not in html, hidden
    assert html.index("甘亭街道") < html.index("余下街道")  # streets in the configured order
    only_yuxia = client.get("/public-notice?street=yuxia").get_data(as_text=True)
    assert "张*国" in only_yuxia and "王*兰" not in only_yuxia
    assert "目前没有正在公示的名单" in client.get("/public-notice?street=zuan").get_data(
        as_text=True)
    assert client.get("/public-notice?street=<nonsense>").status_code == 200


def test_payment_waits_until_the_notice_period_is_over(db, resident):
    decider = make_account("civil_affairs")
    application = make_application(resident, status="public_notice")
    assert status_changes.available_actions(application, decider) == []
    later = datetime.now(timezone.utc) + timedelta(days=status_machine.public_notice_days())
    assert [a.code for a in status_changes.available_actions(application, decider, now=later)] \
        == ["start_payment"]


def test_indicator_data_matches_the_plan():
    found = {i.number: i for i in indicators.indicators()}
    assert sorted(found) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]
    assert (found[2].baseline.value, found[2].target.value, found[2].target.qualifier) == (
        98.37, 98.5, "≥")
    assert found[4].unit == "people" and found[4].target.display("people", "zh") == ">500"
    assert found[1].target.value is None and "同步" in found[1].target.text.zh
    assert found[14].binding and not found[12].binding
    assert found[9].baseline.display("percent", "en") == ">96%"


def test_the_indicators_page_counts_the_portals_own_applications(client, resident):
    officer = make_account("street_officer")
    district = make_account("district_reviewer")
    civil = make_account("civil_affairs")
    for i in range(3):
        make_application(resident, programme="living_allowance", name=f"生活{i}")
    approved = make_application(resident, programme="living_allowance",
                                status="district_reviewed", name="批准甲")
    status_changes.apply_action(approved, "approve", civil,
                                details=decision_details(approved, "approve"))
    make_application(resident, programme="vocational_training", status="district_reviewed",
                     name="培训甲")
    assert officer and district
    year = datetime.now(timezone.utc).year
    counts = indicators.portal_counts(year)
    assert (counts[6].received, counts[6].approved) == (4, 1)
    assert (counts[4].received, counts[4].approved) == (1, 0)
    assert counts[7] == indicators.PortalCount(0, 0)
    assert indicators.portal_counts(year - 5)[6] == indicators.PortalCount(0, 0)
    html = client.get("/indicators").get_data(as_text=True)
    assert "收到4件，批准1件" in html
    assert "98.37%" in html and "≥98.5%" in html and "与全区生产总值增长同步" in html


def test_the_charts_are_named_images_with_their_numbers_in_tables(client, db):
    html = client.get("/indicators").get_data(as_text=True)
    document = html5lib.parse(html, namespaceHTMLElements=False)
    charts = [svg for svg in document.iter("{http://www.w3.org/2000/svg}svg")
              if svg.get("role") == "img"]
    assert len(charts) == 3
    ids = {el.get("id") for el in document.iter() if el.get("id")}
    for chart in charts:
        labelled = chart.get("aria-labelledby").split()
        assert len(labelled) == 2 and set(labelled) <= ids
        title = chart.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.get("id") == labelled[0]
    # The four of the plan's indicators, and the recipients per allowance (the money paid per
    # month only once something is paid: tests/test_indicators_payments.py).
    assert html.count("<table") == 5
    assert ' style="' not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    # Every bar says in words what it is (no colour-only meaning).
    assert re.search(r'<text class="chart__value"[^>]*>2021年：98.37%</text>', html)
    assert re.search(r'<text class="chart__value"[^>]*>2025年：≥98.5%</text>', html)


def test_the_indicators_page_in_english(english_client, db):
    html = english_client.get("/indicators").get_data(as_text=True)
    assert "Plan indicators" in html and "Newborn hearing screening rate" in html
