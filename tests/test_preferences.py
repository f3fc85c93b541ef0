"""无障碍设置: the cookie (read defensively), the classes on <html>, the settings page, the bar
on every page (a GET form, no token), and the requests that change settings and go back where
the visitor was."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.preferences import cookie
from portal.preferences.cookie import Preferences
from portal.preferences.options import BY_NAME, SETTINGS
from tests.conftest import csrf_token

COOKIE = cookie.NAME


def _cookie_value(response) -> str | None:
    """The display cookie the response sets ("" when it deletes it, None when untouched)."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{COOKIE}="):
            value = header.split(";")[0].split("=", 1)[1].strip('"')
            return "" if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header else value
    return None


def _html_classes(html: str) -> set[str]:
    match = re.search(r'<html lang="[^"]+"(?: class="([^"]*)")?>', html)
    assert match, "no <html> start tag"
    return set((match.group(1) or "").split())


# --- the cookie ---------------------------------------------------------------------------------

def test_defaults_when_there_is_no_cookie():
    preferences = cookie.parse(None)
    assert preferences.is_default
    assert preferences.css_classes == ""
    assert {s.name: preferences[s.name] for s in SETTINGS} == {s.name: s.default for s in SETTINGS}


def test_round_trip_and_only_changes_are_written():
    preferences = Preferences({"size": "xlarge", "scheme": "yellow", "elder": "off"})
    assert cookie.serialise(preferences) == "size=xlarge&scheme=yellow"
    assert cookie.parse("size=xlarge&scheme=yellow") == preferences
    assert preferences.css_classes == "size-xlarge scheme-yellow"


@pytest.mark.parametrize("raw", [
    "size=huge", "size", "=large", "size=large=1", "colour=yellow", "%00", "size=LARGE",
    "size=large;" * 50, "x" * 5000, "scheme=<script>", "size=xlarge&size=large&" * 20,
])
def test_unknown_or_malformed_values_are_ignored(raw):
    preferences = cookie.parse(raw)
    for setting in SETTINGS:
        assert preferences[setting.name] in setting.values


def test_first_value_wins_and_good_values_survive_bad_neighbours():
    assert cookie.parse("size=xlarge&size=large")["size"] == "xlarge"
    parsed = cookie.parse("junk&size=large&scheme=pink&elder=on")
    assert (parsed["size"], parsed["scheme"], parsed["elder"]) == ("large", "default", "on")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_cookie_value_gives_valid_preferences(raw):
    preferences = cookie.parse(raw)
    assert set(preferences.values) == set(BY_NAME)
    for name, value in preferences.values.items():
        assert value in BY_NAME[name].values
    assert cookie.parse(cookie.serialise(preferences)) == preferences


def test_every_choice_has_its_own_class():
    classes = [c.css_class for s in SETTINGS for c in s.choices if c.css_class]
    assert len(classes) == len(set(classes))
    assert all(s.choices[0].css_class is None for s in SETTINGS)  # the default adds nothing


# --- applied on every page ------------------------------------------------------------------------

@pytest.mark.parametrize("value, classes", [
    ("size=large", {"size-large"}),
    ("size=xlarge&elder=on", {"size-xlarge", "mode-elder"}),
    ("scheme=yellow&spacing=wide&textonly=on&cursor=on&motion=on",
     {"scheme-yellow", "spacing-wide", "mode-text-only", "cursor-large", "motion-reduced"}),
    ("scheme=white", {"scheme-white"}),
    ("size=enormous&scheme=", set()),
])
def test_cookie_puts_classes_on_html(client, value, classes):
    client.set_cookie(COOKIE, value)
    for path in ("/", "/help", "/accessibility", "/no/such/page"):
        assert _html_classes(client.get(path).get_data(as_text=True)) == classes


def test_no_class_attribute_without_preferences(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html


def test_bar_is_on_every_page_as_a_get_form_back_to_it(client):
    for path in ("/", "/help", "/privacy", "/accessibility", "/nope"):
        html = client.get(path).get_data(as_text=True)
        bar = html.split('<section class="preferences-bar"')[1].split("</section>")[0]
        assert 'aria-label="无障碍工具"' in bar
        # Two forms (wide screen, narrow screen's disclosure), each with its own fields: no
        # token, no form="…" tie, nothing but the page's own address.
        forms = re.findall(r'<form class="preferences-bar__form[^"]*"[^>]*>', bar)
        assert len(forms) == 2
        assert all('method="get" action="/preferences/choose"' in form for form in forms)
        assert "csrf_token" not in bar and ' form="' not in bar
        assert "csrf_token" not in html.split("</main>")[1]          # nothing at the end
    html = client.get("/help").get_data(as_text=True)
    assert html.count('<input type="hidden" name="next" value="/help">') == 2
    assert 'name="size" value="xlarge" aria-pressed="false"' in html


def test_on_the_settings_page_the_bar_sends_the_pages_own_form(client):
    """The same buttons (文字大小 大 …) are on the settings page and in its bar: there the bar's
    send the page's form to the page's own POST, as on every form page, so a button of a name
    always goes to one place and does one thing."""
    html = client.get("/preferences?next=/help").get_data(as_text=True)
    bar = html.split('<section class="preferences-bar"')[1].split("</section>")[0]
    assert 'form="preferences-page-form"' in bar
    assert 'formaction="/preferences?next=' in bar and 'formmethod="post"' in bar
    assert 'id="preferences-page-form"' in html


def test_the_bar_changes_the_display_and_returns_to_the_same_page(client):
    client.set_cookie(COOKIE, "scheme=white")
    response = client.get("/preferences/choose",
                          query_string={"next": "/help?x=1", "bar": "1", "size": "xlarge"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/help?x=1#bar-size-xlarge"
    assert _cookie_value(response) == "size=xlarge&scheme=white"
    assert response.headers["Cache-Control"] == "no-store"
    assert _html_classes(client.get("/help").get_data(as_text=True)) == {
        "size-xlarge", "scheme-white"}
    reset = client.get("/preferences/choose", query_string={"next": "/help", "bar": "1",
                                                            "reset": "1"})
    assert reset.headers["Location"] == "/help#bar-size-standard"
    assert _cookie_value(reset) == ""


@pytest.mark.parametrize("next_path", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "",
])
def test_the_bar_never_sends_off_the_site(client, next_path):
    for extra in ({"size": "large"}, {"reset": "1"}):
        response = client.get("/preferences/choose", query_string={"next": next_path, **extra})
        assert response.status_code == 303 and response.headers["Location"] == "/"


def test_the_bar_refuses_unknown_values_and_changes_nothing(client):
    response = client.get("/preferences/choose", query_string={"next": "/help", "size": "huge"})
    assert response.status_code == 400
    assert "请从“标准”“大”“特大”中选择文字大小。" in response.get_data(as_text=True)
    assert _cookie_value(response) is None


def test_read_aloud_is_only_a_hidden_slot_and_a_deferred_script(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<div class="read-aloud" data-read-aloud hidden', html)
    assert '<script src="/static/js/read-aloud.js?v=' in html
    assert "朗读本页" not in re.sub(r'data-[\w-]+="[^"]*"', "", html)     # no visible control
    script = client.get("/static/js/read-aloud.js").get_data(as_text=True)
    assert "speechSynthesis" in script and "fetch(" not in script and "XMLHttpRequest" not in script


# --- the settings page and its POST ---------------------------------------------------------------

def test_settings_page_lists_every_setting_with_the_current_choice(client):
    client.set_cookie(COOKIE, "scheme=yellow")
    html = client.get("/preferences?next=/help").get_data(as_text=True)
    assert "<h1>无障碍设置</h1>" in html
    for setting in SETTINGS:
        assert f">{setting.label}</legend>" in html
        for choice in setting.choices:
            assert f'name="{setting.name}" value="{choice.value}"' in html
    assert 'name="scheme" value="yellow" aria-pressed="true"' in html
    assert 'name="scheme" value="default" aria-pressed="false"' in html
    assert 'href="/help">返回刚才的页面' in html


def test_settings_page_in_english(english_client):
    html = english_client.get("/preferences").get_data(as_text=True)
    assert "<h1>Accessibility settings</h1>" in html and ">Extra large</button>" in html


def test_change_one_setting_keeps_the_others_and_goes_back(client):
    client.set_cookie(COOKIE, "scheme=white&elder=on")
    token = csrf_token(client, "/preferences")
    response = client.post("/preferences?next=/help", data={"csrf_token": token, "size": "xlarge"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/help"
    assert _cookie_value(response) == "size=xlarge&elder=on&scheme=white"
    set_cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=" in set_cookie
    assert _html_classes(client.get("/help").get_data(as_text=True)) == {
        "size-xlarge", "mode-elder", "scheme-white"}


def test_the_settings_page_comes_back_to_itself_saying_it_saved(client):
    html = client.get("/preferences?next=/help").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)" class="preferences-form"[^>]*>', html)
    action = action.group(1).replace("&amp;", "&")
    response = client.post(action, data={"csrf_token": csrf_token(client, "/preferences"),
                                         "textonly": "on"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "设置已保存" in page and "mode-text-only" in _html_classes(page)
    assert 'href="/help">返回刚才的页面' in page


@pytest.mark.parametrize("next_path", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "",
])
def test_never_redirects_off_the_site(client, next_path):
    response = client.post("/preferences", query_string={"next": next_path},
                           data={"csrf_token": csrf_token(client, "/preferences"),
                                 "size": "large"})
    assert response.status_code == 303
    assert response.headers["Location"] in ("/", "/preferences")


def test_back_link_never_points_off_the_site_or_to_itself(client):
    for next_path, back in (("https://evil.example/", "/"), ("/preferences?next=/x", "/"),
                            ("/privacy", "/privacy")):
        html = client.get("/preferences", query_string={"next": next_path}).get_data(as_text=True)
        assert f'href="{back}">返回刚才的页面' in html


@pytest.mark.parametrize("field, value, message", [
    ("size", "huge", "请从“标准”“大”“特大”中选择文字大小。"),
    ("scheme", "pink", "请从列出的配色中选择一种。"),
    ("elder", "maybe", "请选择开启或关闭长辈版。"),
])
def test_unknown_values_get_a_polite_error_and_change_nothing(client, field, value, message):
    client.set_cookie(COOKIE, "spacing=wide")
    data = {"csrf_token": csrf_token(client, "/preferences"), "motion": "on", field: value}
    response = client.post("/preferences?next=/help", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<a href="#{field}">{message}</a>' in html                 # the error summary
    assert f'id="{field}-error"' in html and f'id="{field}"' in html
    assert "<title>错误：无障碍设置" in html
    assert _cookie_value(response) is None
    assert "spacing-wide" in _html_classes(html)


def test_unknown_fields_are_ignored(client):
    response = client.post("/preferences", data={
        "csrf_token": csrf_token(client, "/preferences"), "colour": "red", "motion": "on"})
    assert response.status_code == 303 and _cookie_value(response) == "motion=on"


def test_choosing_all_defaults_removes_the_cookie(client):
    client.set_cookie(COOKIE, "size=large")
    token = csrf_token(client, "/preferences")
    response = client.post("/preferences", data={"csrf_token": token, "size": "standard"})
    assert _cookie_value(response) == ""


def test_reset_forgets_everything_and_goes_back(client):
    client.set_cookie(COOKIE, "size=large&scheme=yellow")
    response = client.post("/preferences/reset?next=/privacy",
                           data={"csrf_token": csrf_token(client, "/preferences")})
    assert response.status_code == 303 and response.headers["Location"] == "/privacy"
    assert _cookie_value(response) == ""
    assert _html_classes(client.get("/privacy").get_data(as_text=True)) == set()


def test_changing_settings_needs_the_csrf_token(client):
    assert client.post("/preferences", data={"size": "large"}).status_code == 400
    assert client.post("/preferences/reset").status_code == 400


def test_secure_cookie_in_production_settings(app, client):
    app.config["PREFERENCE_COOKIE_SECURE"] = True
    try:
        token = csrf_token(client, "/preferences")
        response = client.post("/preferences", data={"csrf_token": token, "size": "large"})
        header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
        assert "Secure" in header
    finally:
        app.config["PREFERENCE_COOKIE_SECURE"] = False
