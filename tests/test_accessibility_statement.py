"""无障碍声明: what it says is kept honest (a change needs a new review date), and the form for
reporting a problem stores the report and thanks the person."""
import re
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from portal.content.models import AccessibilityReport
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


def test_a_changed_statement_is_noticed(tmp_path):
    original = statement.current_digest()
    copy = tmp_path / "accessibility.html"
    copy.write_text(statement.TEMPLATE.read_text(encoding="utf-8").replace("部分符合", "完全符合"),
                    encoding="utf-8")
    assert statement.current_digest(copy) != original


def _figures(**changes) -> dict:
    figures = {"run_date": "2031-02-03", "pages": 241, "languages": 2, "modes": 10,
               "page_versions": 1063, "axe_violations": 0, "html_documents": 517,
               "html_errors": 0, "keyboard_journeys": 3, "apply_journey_key_presses": 739,
               "focus_pages": 239, "layout_pages": 238, "tests_failed": 0}
    return dict(figures, **changes)


def _summary(complete=True, **changes) -> dict:
    return {"run": {"complete": complete}, "figures": _figures(**changes)}


def _last_run_rows(html: str) -> dict[str, str]:
    section = html.split('id="last-run"', 1)[1].split("<h2", 1)[0]
    return dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', section))


def test_the_figures_are_the_last_complete_runs(client, tmp_path, monkeypatch):
    """Pages, versions, languages, modes, problems, key presses and the date on the statement
    are what the run wrote (portal/data/accessibility_run.yaml), whatever they are."""
    monkeypatch.setattr(statement, "RUN", tmp_path / "accessibility_run.yaml")
    assert statement.write_run(_summary())
    html = client.get("/accessibility").get_data(as_text=True)
    assert "检查日期：2031年2月3日。" in html
    rows = _last_run_rows(html)
    assert rows == {
        "检查的页面": "241", "语言": "2", "显示模式": "10",
        "页面版本（页面、语言和显示模式的组合），每个都用axe-core检查": "1063",
        "axe-core发现的问题": "0", "W3C的HTML检查器检查的不同文档": "517",
        "W3C的HTML检查器发现的错误": "0",
        "只用键盘完成的办事流程（开启和关闭JavaScript各一次）": "3",
        "只用键盘从首页到提交申请，一共按键的次数": "739", "检查焦点的页面": "239",
        "检查版面、行距和点按大小的页面": "238", "没有通过的检查": "0"}
    # Another run, other figures – nothing on the page stays as it was.
    assert statement.write_run(_summary(run_date="2031-03-09", pages=250, languages=3, modes=11,
                                        page_versions=1100, axe_violations=4,
                                        html_documents=520, html_errors=2,
                                        keyboard_journeys=4, apply_journey_key_presses=701,
                                        focus_pages=248, layout_pages=247, tests_failed=5))
    html = client.get("/accessibility").get_data(as_text=True)
    assert "检查日期：2031年3月9日。" in html
    again = _last_run_rows(html)
    assert set(again) == set(rows) and all(again[k] != rows[k] for k in rows)


def test_only_a_complete_run_writes_the_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(statement, "RUN", tmp_path / "accessibility_run.yaml")
    assert statement.load_run() is None
    assert not statement.write_run(_summary(complete=False))
    assert statement.load_run() is None
    assert statement.write_run(_summary())
    assert statement.load_run().run_date == date(2031, 2, 3)
    assert statement.load_run().apply_journey_key_presses == 739


def test_without_a_recorded_run_the_statement_says_so(client, tmp_path, monkeypatch):
    empty = tmp_path / "accessibility_run.yaml"
    empty.write_text("figures: null\n", encoding="utf-8")
    monkeypatch.setattr(statement, "RUN", empty)
    html = client.get("/accessibility").get_data(as_text=True)
    assert "还没有完整检查的记录。" in html and "检查日期" not in html


# Numbers that are requirements the checks hold pages to (or names), not results of a run.
REQUIREMENTS = ("WCAG", "W3C", "320像素", "2倍", "44×44像素", "60×60像素", "7:1", "12385")


def test_no_hand_written_figure_in_the_template():
    """From "我们怎样检查" on to the report form, every number comes from the run's data: no
    message, text or expression there holds one of its own (only the requirements above)."""
    template = statement.TEMPLATE.read_text(encoding="utf-8")
    section = template.split('_("我们怎样检查")', 1)[1].split('<h2 id="report">', 1)[0]
    messages = re.findall(r'_\("((?:[^"\\]|\\.)*)"', section)
    code = [re.sub(r'"(?:[^"\\]|\\.)*"', "", c)
            for c in re.findall(r"\{[{%](.*?)[%}]\}", section, re.S)]
    text = re.sub(r"\{[{%].*?[%}]\}|<[^>]*>", " ", section, flags=re.S)
    found = []
    for part in [*messages, *code, text]:
        for requirement in REQUIREMENTS:
            part = part.replace(requirement, "")
        found += re.findall(r".{0,15}[0-9０-９].{0,15}", part)
    assert not found, found
    assert "run.pages" in section and "run.run_date" in section


def test_statement_page_says_what_it_must(client):
    html = client.get("/accessibility").get_data(as_text=True)
    record = statement.load()
    reviewed = record.last_review.reviewed_on
    assert f"本声明最近一次审查的日期是{reviewed.year}年{reviewed.month}月{reviewed.day}日。" in html
    for words in ("WCAG）2.2 AA级", "GB/T 37668-2019", "已知的不足", "axe-core", "W3C",
                  "320像素", 'href="tel:12385"', "最近一次完整检查的结果"):
        assert words in html
    # Sent back to the top of the page, where the error summary is (after the skip link), not
    # to the form further down (the jump to #report took focus away from the summary).
    assert 'action="/accessibility"' in html
    run = statement.load_run()
    if run is None:
        assert "还没有完整检查的记录。" in html
    else:
        rows = _last_run_rows(html)
        assert rows["检查的页面"] == str(run.pages)
        assert rows["axe-core发现的问题"] == str(run.axe_violations)


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


def test_review_record_and_run_figures_are_plain_yaml():
    data = yaml.safe_load(statement.DATA.read_text(encoding="utf-8"))
    assert set(data) == {"reviews"}     # the figures are the run's, not the review's
    run = yaml.safe_load(statement.RUN.read_text(encoding="utf-8"))
    assert set(run) == {"figures"}
    if run["figures"] is not None:
        assert set(run["figures"]) == set(statement.FIGURES)
        assert isinstance(run["figures"]["run_date"], date)
        assert all(isinstance(v, int) and v >= 0 for k, v in run["figures"].items()
                   if k != "run_date")
