"""统一身份认证 (issue 19): the resident signs in at the government's OpenID Connect provider.

Authlib's Flask client sends them there with a state and a nonce and, on their way back,
verifies the ID token: its signature against the provider's published keys (JWKS), the
issuer, the audience (our client id), the expiry and the nonce. Only then does
`sign_in_verified` run, with the token's claims:

- the account is the one linked to (issuer, sub) – never found by a name, phone or number;
- at the first login a resident's account is made with the phone number in the token (with a
  random password nobody knows: a password can be set later by SMS) and linked; a number that
  already has an account is refused (the person signs in with the password instead), so that
  nobody takes over an account by a claim;
- the login proves the person: a "self" PersonLink to the person with that ID number (found,
  or recorded, by the number's keyed hash), made as every proven link is (person_links).

A resident already signed in with a password may link the unified identity to that account
(`link_verified`, from the page "查看以您名义办理的所有申请"): the same verified login, then the
identity belongs to this account and proves the person – unless the identity already belongs
to another account, or this account already has another identity at the provider.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from portal.accounts import person_links
from portal.accounts import sign_in as accounts
from portal.accounts.models import Account
from portal.audit import log as audit
from portal.database.columns import utcnow
from portal.extensions import db
from portal.people import identity, phone_numbers
from portal.people.models import Person
from portal.unified_identity.models import UnifiedIdentityLink

CLIENT = "unified_id"
EXTENSION = "portal.unified_identity"
SCOPE = "openid profile phone id_number"


class LoginRefused(Exception):
    """The verified login cannot sign anyone in (or be linked). `reason`: claims, phone_taken,
    staff, disabled; when linking: linked_elsewhere (the identity belongs to another account),
    other_identity (this account has another identity at the provider)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    name: str
    id_number: str
    phone: str | None


def configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("UNIFIED_ID_ISSUER") and config.get("UNIFIED_ID_CLIENT_ID")
                and config.get("UNIFIED_ID_CLIENT_SECRET"))


def client():
    """Authlib's client for this app, registered on first use (None when not configured)."""
    app = current_app._get_current_object()
    if not configured(app):
        return None
    if EXTENSION not in app.extensions:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(app)
        issuer = app.config["UNIFIED_ID_ISSUER"].rstrip("/")
        oauth.register(
            CLIENT, client_id=app.config["UNIFIED_ID_CLIENT_ID"],
            client_secret=app.config["UNIFIED_ID_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "default_timeout": 10})
        app.extensions[EXTENSION] = oauth
    return app.extensions[EXTENSION].create_client(CLIENT)


def read_claims(userinfo: dict, issuer: str) -> Claims:
    """The claims the portal needs, checked; LoginRefused("claims") if any is missing or bad."""
    try:
        number = identity.parse_id_number(str(userinfo.get("id_number") or ""))
    except ValueError:
        raise LoginRefused("claims") from None
    subject = str(userinfo.get("sub") or "")
    name = str(userinfo.get("name") or "").strip()[:60]
    if not subject or not name:
        raise LoginRefused("claims")
    try:
        phone = phone_numbers.normalise(userinfo.get("phone_number"))
    except ValueError:
        phone = None
    return Claims(issuer, subject, name, number.value, phone)


def sign_in_verified(claims: Claims) -> Account:
    """The account for a verified login: found by its link, or made and linked at the first
    login; the person proven. Audited; commits."""
    account = db.session.scalar(
        select(Account).join(UnifiedIdentityLink, UnifiedIdentityLink.account_id == Account.id)
        .where(UnifiedIdentityLink.issuer == claims.issuer,
               UnifiedIdentityLink.subject == claims.subject))
    first = account is None
    if first:
        account = _new_account(claims)
    if account.signs_in_as_staff:          # staff and village workers sign in on the staff page
        raise LoginRefused("staff")
    if not account.active:
        raise LoginRefused("disabled")
    account.failed_sign_ins = 0
    account.sign_in_locked_until = None
    account.last_sign_in_at = utcnow()
    audit.record(account, "sign_in", "account", str(account.id),
                 {"via": "unified_identity", "first": first})
    db.session.commit()
    person_links.prove_by_unified_identity(account, _person(claims))
    return account


def link_verified(account: Account, claims: Claims) -> None:
    """Link the verified identity to `account` (a signed-in resident) and prove the person.
    Audited; commits. LoginRefused when the identity or the account is taken."""
    if account.is_staff:
        raise LoginRefused("staff")
    links = db.session.scalars(select(UnifiedIdentityLink).where(
        UnifiedIdentityLink.issuer == claims.issuer,
        (UnifiedIdentityLink.subject == claims.subject)
        | (UnifiedIdentityLink.account_id == account.id))).all()
    if any(link.subject == claims.subject and link.account_id != account.id for link in links):
        raise LoginRefused("linked_elsewhere")
    if any(link.account_id == account.id and link.subject != claims.subject for link in links):
        raise LoginRefused("other_identity")
    if not links:
        db.session.add(UnifiedIdentityLink(account_id=account.id, issuer=claims.issuer,
                                           subject=claims.subject))
        audit.record(account, "unified_identity_linked", "account", str(account.id), {})
        db.session.commit()
    person_links.prove_by_unified_identity(account, _person(claims))


def _new_account(claims: Claims) -> Account:
    if claims.phone is None:
        raise LoginRefused("claims")
    if accounts.find_by_phone(claims.phone) is not None:
        raise LoginRefused("phone_taken")
    try:
        account = accounts.register(claims.phone, claims.name, secrets.token_urlsafe(32))
    except accounts.AccountError:
        raise LoginRefused("phone_taken") from None
    db.session.add(UnifiedIdentityLink(account_id=account.id, issuer=claims.issuer,
                                       subject=claims.subject))
    db.session.flush()
    return account


def _person(claims: Claims) -> Person:
    """The person with the token's ID number, recorded (name and number only) if new."""
    person = db.session.scalar(select(Person).where(
        Person.id_number_hash.in_(identity.lookup_hashes(claims.id_number))))
    if person is None:
        person = Person(full_name=claims.name, **identity.stored_fields(claims.id_number))
        db.session.add(person)
        db.session.flush()
    return person
