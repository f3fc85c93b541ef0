"""办事指南: the list by group, one guide per programme file, and its easy-read version."""
from __future__ import annotations

import datetime

import re

import pytest
from flask import Blueprint, g
from flask_migrate import upgrade

from portal import create_app
from portal.eligibility import GROUPS, AmountInForce, Text, programme, programmes
from tests.support.page_check import parse, text_of

CODES = [p.code for p in programmes()]


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def headings(html, level="h2"):
    return [text_of(h) for h in parse(html).iter(level)]


def test_there_is_a_guide_for_each_of_the_25_programmes():
    assert len(CODES) == 25


def test_the_index_groups_every_programme_under_its_group(client):
    html = page(client, "/programmes")
    assert "<h1>办事指南</h1>" in html
    assert headings(html) == [group.name for group in GROUPS.values()]
    for each in programmes():
        assert f'href="/programmes/{each.code}"' in html
    document = parse(html)
    groups = [s for s in document.iter("section")
              if (s.get("aria-labelledby") or "").startswith("group-")]
    assert len(groups) == len(GROUPS)
    for section in groups:
        group = section.get("aria-labelledby").removeprefix("group-")
        listed = [a.get("href").rsplit("/", 1)[1] for a in section.iter("a")]
        assert listed == [p.code for p in programmes() if p.group == group]


def test_the_index_says_plainly_which_can_be_done_online(client):
    html = page(client, "/programmes")
    online = sum(p.online for p in programmes())
    assert html.count("可以网上申请") == online
    assert html.count("请到线下办理") == len(CODES) - online


@pytest.mark.parametrize("code", CODES)
def test_every_guide_renders_from_its_file_in_chinese(client, code):
    shown = programme(code)
    html = page(client, f"/programmes/{code}")
    assert f"<h1>{shown.name}</h1>" in html
    assert headings(html) == ["手语视频", "谁可以申请", "能得到什么", "需要准备的材料",
                              "办理流程和时限", "线下办理地点", "咨询电话", "在线咨询", "政策依据",
                              "这个页面有用吗？"]
    for condition in shown.conditions_on(datetime.date.today()):
        assert str(condition.text) in html
    for document in shown.documents:
        assert str(document.label) in html
    for step in shown.steps:
        assert str(step) in html
    for clause in shown.plan_clauses:
        assert str(clause) in html
    for reference in shown.references:
        assert str(reference.citation) in html
        if reference.title:
            assert str(reference.title) in html
    assert str(shown.office.name) in html
    assert f'href="tel:{shown.office.phone}"' in html
    assert 'href="tel:12385"' in html
    assert f'href="/programmes/{code}/easy-read"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "autoplay" not in html


@pytest.mark.parametrize("code", CODES)
def test_every_guide_renders_in_english(english_client, code):
    shown = programme(code)
    html = page(english_client, f"/programmes/{code}")
    assert '<html lang="en"' in html
    assert f"<h1>{shown.name.en}</h1>".replace("'", "&#39;") in html
    for condition in shown.conditions_on(datetime.date.today()):
        assert condition.text.en.replace("'", "&#39;").replace('"', "&#34;") in html
    assert headings(html)[:4] == ["Sign-language video", "Who can apply", "What you get",
                                  "Documents to prepare"]


@pytest.mark.parametrize("code", CODES)
def test_every_easy_read_page_renders_in_chinese(client, code):
    shown = programme(code)
    html = page(client, f"/programmes/{code}/easy-read")
    assert f"<h1>{shown.name}（易读版）</h1>" in html
    for sentence in shown.easy_read:
        assert f"<li>{sentence}</li>" in html
    assert f'href="/programmes/{code}"' in html
    assert "12385" in html


@pytest.mark.parametrize("code", CODES)
def test_every_easy_read_page_renders_in_english(english_client, code):
    shown = programme(code)
    html = page(english_client, f"/programmes/{code}/easy-read")
    assert "(easy read)</h1>" in html
    for sentence in shown.easy_read:
        assert sentence.en.replace("'", "&#39;").replace('"', "&#34;") in html


def test_an_amount_not_known_shows_its_note_not_a_figure(client):
    html = page(client, "/programmes/nursing_allowance")
    what = html.split('id="what"')[1].split('id="documents"')[0]
    assert "以区民政局/区残联最新公布为准" in what
    assert "120" not in what   # the 2016 figure is no longer in force


def render_amounts(app, amounts, language="zh"):
    with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        template = app.jinja_env.get_template("guides/_programme.html")
        return template.module.amount_list(amounts)


def test_a_known_amount_shows_figure_unit_date_and_source(app):
    amount = AmountInForce("grade_1", Text("一级残疾人", "Grade 1"), Text("元/月", "yuan a month"),
                           120, datetime.date(2016, 1, 1), Text("陕政发〔2016〕2号", "Shaanzhengfa"),
                           "weak", Text("陕西省2016年的基础标准。", "The 2016 base rate."))
    html = str(render_amounts(app, [amount]))
    assert "<dt>一级残疾人</dt>" in html
    assert "120 元/月" in html
    assert "自2016年1月1日起执行，依据：陕政发〔2016〕2号。" in html
    assert "陕西省2016年的基础标准。" in html
    english = str(render_amounts(app, [amount], "en"))
    assert "120 yuan a month" in english and "In force since" in english


def test_an_amount_without_a_figure_never_shows_one(app):
    amount = AmountInForce("grant", Text("补贴", "Grant"), Text("元", "yuan"), None, None,
                           Text("《规划》", "Plan"), "unknown", None)
    html = str(render_amounts(app, [amount]))
    assert "以区民政局/区残联最新公布为准。" in html and "None" not in html
    assert "本事项不是发放补贴" in str(render_amounts(app, []))


def test_an_office_without_a_confirmed_address_says_so_and_gives_the_note(client):
    shown = programme("legal_aid")
    assert shown.office.address is None
    html = page(client, "/programmes/legal_aid")
    offline = html.split('id="offline"')[1].split('id="phone"')[0]
    assert "尚未公布，请电话咨询" in offline
    assert str(shown.office.note) in offline
    assert 'href="tel:12348"' in offline


def test_a_referral_programme_says_it_cannot_be_applied_for_online(client):
    html = page(client, "/programmes/legal_aid")
    assert "本事项暂不能在网上申请，请到线下办理。" in html
    assert 'href="#offline"' in html


def test_the_sign_language_slot_says_honestly_while_there_is_no_video(client):
    html = page(client, "/programmes/nursing_allowance")
    assert 'id="sign-language-guide-nursing-allowance"' in html
    assert "手语视频制作中。" in html and 'href="/help#written"' in html
    # first in 本页内容, and before the text it explains
    contents = html[html.index('aria-label="本页内容"'):]
    assert contents.index('href="#sign-language-guide-nursing-allowance"') < contents.index(
        'href="#who"')


@pytest.mark.parametrize("path", ["/programmes/no_such_programme",
                                  "/programmes/no_such_programme/easy-read",
                                  "/programmes/NURSING_ALLOWANCE"])
def test_an_unknown_programme_is_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "找不到此页面" in response.get_data(as_text=True)


def test_an_online_programme_links_straight_to_its_application(client):
    online = client.get("/programmes/nursing_allowance").get_data(as_text=True)
    offline = client.get("/programmes/legal_aid").get_data(as_text=True)
    assert 'href="/apply/nursing_allowance/"' in online
    assert "/apply/legal_aid/" not in offline
    assert "本事项暂不能在网上申请，请到线下办理。" in offline


# -- easy-read pages built from the rules (issue 15) ----------------------------------------------

def main_of(html):
    return next(parse(html).iter("main"))


@pytest.mark.parametrize("code", CODES)
def test_easy_read_who_can_apply_is_made_of_the_conditions_in_force(client, code):
    shown = programme(code)
    main = main_of(page(client, f"/programmes/{code}/easy-read"))
    listed = next(ul for ul in main.iter("ul") if ul.get("id") == "easy-who-list")
    expected = [str(c.easy_read) for c in shown.conditions_on(datetime.date.today())]
    assert [text_of(li) for li in listed.iter("li")] == expected


def test_the_easy_read_nursing_allowance_page_names_the_grade_3_4_extension(client):
    html = page(client, "/programmes/nursing_allowance/easy-read")
    assert "三级、四级的智力残疾、精神残疾的人，也可能可以申请。" in html


@pytest.mark.parametrize("code", CODES)
def test_easy_read_pages_link_to_apply_and_give_the_hotline_once(client, code):
    shown = programme(code)
    main = main_of(page(client, f"/programmes/{code}/easy-read"))
    links = [a.get("href") for a in main.iter("a")]
    if shown.online:
        assert f"/apply/{code}/" in links
    else:
        assert str(shown.office.name) in text_of(main)
    assert links.count("tel:12385") == 1
    assert text_of(main).count("12385") == 1


@pytest.mark.parametrize("code", ["nursing_allowance", "legal_aid"])
def test_easy_read_pictograms_are_small_svgs_with_text_alternatives(client, code):
    main = main_of(page(client, f"/programmes/{code}/easy-read"))
    svg_tag, title_tag = "{http://www.w3.org/2000/svg}svg", "{http://www.w3.org/2000/svg}title"
    pictures = [svg for svg in main.iter(svg_tag)]
    names = []
    for svg in pictures:
        assert svg.get("role") == "img" and svg.get("width") == "48"
        (title,) = [t for t in svg.iter(title_tag)]
        assert svg.get("aria-labelledby") == title.get("id") and text_of(title)
        names.append(text_of(title))
    assert names == ["钱", "残疾人证", "材料", "家", "电话"]


def test_the_easy_read_pictograms_say_what_they_are_in_english(english_client):
    html = page(english_client, "/programmes/nursing_allowance/easy-read")
    for word in ("Money", "Disability certificate", "Documents", "Home", "Phone"):
        assert f">{word}</title>" in html


def test_a_guide_lists_only_the_conditions_in_force(client):
    html = page(client, "/programmes/nursing_allowance")
    who = html.split('id="who"')[1].split('id="what"')[0]
    current = [c for c in programme("nursing_allowance").conditions_on(datetime.date.today())]
    assert who.count("<li>") == len(current)
    assert "三级、四级的智力、精神残疾人" in who
