"""Sweeps over the whole url_map, so that every new route is covered without a new test:
security headers, CSRF on every POST, IDOR on every route that names something of someone's,
open redirects through every `next=`."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.applications.models import Application, Document, Draft, StatusEvent
from portal.checker import saved_answers
from portal.extensions import db
from portal.web.same_origin import is_tokenless_page
from portal.web.security_headers import HEADERS
from tests.security.world import (
    OWNED_ARGUMENTS,
    build,
    csrf,
    rules,
    sign_out,
    url_for_rule,
)
from tests.support.accounts import sign_in


@pytest.fixture()
def world(client):
    return build(client)


def _check_headers(response, url):
    for name, value in HEADERS.items():
        if name == "Content-Security-Policy" and "sandbox" in response.headers.get(name, ""):
            continue  # downloads carry a stricter policy of their own
        assert response.headers.get(name) == value, (url, name, response.status_code)
    assert response.headers["X-Content-Type-Options"] == "nosniff", url


@pytest.mark.parametrize("who", ["signed_out", "owner", "civil_affairs", "admin"])
def test_security_headers_on_every_get_route(app, client, world, who):
    """Every GET route, with the world's values for its arguments, as each kind of visitor."""
    if who == "owner":
        sign_in(client, world.owner, fresh=True)
    elif who != "signed_out":
        sign_in(client, world.staff[who], fresh=True)
    seen = 0
    for rule in rules(app, "GET"):
        url = url_for_rule(rule, world)
        if url is None:
            continue
        response = client.get(url)
        response.get_data()  # streamed bodies (CSV) run to the end, inside their request
        assert response.status_code < 500, (url, response.status_code)
        _check_headers(response, url)
        seen += 1
    assert seen >= 40


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Application, Draft, Document, StatusEvent))


@pytest.mark.parametrize("who", ["owner", "street_officer", "admin"])
def test_every_post_route_without_a_csrf_token_is_refused_and_changes_nothing(
        app, client, world, who):
    account = world.owner if who == "owner" else world.staff[who]
    sign_in(client, account, fresh=True)
    before = _counts()
    seen = 0
    tokenless = 0
    for rule in rules(app, "POST"):
        url = url_for_rule(rule, world)
        if url is None:
            continue
        # The self-check's forms carry no token: another site's POST is refused by what the
        # browser says of where it came from (portal/web/same_origin.py).
        headers = ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}) \
            if is_tokenless_page(url) else ({},)
        tokenless += is_tokenless_page(url)
        for data in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
            for sent in headers:
                response = client.post(url, headers=sent, data={
                    **data, "declaration": "y", "who": "self", "consent": "y", "note": "x",
                    "message": "x", "answer": "huyi", "a": "hukou.huyi"})
                assert response.status_code == 400, (url, data, sent, response.status_code)
                assert "请求无法处理" in response.get_data(as_text=True)
        seen += 1
    assert seen >= 20
    assert tokenless >= 3   # start, a question, resume
    db.session.expire_all()
    assert _counts() == before
    with client.session_transaction() as session:
        assert saved_answers.KEY not in session


def _owned_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments & OWNED_ARGUMENTS and not rule.endpoint.startswith("testing"):
            yield rule


def test_idor_another_resident_gets_404_on_everything_of_the_owner(app, client, world):
    sign_in(client, world.other, fresh=True)
    token = csrf(client)
    seen = 0
    for rule in _owned_rules(app):
        if rule.rule.startswith("/staff"):
            continue
        url = url_for_rule(rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
        if "POST" in rule.methods:
            response = client.post(url, data={"csrf_token": token, "declaration": "y",
                                              "consent": "y", "household": "low_income"})
            assert response.status_code == 404, ("POST", url, response.status_code)
        seen += 1
    assert seen >= 10
    db.session.expire_all()
    draft = db.session.get(Draft, world.draft_id)
    assert draft is not None and "household" not in (draft.answers or {})


def test_idor_staff_of_another_street_cannot_open_the_application(app, client, world):
    sign_in(client, world.staff["other_street"], fresh=True)
    seen = 0
    for rule in _owned_rules(app):
        if not rule.rule.startswith("/staff") or "reference" not in rule.arguments:
            continue
        url = url_for_rule(rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code in (403, 404), (url, response.status_code)
        if "POST" in rule.methods:
            response = client.post(url, data={"csrf_token": csrf(client, "/staff/queue"),
                                              "version": "1", "note": "x", "message": "x"})
            assert response.status_code in (403, 404), ("POST", url, response.status_code)
        seen += 1
    assert seen >= 3
    assert world.reference not in client.get("/staff/queue").get_data(as_text=True)
    assert world.reference not in client.get("/staff/export.csv").get_data().decode("utf-8-sig")
    db.session.expire_all()
    assert db.session.scalar(select(Application.status)
                             .where(Application.reference == world.reference)) == "submitted"


# Staff sign-in and its second step and enrolment: open to anyone (they ask for a password
# first; tests/test_staff_second_factor.py checks what a half-signed-in session reaches).
SIGN_IN_STEPS = ("/staff/sign-in", "/staff/second-factor/enrol")


@pytest.mark.parametrize("who", ["owner", "other"])
def test_idor_residents_never_open_staff_pages(app, client, world, who):
    sign_in(client, getattr(world, who), fresh=True)
    for rule in rules(app, "GET"):
        if not rule.rule.startswith("/staff/") or rule.rule == "/staff/" \
                or rule.rule.startswith(SIGN_IN_STEPS):
            continue
        url = url_for_rule(rule, world)
        if url is None:
            continue
        assert client.get(url).status_code in (403, 404), url


def test_idor_signed_out_visitors_are_sent_to_sign_in(app, client, world):
    sign_out(client)
    seen = 0
    for rule in _owned_rules(app):
        url = url_for_rule(rule, world)
        if "GET" not in rule.methods:
            continue
        response = client.get(url)
        assert response.status_code in (302, 303), (url, response.status_code)
        location = response.headers["Location"]
        assert "/sign-in" in location, (url, location)
        assert "//" not in location.split("?")[0].replace("http://localhost", ""), location
        seen += 1
    assert seen >= 10


HOSTILE_NEXT = [
    "https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "http:evil.example", "/%2F%2Fevil.example",
    " //evil.example", "\t//evil.example", "https:/\\evil.example", "/\t/evil.example",
    "data:text/html,<script>alert(1)</script>", "//evil.example@localhost/",
    "http://localhost.evil.example/", "%2F%2Fevil.example", "/%5Cevil.example",
]


def _assert_same_site(location: str, context):
    from urllib.parse import urlsplit

    if location.startswith("http://localhost/"):
        location = location[len("http://localhost"):]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, (context, location)
    assert location.startswith("/") and not location.startswith("//"), (context, location)
    assert "\\" not in location, (context, location)
    # a browser reads what follows the first "/" as a path on this site, never as a host


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_next_never_leaves_the_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code in (302, 303)
    _assert_same_site(response.headers["Location"], target)


def _every_link_is_same_site(page: str, context) -> None:
    import html
    import re

    urls = [html.unescape(url) for url in
            re.findall(r'\s(?:href|action|formaction|src)="([^"]*)"', page)]
    assert urls, context
    for url in urls:
        if not url.startswith(("#", "tel:")):     # the hotline's number, and in-page links
            _assert_same_site(url, (context, url))


def _sign_in_rules(app):
    return [r for r in rules(app, "POST") if r.rule.endswith("/sign-in")]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_every_sign_in_next_never_leaves_the_site(app, client, world, target):
    from tests.support.accounts import PASSWORD

    sign_in_rules = _sign_in_rules(app)
    assert len(sign_in_rules) >= 2
    world.owner.password_hash = world.staff["admin"].password_hash
    db.session.commit()
    for rule in sign_in_rules:
        sign_out(client)
        account = world.owner if rule.rule.startswith("/account") else world.staff["admin"]
        token = csrf(client, rule.rule)
        page = client.get(rule.rule, query_string={"next": target}).get_data(as_text=True)
        # The hostile target is never a link or a form's target on the page (it may only
        # travel on inside a same-site URL's own next=, which is checked again there).
        _every_link_is_same_site(page, (rule.rule, target))
        response = client.post(rule.rule, query_string={"next": target},
                               data={"csrf_token": token, "phone": account.phone,
                                     "password": PASSWORD})
        assert response.status_code in (302, 303), (rule.rule, response.status_code)
        _assert_same_site(response.headers["Location"], (rule.rule, target))
    # and the test-only quick sign-in too
    response = client.get(f"/_test/sign-in/{world.owner.phone}", query_string={"next": target})
    _assert_same_site(response.headers["Location"], target)


def test_a_same_site_next_is_kept(app, client, world):
    from tests.support.accounts import PASSWORD

    world.owner.password_hash = world.staff["admin"].password_hash
    db.session.commit()
    token = csrf(client, "/account/sign-in")
    response = client.post("/account/sign-in?next=/apply/", data={
        "csrf_token": token, "phone": world.owner.phone, "password": PASSWORD})
    assert response.headers["Location"].endswith("/apply/")
