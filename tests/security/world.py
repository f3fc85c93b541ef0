"""A small world for the security sweeps: two residents, staff of two streets, a submitted
application with a document, a draft with a document – and the values that fill every
parameterised route of the url_map."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.applications.models import Application, Document
from portal.extensions import db
from tests.support.apply import PNG, fill_all, first_document_kind, post, start_for_other, upload
from tests.support.accounts import make_account, sign_in

OWNER_PHONE = "13911112222"
OTHER_PHONE = "13922223333"
# Route arguments that name something belonging to someone.
OWNED_ARGUMENTS = {"draft_id", "document_id", "reference", "account_id"}


@dataclass
class World:
    owner: object
    other: object
    draft_id: int
    draft_document_id: int
    reference: str
    application_document_id: int
    staff: dict = field(default_factory=dict)

    def value(self, rule, argument: str):
        """A value for `argument` of `rule` that names something of the owner's."""
        if argument == "draft_id":
            return self.draft_id
        if argument == "document_id":
            if rule.rule.startswith("/apply/drafts/"):
                return self.draft_document_id
            return self.application_document_id
        if argument == "reference":
            return self.reference
        if argument == "account_id":
            return self.staff["street_officer"].id
        if argument == "action_code":
            return "accept"
        if argument == "programme":
            return "nursing_allowance"
        if argument == "code":
            return "en" if rule.endpoint.startswith("public.") else "nursing_allowance"
        if argument == "question_id":
            return "age"
        return None


def build(client) -> World:
    """Resident `owner` has a submitted application (with a document) and a draft (with a
    document); `other` is a second resident; staff of ganting and yuxia, and the district."""
    owner = sign_in(client, make_account(phone=OWNER_PHONE, name="李红"))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    reference = re.search(r"/apply/applications/([^/]+)/", response.headers["Location"]).group(1)
    application = db.session.scalar(select(Application).where(Application.reference == reference))
    application_document = db.session.scalar(
        select(Document).where(Document.application_id == application.id))

    second = start_for_other(client, programme="living_allowance")
    upload(client, second, first_document_kind(second), PNG, "户口本.png")
    draft_document = db.session.scalar(
        select(Document).where(Document.draft_id == second).order_by(Document.id.desc()))
    client.get("/_test/sign-out")

    other = make_account(phone=OTHER_PHONE, name="张伟")
    staff = {
        "street_officer": make_account("street_officer", street="ganting"),
        "other_street": make_account("street_officer", street="yuxia"),
        "district_reviewer": make_account("district_reviewer"),
        "civil_affairs": make_account("civil_affairs"),
        "admin": make_account("admin"),
    }
    return World(owner=owner, other=other, draft_id=second,
                 draft_document_id=draft_document.id, reference=reference,
                 application_document_id=application_document.id, staff=staff)



def url_for_rule(rule, world: World) -> str:
    """The rule's URL with the world's values. An argument the world has no value for gets "1"
    (the route is still swept: headers, CSRF, no 5xx); one that names something of someone's
    (OWNED_ARGUMENTS) must have a real value, so that the IDOR sweep means something."""
    values = {}
    for argument in rule.arguments:
        value = world.value(rule, argument)
        assert value is not None or argument not in OWNED_ARGUMENTS, (
            f"{rule.rule}: no value for <{argument}> – add one to World.value")
        values[argument] = "1" if value is None else value
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), url)
    return url


def sign_out(client) -> None:
    client.delete_cookie("session")


def csrf(client, path: str = "/apply/nursing_allowance/") -> str:
    """The session's CSRF token, read from `path` or else from a page every account has."""
    for page in (path, "/account/change-password", "/account/sign-in"):
        html = client.get(page).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")


def rules(app, method: str):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static" \
                and not rule.endpoint.startswith("testing"):
            yield rule
