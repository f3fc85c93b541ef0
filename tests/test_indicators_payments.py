"""The indicators page's payment figures: money the bank reported paid per month covered and
programme, and the recipients per programme – aggregates only, from the database."""
from __future__ import annotations

from datetime import date, datetime, timezone

import html5lib
import pytest

from portal.benefits import figures, rolls
from portal.benefits.models import PaymentLine
from portal.extensions import db as _db
from portal.indicators import routes
from tests.benefits.helpers import paying
from tests.support.accounts import make_account
from tests.support.page_check import text_of

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
JUNE = datetime(2026, 6, 2, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 7, 15)


@pytest.fixture()
def people(db, monkeypatch):
    monkeypatch.setattr(routes, "today", lambda: TODAY)
    return {"resident": make_account("resident"), "civil": make_account("civil_affairs")}


def _table(html: str, caption_id: str) -> tuple[list[str], dict[str, list[str]]]:
    """The table whose caption has this id: its column headings, and each row's cells by the
    row's heading."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    table = next(t for t in document.iter("table")
                 if t.find("caption") is not None and t.find("caption").get("id") == caption_id)
    headings = [text_of(th) for th in table.find("thead").iter("th")]
    rows = {}
    for tr in table.find("tbody").iter("tr"):
        cells = [text_of(cell) for cell in tr]
        rows[cells[0]] = cells[1:]
    return headings, rows


def _bank_result(roll, results: dict[int, str]) -> None:
    """The bank's file for the roll: recipient id → "paid" or "failed"."""
    lines = _db.session.query(PaymentLine).filter_by(roll_id=roll.id).all()
    body = "参考号,结果,原因\r\n" + "".join(
        f"{line.id},{results[line.recipient_id]},"
        f"{'账户已销户' if results[line.recipient_id] == 'failed' else ''}\r\n" for line in lines)
    rolls.import_bank_result(roll.id, body.encode(), make_account("civil_affairs"))


def _paid_rolls(people):
    """Nursing allowance: one recipient paid March–June on June's roll (4 × 150), one whose June
    (80) failed; living allowance: one recipient paid June (100), whose July is still with the
    bank."""
    resident, civil = people["resident"], people["civil"]
    paid = paying(resident, civil, submitted=MARCH, amount="150")
    failed = paying(resident, civil, submitted=JUNE, amount="80", band="grade_2", name="李四",
                    street="yuxia")
    living = paying(resident, civil, submitted=JUNE, programme="living_allowance",
                    band="from_18", amount="100", name="张建国")
    june = rolls.build("nursing_allowance", date(2026, 6, 1), civil)
    rolls.confirm(june.id, civil)
    _bank_result(june, {paid.id: "paid", failed.id: "failed"})
    living_june = rolls.build("living_allowance", date(2026, 6, 1), civil)
    rolls.confirm(living_june.id, civil)
    _bank_result(living_june, {living.id: "paid"})
    living_july = rolls.build("living_allowance", date(2026, 7, 1), civil)
    rolls.confirm(living_july.id, civil)                 # no bank result yet: not counted
    return paid, failed, living


def test_the_page_shows_the_money_paid_per_month_covered_and_programme(client, people):
    _paid_rolls(people)
    html = client.get("/indicators").get_data(as_text=True)
    headings, rows = _table(html, "paid-caption")
    assert headings == ["月份", "困难残疾人生活补贴", "重度残疾人护理补贴", "合计"]
    # The last 12 months up to today's, oldest first.
    assert list(rows) == [f"2025年{m}月" for m in range(8, 13)] + [
        f"2026年{m}月" for m in range(1, 8)]
    # Back months count in their own month; June's failed 80.00 and July (no result) do not.
    assert rows["2026年3月"] == ["0.00", "150.00", "150.00"]
    assert rows["2026年5月"] == ["0.00", "150.00", "150.00"]
    assert rows["2026年6月"] == ["100.00", "150.00", "250.00"]
    assert rows["2026年7月"] == ["0.00", "0.00", "0.00"]
    assert rows["2026年2月"] == ["0.00", "0.00", "0.00"]
    assert "银行已回复发放成功的金额" in html
    assert "近12个月还没有银行回复发放成功的补贴" not in html
    # No person's data: names of the recipients never appear.
    for name in ("王秀兰", "李四", "张建国"):
        assert name not in html


def test_the_page_counts_recipients_paying_and_suspended_per_programme(client, people):
    resident, civil = people["resident"], people["civil"]
    paying(resident, civil, submitted=MARCH)
    paying(resident, civil, submitted=MARCH, name="李四", street="yuxia")
    suspended = paying(resident, civil, submitted=MARCH, name="赵六")
    ended = paying(resident, civil, submitted=MARCH, name="钱七")
    paying(resident, civil, submitted=MARCH, programme="living_allowance", band="from_18",
           amount="100", name="张建国")
    suspended.status, ended.status = "suspended", "ended"
    _db.session.commit()
    html = client.get("/indicators").get_data(as_text=True)
    headings, rows = _table(html, "recipients-caption")
    assert headings == ["补贴", "发放中", "暂停发放"]
    assert rows == {"困难残疾人生活补贴": ["1", "0"], "重度残疾人护理补贴": ["2", "1"]}
    # Nothing paid yet: the empty state, no table of months.
    assert "近12个月还没有银行回复发放成功的补贴" in html
    assert 'id="paid-caption"' not in html


def test_the_payment_figures_in_english(english_client, people):
    _paid_rolls(people)
    html = english_client.get("/indicators").get_data(as_text=True)
    headings, rows = _table(html, "paid-caption")
    assert headings[0] == "Month" and headings[-1] == "Total"
    assert rows["June 2026"][-1] == "250.00"
    _headings, counted = _table(html, "recipients-caption")
    # A recipient whose payment failed is still being paid.
    assert counted["Nursing allowance for people with severe disabilities"] == ["2", "0"]


def test_recent_months_cross_the_year():
    assert figures.recent_months(date(2026, 1, 31), 3) == (
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1))
    assert len(figures.recent_months(TODAY)) == 12


def test_the_figures_are_kept_between_views_and_dropped_when_a_payment_or_recipient_changes(
        client, people):
    from portal.benefits import lifecycle

    resident, civil = people["resident"], people["civil"]
    first = paying(resident, civil, submitted=MARCH, amount="150")
    second = paying(resident, civil, submitted=MARCH, amount="150", name="李四")
    june = rolls.build("nursing_allowance", date(2026, 6, 1), civil)
    rolls.confirm(june.id, civil)
    _headings, counted = _table(client.get("/indicators").get_data(as_text=True),
                                "recipients-caption")
    assert counted["重度残疾人护理补贴"] == ["2", "0"]
    # A change the portal never makes (no recipient's event): the page keeps its figures.
    second.status = "ended"
    _db.session.commit()
    html = client.get("/indicators").get_data(as_text=True)
    assert _table(html, "recipients-caption")[1]["重度残疾人护理补贴"] == ["2", "0"]
    assert 'id="paid-caption"' not in html
    # The bank's result changes the lines: the money paid shows at once.
    _bank_result(june, {first.id: "paid", second.id: "paid"})
    html = client.get("/indicators").get_data(as_text=True)
    assert _table(html, "paid-caption")[1]["2026年6月"] == ["0.00", "300.00", "300.00"]
    assert _table(html, "recipients-caption")[1]["重度残疾人护理补贴"] == ["1", "0"]
    # A suspension adds a recipient's event: counted at once.
    lifecycle.suspend(first, "hospital_stay", date(2026, 7, 1), civil)
    html = client.get("/indicators").get_data(as_text=True)
    assert _table(html, "recipients-caption")[1]["重度残疾人护理补贴"] == ["0", "1"]
    # A change rolled back drops nothing it did not commit.
    _db.session.add(lifecycle.RecipientEvent(recipient_id=first.id, kind="resumed",
                                             effective=date(2026, 7, 1)))
    _db.session.flush()
    _db.session.rollback()
    from portal.tasks import after_commit
    assert not _db.session.info.get(after_commit._CALLS)
