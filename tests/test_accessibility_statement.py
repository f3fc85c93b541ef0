"""无障碍声明: what it says is kept honest (a change needs a new review date), and the form for
reporting a problem stores the report and thanks the person."""
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from portal.models import AccessibilityReport
from portal.public import statement
from tests.conftest import csrf_token


def test_statement_has_not_changed_since_its_last_review():
    record = statement.load()
    digest = statement.current_digest()
    assert record.last_review.digest == digest, (
        "templates/public/accessibility.html or the check numbers changed after the review of "
        f"{record.last_review.reviewed_on}. Read the whole statement again; when it is right, "
        f"add to {statement.DATA.relative_to(statement.ROOT)}:\n"
        f"  - date: {date.today().isoformat()}\n    digest: {digest}")


def test_each_review_is_a_new_date_and_a_new_text():
    reviews = statement.load().reviews
    dates = [review.reviewed_on for review in reviews]
    assert all(isinstance(d, date) for d in dates)
    assert dates == sorted(set(dates)), "review dates must be new and in order"
    assert len({review.digest for review in reviews}) == len(reviews)
    assert dates[-1] <= date.today()


def test_a_changed_statement_or_changed_numbers_are_noticed(tmp_path, monkeypatch):
    original = statement.current_digest()
    copy = tmp_path / "accessibility.html"
    copy.write_text(statement.TEMPLATE.read_text(encoding="utf-8").replace("部分符合", "完全符合"),
                    encoding="utf-8")
    monkeypatch.setattr(statement, "TEMPLATE", copy)
    assert statement.current_digest() != original
    monkeypatch.undo()
    checks = dict(statement.load().checks, axe_runs=1)
    assert statement.current_digest(checks) != original


def test_statement_page_says_what_it_must(client):
    html = client.get("/accessibility").get_data(as_text=True)
    record = statement.load()
    reviewed = record.last_review.reviewed_on
    assert f"本声明最近一次审查的日期是{reviewed.year}年{reviewed.month}月{reviewed.day}日。" in html
    for words in ("WCAG）2.2 AA级", "GB/T 37668-2019", "已知的不足", "axe-core", "W3C",
                  "320像素", 'href="tel:12385"', f"共{record.checks['axe_runs']}次检查",
                  f"{record.checks['modes']}种显示模式"):
        assert words in html
    # Sent back to the top of the page, where the error summary is (after the skip link), not
    # to the form further down (the jump to #report took focus away from the summary).
    assert 'action="/accessibility"' in html


def test_statement_in_english(english_client):
    html = english_client.get("/accessibility").get_data(as_text=True)
    reviewed = statement.load().last_review.reviewed_on
    assert "This statement was last reviewed on" in html and str(reviewed.year) in html
    assert "Known limitations" in html


def test_report_needs_a_description(client, db):
    response = client.post("/accessibility", data={
        "csrf_token": csrf_token(client, "/accessibility"), "description": "   ",
        "page": "首页", "contact": "13900000001"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<a href="#description">请写下您遇到的问题</a>' in html
    assert "<title>错误：无障碍声明" in html
    assert 'value="首页"' in html and 'value="13900000001"' in html     # answers kept
    assert db.session.scalar(select(AccessibilityReport)) is None


@pytest.mark.parametrize("field, value, message", [
    ("description", "字" * 2001, "问题描述不能超过2000个字"),
    ("page", "/" * 301, "页面名称或网址不能超过300个字"),
    ("contact", "1" * 41, "联系电话不能超过40个字"),
])
def test_report_lengths_are_limited(client, db, field, value, message):
    data = {"csrf_token": csrf_token(client, "/accessibility"), "description": "看不清"}
    data[field] = value
    response = client.post("/accessibility", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_report_is_stored_and_thanked(client, db):
    response = client.post("/accessibility", data={
        "csrf_token": csrf_token(client, "/accessibility"),
        "description": "  放大到特大后，提交按钮被挡住了。 ", "page": " /apply ", "contact": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == "/accessibility/report-sent"
    report = db.session.scalar(select(AccessibilityReport))
    assert (report.description, report.page, report.contact, report.status) == (
        "放大到特大后，提交按钮被挡住了。", "/apply", None, "new")
    html = client.get("/accessibility/report-sent").get_data(as_text=True)
    assert "<h1>谢谢您告诉我们</h1>" in html and "12385" in html


def test_review_record_file_is_plain_yaml():
    data = yaml.safe_load(statement.DATA.read_text(encoding="utf-8"))
    assert set(data) == {"checks", "reviews"}
    assert all(isinstance(v, int) and v > 0 for v in data["checks"].values())
