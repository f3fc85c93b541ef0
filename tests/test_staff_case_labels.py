"""The staff case page shows people's words, never the portal's codes: document kinds by their
names (from the programme's documents and the supplement label the status pages use), the
applicant's declaration as a labelled section, no draft number, no dict reprs, no snake_case
keys – on every demo case. And it uses the width a staff monitor has."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications.models import Application
from portal.cli import demo_content as demo
from tests.support.accounts import sign_in

INTERNAL = [
    re.compile(r"doc-[0-9a-f]{6}"),              # a document kind's key
    re.compile(r"\{'[^']*':"),                    # a dict's repr
    re.compile(r">\s*[a-z]+(?:_[a-z0-9]+)+\s*<"),  # a snake_case key as a cell's whole text
    re.compile(r">\s*(?:supplement|declaration|draft_id|given|at)\s*<"),
    re.compile(r"\b(?:draft_id|declaration)\b"),
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", lambda tag: "<>", html)   # attributes (ids, URLs) left out


def test_no_internal_codes_on_any_demo_case_or_one_just_submitted(client, db):
    """The demo cases, and one sent through the resident's journey (its answers keep the
    draft it came from and the declaration; its document kinds are keys)."""
    from tests.support.apply import fill_all, post, start_for_other
    from tests.support.accounts import APPLICANT, make_account

    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    demo.seed()
    reviewer = db.session.scalar(select(Account).where(Account.role == "district_reviewer"))
    sign_in(client, reviewer)
    references = list(db.session.scalars(select(Application.reference)))
    assert references
    for lang in ("zh_Hans_CN", "en"):
        client.set_cookie("lang", lang)
        for reference in references:
            html = client.get(f"/staff/applications/{reference}").get_data(as_text=True)
            text = visible_text(html)
            for pattern in INTERNAL:
                found = pattern.search(text)
                assert found is None, (reference, lang, found.group(0))


def test_a_supplement_and_the_programme_documents_are_named(client, db):
    from portal.applications.models import Document
    from portal.apply import programmes
    from tests.support.staff import make_application
    from tests.support.accounts import make_account

    resident = make_account("resident")
    application = make_application(resident)
    with client.application.test_request_context():
        kind = programmes.documents(application.programme, "family")[0]
    for n, document_kind in enumerate((kind.kind, "supplement")):
        db.session.add(Document(kind=document_kind, storage_name=f"{n:032x}",
                                original_name=f"照片{n}.jpg", content_type="image/jpeg",
                                size_bytes=1000, sha256="0" * 64, application_id=application.id,
                                uploaded_by_account_id=resident.id))
    db.session.commit()
    sign_in(client, make_account("street_officer", street="ganting"))
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert f">{kind.label}<" in html and ">补充提交的材料<" in html
    assert "doc-" not in visible_text(html) and "supplement" not in visible_text(html)


def test_the_case_page_uses_the_width_of_the_screen(client, db):
    """Wide on a wide monitor (the page's container is the wide one, its answer sections a
    grid), one column on a phone (every column's minimum is min(100%, …))."""
    from pathlib import Path

    from tests.support.staff import make_application
    from tests.support.accounts import make_account

    application = make_application(make_account("resident"), answers={
        "personal": {"full_name": "王秀兰", "address": "甘亭街道"},
        "household": {"household": "low_income"}})
    sign_in(client, make_account("street_officer", street="ganting"))
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert '<div class="container container--wide">' in html
    assert html.count('<section class="case-sections__item"') == 2
    css = (Path(__file__).parent.parent / "static/css/portal.css").read_text(encoding="utf-8")
    wide = re.search(r"\.container--wide \{ max-width: (\d+)rem; \}", css)
    assert wide and int(wide.group(1)) >= 90
    rules = re.findall(r"^\.case-sections \{[^}]*\}", css, flags=re.M)
    assert rules and all("minmax(min(100%," in rule for rule in rules)
    # other pages keep the reading width
    assert '<div class="container">' in client.get("/staff/queue").get_data(as_text=True)
