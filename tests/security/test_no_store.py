"""Finding 6: nothing a signed-in visitor sees, and nothing that carries personal data, may be
kept by the browser or a cache on the way (`Cache-Control: no-store`) – swept over every GET
route. The kept pages for visitors who are not signed in stay as they are."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.security.world import build, rules, url_for_rule
from tests.support.accounts import sign_in

# Public assets, the same for everyone: cached on purpose (portal/web/delivery.py, media files).
STORABLE = {"media.file"}


@pytest.fixture()
def world(client):
    return build(client)


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.mark.parametrize("who", ["owner", "street_officer", "district_reviewer", "civil_affairs",
                                 "admin"])
def test_every_response_to_a_signed_in_visitor_is_no_store(app, client, world, who):
    sign_in(client, world.owner if who == "owner" else world.staff[who], fresh=True)
    seen = []
    for rule in rules(app, "GET"):
        if rule.endpoint in STORABLE:
            continue
        url = url_for_rule(rule, world)
        response = client.get(url)
        response.get_data()
        assert _no_store(response), (who, url, response.status_code,
                                     response.headers.get("Cache-Control"))
        seen.append(url)
    # the pages the finding named, among them
    assert {"/status/", f"/staff/applications/{world.reference}", "/"} <= set(seen)
    assert len(seen) >= 40


def test_a_signed_in_visitor_never_gets_a_kept_page(client, world):
    client.get("/")                                   # kept for visitors
    sign_in(client, world.owner, fresh=True)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert "退出登录" in html and "我的账户" in html     # rendered for them, not the kept one
    assert _no_store(response)


def test_kept_public_pages_for_visitors_are_not_no_store(client):
    for url in ("/", "/help", "/privacy"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _no_store(response), url


def test_fingerprinted_assets_stay_cached_for_a_signed_in_visitor(client, world):
    import re

    sign_in(client, world.owner, fresh=True)
    html = client.get("/status/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(css)
    assert "immutable" in response.headers["Cache-Control"]


def test_every_page_for_a_visitor_not_signed_in_but_the_kept_ones_is_no_store(app, client,
                                                                              world):
    """Personal data reaches visitors who are not signed in too: the family look-up's result,
    the self-check's answers, a sign-in form with the number typed. Only the kept pages (the
    portal's own text) and public assets may be stored."""
    client.delete_cookie("session")
    kept = 0
    for rule in rules(app, "GET"):
        if rule.endpoint in STORABLE:
            continue
        response = client.get(url_for_rule(rule, world))
        response.get_data()
        if response.status_code == 200 and not _no_store(response):
            # only a page the kept-page cache served may be stored
            assert rule.endpoint.startswith(("public.", "guides.")), rule.endpoint
            kept += 1
    assert kept >= 3


def test_a_form_sent_back_with_its_errors_is_no_store(app, client, world):
    """POSTs too, not only the GETs swept above: a form sent back with what was typed in it
    carries it – the payment form with a wrong card number (signed in), a sign-in with a wrong
    password (not signed in, the number typed still in the form; residents' and staff's)."""
    from tests.support.accounts import PASSWORD
    from tests.support.apply import CARD, post, start_for_other

    sign_in(client, world.owner, fresh=True)
    draft_id = start_for_other(client, programme="nursing_allowance")
    wrong_card = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)      # fails the check digit
    response = post(client, f"/apply/drafts/{draft_id}/payment", {
        "method": "bank", "bank_name": "中国银行", "account_holder": "王秀英",
        "card_number": wrong_card})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and wrong_card in html     # sent back, as typed
    assert _no_store(response), response.headers.get("Cache-Control")

    for page, phone in (("/account/sign-in", world.owner.phone),
                        ("/staff/sign-in", world.staff["street_officer"].phone)):
        client.delete_cookie("session")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get(page).get_data(as_text=True)).group(1)
        response = client.post(page, data={"csrf_token": token, "phone": phone,
                                           "password": PASSWORD + "-wrong"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and phone in html, page   # the number, as typed
        assert _no_store(response), (page, response.headers.get("Cache-Control"))
