"""The public pages of the foundation render in the layout, in both languages."""
import pytest

PAGES = ["/", "/help", "/privacy", "/accessibility"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_chinese_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN"' in html
    assert "12385" in html                      # the hotline, same place on every page
    assert 'href="#main"' in html and 'id="main"' in html
    assert "鄠邑区残疾人服务</title>" in html


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_english_when_chosen(english_client, path):
    html = english_client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Huyi Disability Services</title>" in html
    assert "Skip to main content" in html


def test_home_page_says_what_the_portal_offers(client):
    html = client.get("/").get_data(as_text=True)
    assert "<h1>鄠邑区残疾人服务网上办事平台</h1>" in html
    assert "获得帮助" in html
    assert "家人、村（社区）工作人员可以代您在网上申请" in html


def test_layout_has_landmarks_and_header_links(client):
    html = client.get("/").get_data(as_text=True)
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    assert 'href="/help"' in html
    assert 'href="/language/en?next=/"' in html
    assert 'href="/accessibility"' in html and 'href="/privacy"' in html


def test_only_small_deferred_scripts_of_our_own_and_no_web_font(client):
    import re

    html = client.get("/").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.search(r'src="/static/js/[\w-]+\.js\?v=[0-9a-f]+"', tag), tag  # no inline
        assert " defer" in tag, tag                                           # never blocks
    css = open(client.application.static_folder + "/css/portal.css", encoding="utf-8").read()
    assert "@font-face" not in css and "@import" not in css
