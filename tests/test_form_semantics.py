"""What forms say to assistive technology, in the HTML the server sends (the browser suite's
a11y_tests/page_checks.py checks the same in Chromium's accessibility tree):

- the error summary comes right after the skip link – before the settings bar and the header –
  and its items link to the fields, which reference their own message;
- a field is aria-invalid only after it failed validation; "required" is aria-required (or a
  required radio group), never the native attribute browsers announce as "invalid";
- masked values have a spoken form, Chinese names on English pages are marked as Chinese;
- the self-check says which question of about how many.
"""
from __future__ import annotations

import re

from markupsafe import Markup

from tests.conftest import csrf_token


def _tags(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*>", html)


def test_a_fresh_form_has_nothing_invalid_and_says_required_without_the_native_attribute(client):
    html = client.get("/account/sign-in").get_data(as_text=True)
    inputs = [t for t in _tags(html, "input") if 'id="phone"' in t or 'id="password"' in t]
    assert len(inputs) == 2
    for tag in inputs:
        assert "aria-invalid" not in tag
        assert 'aria-required="true"' in tag
        assert not re.search(r"\srequired(\s|>|=)", tag), tag


def test_after_an_error_the_summary_comes_first_and_only_failed_fields_are_invalid(client):
    token = csrf_token(client, "/account/sign-in")
    html = client.post("/account/sign-in", data={"csrf_token": token, "phone": "13900000001"}
                       ).get_data(as_text=True)
    skip, summary = html.index('class="skip-link"'), html.index('class="error-summary"')
    assert skip < summary < html.index('class="preferences-bar"') < html.index("<header")
    assert html.count('class="error-summary"') == 1
    password = next(t for t in _tags(html, "input") if 'id="password"' in t)
    phone = next(t for t in _tags(html, "input") if 'id="phone"' in t)
    assert 'aria-invalid="true"' in password and 'aria-describedby="password-error"' in password
    assert "aria-invalid" not in phone
    assert '<a href="#password">' in html[summary:html.index("</div>", summary)]
    assert 'id="password-error"' in html
    assert "js/forms.js" in html


def test_the_focus_script_is_only_on_pages_with_an_error_summary(client):
    assert "js/forms.js" not in client.get("/account/sign-in").get_data(as_text=True)


def test_a_required_radio_group_is_a_required_radiogroup_and_its_radios_are_not_required(client):
    page = client.get("/check/hukou").get_data(as_text=True)
    assert 'role="radiogroup" aria-required="true"' in page
    radios = [t for t in _tags(page, "input") if 'type="radio"' in t]
    assert radios
    for radio in radios:
        assert "aria-invalid" not in radio and not re.search(r"\srequired(\s|>|=)", radio)


def test_the_self_check_says_which_question_of_about_how_many(client):
    html = client.get("/check/hukou").get_data(as_text=True)
    assert re.search(r"第1题，共约\d+题", html)
    client.set_cookie("lang", "en")
    html = client.get("/check/hukou").get_data(as_text=True)
    assert re.search(r"Question 1 of about \d+", html)


def test_progress_counts_along_every_profile_path():
    from portal.checker import flow
    from portal.checker.routes import _progress
    from tests.support.checker_profiles import PROFILES, token_for

    for person in PROFILES.values():
        answers, steps = {}, []
        while not (walked := flow.walk(answers)).complete:
            steps.append(_progress(walked, walked.next))
            answers[walked.next.id] = token_for(walked.next, person)
        assert [number for number, _ in steps] == list(range(1, len(steps) + 1))
        assert all(total >= number for number, total in steps)
        # The last question knows the end is near: "about" is off by at most a few.
        assert steps[-1][1] - len(steps) <= 3


def test_masked_values_have_a_spoken_form(app):
    from portal.web.templating import spoken_mask

    with app.test_request_context("/"):
        phone = spoken_mask("139****5678")
        card = spoken_mask("6222 **** **** 123X")
        name = spoken_mask("王*兰")
        assert isinstance(phone, Markup)
        assert '<span aria-hidden="true">139****5678</span>' in phone
        assert '<span class="visually-hidden">尾号5678</span>' in phone
        assert '<span class="visually-hidden">尾号123X</span>' in card
        assert '<span class="visually-hidden">王某兰</span>' in name
        assert spoken_mask("李梅") == "李梅"


def test_chinese_names_are_marked_on_english_pages_only(app):
    from portal.web.i18n import zh_text

    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert zh_text("王秀兰") == Markup('<span lang="zh-Hans">王秀兰</span>')
        assert zh_text("Wang") == "Wang"
        assert zh_text("<b>王</b>") == Markup('<span lang="zh-Hans">&lt;b&gt;王&lt;/b&gt;</span>')
    with app.test_request_context("/", headers={"Cookie": "lang=zh"}):
        assert zh_text("王秀兰") == "王秀兰"
