"""Fuzzing every form endpoint (every POST route of the url_map) with random and hostile
values: very long strings, control characters and NUL, emoji, SQL/HTML/template payloads,
wrong types (files where text is expected), missing and repeated fields, missing or wrong
CSRF tokens. Never a 5xx: always a clear 4xx, a redirect, or the form again with its errors.

Bounded: at most 25 examples per endpoint, so the module stays well under a minute."""
from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.security.world import build, csrf, rules, url_for_rule
from tests.support.accounts import sign_in

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\r\n\r\nSet-Cookie: x=1", "\u202e\u200b\ufeff", "😀" * 50,
    "'; DROP TABLE accounts; --", "' OR '1'='1", "1 UNION SELECT password_hash FROM accounts",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "{% raw %}",
    "javascript:alert(1)", "../../etc/passwd", "%00", "%s%s%s%n", "-1", "0", "99999999999999999999",
    "1e308", "NaN", "true", "null", "[]", "{}", "２０２６年１３月４５日", "2026-02-30",
    "x" * 10_000, "字" * 5_000, "person-999999", "person-abc", "self", "other", "yes", "y",
]
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
)
CSRF_CHOICES = ("real", "real", "real", "missing", "wrong", "repeated")


def _form_fields(html: str) -> list[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html))
    names.discard("csrf_token")
    return sorted(names)


def _who(rule) -> str:
    if rule.rule.startswith("/staff/accounts"):
        return "admin"
    if rule.rule.startswith("/staff/applications"):
        return "street_officer"
    if rule.endpoint in ("account.keep_alive", "account.sign_out", "account.change_password"):
        return "owner"
    if rule.rule.startswith(("/account", "/staff/sign-in", "/check")):
        return "signed_out"
    return "owner"


def _endpoints(app):
    return sorted({rule.endpoint for rule in rules(app, "POST")})


def pytest_generate_tests(metafunc):
    if "endpoint" in metafunc.fixturenames:
        from portal import create_app

        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        metafunc.parametrize("endpoint", _endpoints(app))


@pytest.fixture()
def target(app, client, endpoint):
    world = build(client)
    rule = next(r for r in rules(app, "POST") if r.endpoint == endpoint)
    url = url_for_rule(rule, world)
    who = _who(rule)
    if who == "owner":
        sign_in(client, world.owner, fresh=True)
    elif who != "signed_out":
        sign_in(client, world.staff[who], fresh=True)
    page = client.get(url)
    fields = _form_fields(page.get_data(as_text=True)) if page.status_code == 200 else []
    fields = fields or ["phone", "password", "answer", "who", "declaration", "note", "version"]
    return url, fields, csrf(client, url if page.status_code == 200 else "/account/sign-in")


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_form_endpoint_answers_5xx(client, target, data):
    url, fields, token = target
    pairs = []
    for name in fields:
        choice = data.draw(st.sampled_from(["value", "value", "missing", "repeated", "file"]))
        if choice == "missing":
            continue
        value = data.draw(text)
        pairs.append((name, value))
        if choice == "repeated":
            pairs.append((name, data.draw(text)))
        elif choice == "file":
            pairs[-1] = (name, (io.BytesIO(value.encode("utf-8", "surrogatepass")), "f.png"))
    if data.draw(st.booleans()):
        pairs.append((data.draw(st.text(min_size=1, max_size=12)), data.draw(text)))
    how = data.draw(st.sampled_from(CSRF_CHOICES))
    if how in ("real", "repeated"):
        pairs.append(("csrf_token", token))
    if how == "repeated":
        pairs.append(("csrf_token", "forged"))
    if how == "wrong":
        pairs.append(("csrf_token", data.draw(text)))
    query = {}
    if "/documents" in url and data.draw(st.booleans()):
        query["kind"] = data.draw(st.one_of(st.sampled_from(["id_card", "hukou"]), text))
    multipart = any(isinstance(v, tuple) for _, v in pairs)
    response = client.post(url, data=MultiDict(pairs), query_string=query,
                           content_type="multipart/form-data" if multipart else None)
    assert response.status_code < 500, (url, response.status_code, pairs[:6])
    if how in ("missing", "wrong"):
        assert response.status_code in (400, 404, 302, 303), (url, how, response.status_code)


def test_a_file_sent_as_a_text_field_is_a_missing_answer_not_a_crash(client, db):
    """Found by the fuzzer: a file under a text field's name reached the validators."""
    from tests.support.accounts import APPLICANT, make_account

    sign_in(client, make_account(**APPLICANT))
    token = csrf(client, "/account/change-password")
    response = client.post("/account/change-password", data={
        "csrf_token": token, "current_password": (io.BytesIO(b"x"), "a.png"),
        "password": (io.BytesIO(b"y"), "b.png")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)


def test_a_multipart_part_without_a_name_is_a_bad_request(client, db):
    """Found by the fuzzer: a nameless part made the CSRF check fail with a 500."""
    body = (b'--b\r\nContent-Disposition: form-data; filename="x.png"\r\n\r\nabc\r\n'
            b'--b\r\nContent-Disposition: form-data\r\n\r\nxyz\r\n--b--\r\n')
    response = client.post("/account/sign-in", data=body,
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.sampled_from(HOSTILE[:12] + ["12345", "6101181950040824X9"]),
       address=st.text(alphabet="甘亭街道东西南北1234号<>&\"'", min_size=1, max_size=30))
def test_a_refused_answer_keeps_the_others(client, db, bad, address):
    """The main apply sections: one bad answer → the page again, the other answers kept."""
    from markupsafe import escape

    from tests.support.accounts import APPLICANT, make_account
    from tests.support.apply import post, start_for_other

    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    response = post(client, f"/apply/drafts/{draft_id}/personal", {
        "full_name": "王秀英", "id_number": bad, "phone": "13911112222",
        "address": address, "street": "ganting"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert f'value="{escape(address.strip())}"' in page or escape(address.strip()) in page
    assert 'value="王秀英"' in page
    response = post(client, f"/apply/drafts/{draft_id}/payment", {
        "method": "bank_card", "bank_name": address, "account_holder": "王秀英",
        "card_number": bad})
    assert response.status_code == 200
    assert escape(address.strip()) in response.get_data(as_text=True)
