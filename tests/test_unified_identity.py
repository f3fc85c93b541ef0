"""统一身份认证 (issue 19): the whole login through the stand-in provider (portal/dev_identity).

The browser's steps go through the test client. Authlib's server-to-server calls (discovery,
token, JWKS) are made with `requests`; here a transport adapter hands them to a second test
client of the same app (`ProviderTransport`) instead of a real socket. So everything runs in
this process, in the test's database transaction, with no port to find or thread to stop –
and the test can see (and, to forge one, replace) the ID token the provider sends back.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.jose import JsonWebKey
from requests.adapters import BaseAdapter
from sqlalchemy import func, select

from portal.accounts.models import Account, PersonLink
from portal.audit.models import AuditEvent
from portal.dev_identity import routes as provider
from portal.people import identity
from portal.people.models import Person
from portal.unified_identity import service
from portal.unified_identity.models import UnifiedIdentityLink
from tests.support.accounts import make_account, sign_in

ISSUER = "http://localhost/dev-identity"
WANG = provider.DEMO_IDENTITIES[0]


class ProviderTransport(BaseAdapter):
    """`requests` → the app's test client. `rewrite(json)` may change a token response."""

    def __init__(self, app, rewrite=None):
        super().__init__()
        self.app, self.rewrite, self.calls = app, rewrite, []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        self.calls.append(parts.path)
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() != "accept-encoding"}     # the body as it is, not compressed
        with self.app.test_client() as client:
            answer = client.open(parts.path, query_string=parts.query, method=request.method,
                                 data=request.body, headers=headers)
        body = answer.get_data()
        if self.rewrite and parts.path.endswith("/token") and answer.status_code == 200:
            body = json.dumps(self.rewrite(answer.get_json())).encode()
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update({"Content-Type": answer.headers["Content-Type"]})
        response._content = body
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture()
def transport(app, monkeypatch):
    """The provider configured and reached through ProviderTransport."""
    monkeypatch.setitem(app.config, "UNIFIED_ID_ISSUER", ISSUER)
    app.extensions.pop(service.EXTENSION, None)
    adapter = ProviderTransport(app)
    original = requests.Session.get_adapter

    def get_adapter(session, url):
        return adapter if url.startswith(ISSUER) else original(session, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    yield adapter
    app.extensions.pop(service.EXTENSION, None)


def _csrf(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def _hidden(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def _to_provider(client, next_path=None):
    """Sign-in page → the button → the provider's page; returns that page's response."""
    page = client.get("/account/sign-in")
    assert "用统一身份认证登录" in page.get_data(as_text=True)
    start = client.get("/account/unified-id/start",
                       query_string={"next": next_path} if next_path else None)
    assert start.status_code == 302, start.headers.get("Location")
    location = urlsplit(start.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == ISSUER + "/authorize"
    query = parse_qs(location.query)
    assert query["state"][0] and query["nonce"][0]
    return client.get(location.path, query_string=location.query)


def _pick(client, page, who=WANG, **changes):
    """Choose the identity on the provider's page; returns the redirect back to the portal."""
    html = page.get_data(as_text=True)
    form = {**_hidden(html), "csrf_token": _csrf(html), "identity": who.sub, **changes}
    back = client.post("/dev-identity/authorize", data=form)
    assert back.status_code == 303
    return back.headers["Location"]


def _log_in(client, who=WANG, next_path=None):
    back = _pick(client, _to_provider(client, next_path), who)
    return client.get(urlsplit(back).path, query_string=urlsplit(back).query)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_first_login_creates_links_and_proves_then_the_second_finds_the_account(
        client, db, transport):
    done = _log_in(client, next_path="/status/")
    assert done.status_code == 303 and done.headers["Location"] == "/status/"
    account = db.session.scalar(select(Account).where(Account.phone == WANG.phone))
    assert account is not None and account.role == "resident"
    assert account.display_name == WANG.name
    link = db.session.scalar(select(UnifiedIdentityLink))
    assert (link.account_id, link.issuer, link.subject) == (account.id, ISSUER, WANG.sub)
    person = db.session.scalar(select(Person).where(
        Person.id_number_hash.in_(identity.lookup_hashes(WANG.id_number))))
    assert person is not None and person.full_name == WANG.name
    [proof] = db.session.scalars(select(PersonLink)).all()
    assert (proof.account_id, proof.person_id, proof.role, proof.proven_by) == \
        (account.id, person.id, "self", "unified")
    audited = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "sign_in", AuditEvent.object_id == str(account.id))).all()
    assert [event.detail for event in audited] == [{"via": "unified_identity", "first": True}]
    home = client.get("/account/")
    assert home.status_code == 200          # signed in, as a resident
    # The server-to-server calls: discovery, token, keys.
    assert transport.calls == ["/dev-identity/.well-known/openid-configuration",
                               "/dev-identity/token", "/dev-identity/jwks"]

    client.post("/account/sign-out", data={"csrf_token": _csrf(home.get_data(as_text=True))})
    assert client.get("/account/").status_code == 303
    again = _log_in(client)
    assert again.status_code == 303 and again.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert _count(db, Account) == 1 and _count(db, UnifiedIdentityLink) == 1
    assert _count(db, PersonLink) == 1 and _count(db, Person) == 1


def test_an_existing_person_is_proven_not_recorded_twice(client, db, transport):
    person = Person(full_name=WANG.name, **identity.stored_fields(WANG.id_number))
    db.session.add(person)
    db.session.commit()
    _log_in(client)
    [proof] = db.session.scalars(select(PersonLink)).all()
    assert proof.person_id == person.id and _count(db, Person) == 1


def test_a_phone_that_already_has_an_account_is_not_taken_over(client, db, transport):
    owner = make_account("resident", phone=WANG.phone)
    answer = _log_in(client)
    assert answer.headers["Location"] == "/account/sign-in"
    assert "已经注册过" in client.get("/account/sign-in").get_data(as_text=True)
    assert client.get("/account/").status_code == 303          # nobody signed in
    assert _count(db, UnifiedIdentityLink) == 0
    assert db.session.scalars(select(PersonLink).where(PersonLink.account_id == owner.id)).all() \
        == []


def _refused(client, db, answer):
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/sign-in"
    assert "没能通过统一身份认证登录" in client.get("/account/sign-in").get_data(as_text=True)
    assert client.get("/account/").status_code == 303
    assert _count(db, Account) == 0 and _count(db, PersonLink) == 0


def test_an_id_token_signed_with_another_key_is_refused(client, db, transport):
    other = JsonWebKey.generate_key("RSA", 2048, is_private=True,
                                    options={"kid": provider.signing_key().as_dict()["kid"]})

    def forge(answer):
        from authlib.jose import jwt

        claims = jwt.decode(answer["id_token"], provider.signing_key())
        return {**answer, "id_token": provider.sign(dict(claims), other)}

    transport.rewrite = forge
    _refused(client, db, _log_in(client))


def test_a_wrong_nonce_is_refused(client, db, transport):
    def wrong_nonce(answer):
        from authlib.jose import jwt

        claims = dict(jwt.decode(answer["id_token"], provider.signing_key()))
        return {**answer, "id_token": provider.sign({**claims, "nonce": "someone-elses"})}

    transport.rewrite = wrong_nonce
    _refused(client, db, _log_in(client))


def test_a_wrong_state_is_refused(client, db, transport):
    back = urlsplit(_pick(client, _to_provider(client)))
    query = parse_qs(back.query)
    _refused(client, db, client.get(back.path, query_string={
        "code": query["code"][0], "state": secrets.token_urlsafe(16)}))


def test_a_token_for_another_client_is_refused(client, db, transport):
    def other_audience(answer):
        from authlib.jose import jwt

        claims = dict(jwt.decode(answer["id_token"], provider.signing_key()))
        return {**answer, "id_token": provider.sign({**claims, "aud": "another-portal"})}

    transport.rewrite = other_audience
    _refused(client, db, _log_in(client))


def test_an_expired_token_is_refused(client, db, transport):
    def expired(answer):
        from authlib.jose import jwt

        claims = dict(jwt.decode(answer["id_token"], provider.signing_key()))
        past = int(time.time()) - 3600
        return {**answer, "id_token": provider.sign({**claims, "iat": past - 600, "exp": past})}

    transport.rewrite = expired
    _refused(client, db, _log_in(client))


def test_a_staff_account_linked_to_the_identity_is_not_signed_in_here(client, db, transport):
    officer = make_account("street_officer", street="ganting", phone="13800000001")
    db.session.add(UnifiedIdentityLink(account_id=officer.id, issuer=ISSUER, subject=WANG.sub))
    db.session.commit()
    answer = _log_in(client)
    assert answer.headers["Location"] == "/account/sign-in"
    assert client.get("/staff/").status_code in (302, 303)


def test_the_button_is_hidden_and_the_routes_gone_when_not_configured(client, app):
    assert not app.config.get("UNIFIED_ID_ISSUER")
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert "用统一身份认证登录" not in page and "unified-id" not in page
    assert client.get("/account/unified-id/start").status_code == 404
    assert client.get("/account/unified-id/callback").status_code == 404


def test_the_provider_page_has_a_labelled_choice_and_says_what_is_missing(client, transport):
    page = _to_provider(client)
    html = page.get_data(as_text=True)
    assert "<legend" in html and 'for="identity-0"' in html
    data = {**_hidden(html), "csrf_token": _csrf(html)}
    answer = client.post("/dev-identity/authorize", data=data)
    assert answer.status_code == 200 and "请选择一个演示身份" in answer.get_data(as_text=True)


def test_the_provider_refuses_an_unknown_client_and_a_foreign_redirect(client, transport):
    base = {"response_type": "code", "state": "s", "nonce": "n",
            "client_id": "huyi-portal-test",
            "redirect_uri": "http://localhost/account/unified-id/callback"}
    assert client.get("/dev-identity/authorize", query_string=base).status_code == 200
    assert client.get("/dev-identity/authorize", query_string={
        **base, "client_id": "someone"}).status_code == 400
    assert client.get("/dev-identity/authorize", query_string={
        **base, "redirect_uri": "http://evil.example/cb"}).status_code == 400
    assert client.post("/dev-identity/token", data={"code": "x"}).status_code == 400
    assert client.post("/dev-identity/token", data={"code": "x"},
                       headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_production_refuses_the_stand_in_provider():
    from cryptography.fernet import Fernet

    from portal import create_app

    settings = {"ENV_NAME": "production", "SECRET_KEY": secrets.token_urlsafe(32),
                "ID_HASH_KEYS": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    with pytest.raises(RuntimeError, match="DEV_IDENTITY_PROVIDER"):
        create_app({**settings, "DEV_IDENTITY_PROVIDER": True})
    app = create_app(settings)
    assert "dev_identity" not in app.blueprints


# ── linking the identity to an account signed in with a password ──────────────────────────

def _link(client, who=WANG):
    """The prove page's form → the provider → back; returns the portal's answer."""
    page = client.get("/status/prove/")
    assert page.status_code == 200 and "用统一身份认证确认" in page.get_data(as_text=True)
    start = client.post("/account/unified-id/link",
                        data={"csrf_token": _csrf(page.get_data(as_text=True))})
    assert start.status_code == 302
    location = urlsplit(start.headers["Location"])
    back = urlsplit(_pick(client, client.get(location.path, query_string=location.query), who))
    return client.get(back.path, query_string=back.query)


def test_a_signed_in_resident_links_the_identity_and_is_proven(client, db, transport):
    person = Person(full_name=WANG.name, **identity.stored_fields(WANG.id_number))
    db.session.add(person)
    resident = make_account("resident", phone="13911112222")
    sign_in(client, resident)
    done = _link(client)
    assert done.status_code == 303 and done.headers["Location"] == "/status/"
    link = db.session.scalar(select(UnifiedIdentityLink))
    assert (link.account_id, link.subject) == (resident.id, WANG.sub)
    [proof] = db.session.scalars(select(PersonLink)).all()
    assert (proof.account_id, proof.person_id, proof.role, proof.proven_by) == \
        (resident.id, person.id, "self", "unified")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "unified_identity_linked",
        AuditEvent.object_id == str(resident.id))) == 1
    assert _count(db, Account) == 1            # no second account made

    # Later, the identity signs in to that same account.
    home = client.get("/account/")
    client.post("/account/sign-out", data={"csrf_token": _csrf(home.get_data(as_text=True))})
    again = _log_in(client)
    assert again.status_code == 303
    assert client.get("/account/").status_code == 200
    assert _count(db, Account) == 1 and _count(db, UnifiedIdentityLink) == 1


def test_an_identity_of_another_account_is_not_linked(client, db, transport):
    _log_in(client)                                # WANG's own account, made at first login
    owner = db.session.scalar(select(Account).where(Account.phone == WANG.phone))
    client.post("/account/sign-out",
                data={"csrf_token": _csrf(client.get("/account/").get_data(as_text=True))})
    intruder = make_account("resident", phone="13911113333")
    sign_in(client, intruder)
    refused = _link(client)
    assert refused.headers["Location"] == "/status/prove/"
    shown = client.get("/status/prove/").get_data(as_text=True)
    assert "不能关联" in shown, re.findall(r"统一身份认证[^<]*", shown)
    assert [link.account_id for link in db.session.scalars(select(UnifiedIdentityLink))] == \
        [owner.id]
    assert db.session.scalars(select(PersonLink).where(
        PersonLink.account_id == intruder.id)).all() == []


def test_linking_needs_the_form_and_a_resident(client, db, transport):
    assert client.post("/account/unified-id/link").status_code in (400, 303)
    resident = make_account("resident", phone="13911114444")
    sign_in(client, resident)
    assert client.post("/account/unified-id/link").status_code == 400    # no CSRF token
    # A plain sign-in trip started in this session signs in; it never links.
    assert _count(db, UnifiedIdentityLink) == 0
