"""Stored XSS: hostile text a resident types (address, bank name, the uploaded file's name)
is shown escaped on every staff page that renders it – the application view, the queue, the
CSV export – never run as markup, never evaluated as a template, never a spreadsheet formula."""
from __future__ import annotations

import csv
import io
import re

import pytest
from markupsafe import escape

from portal.extensions import db
from tests.support import staff as staff_factories
from tests.support.apply import (MOTHER_ID, CARD, MOTHER_CERTIFICATE, PNG, answer_questions,
                                 first_document_kind, post, start_for_other, upload)
from tests.security.world import csrf
from tests.support.accounts import APPLICANT, make_account, sign_in

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}{{1234*1000}}",
    "{% print(1234*1000) %}",
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "'><a href=javascript:alert(1)>x</a>",
    "${1234*1000}#{1234*1000}",
    "</textarea><script>alert(1)</script>",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
]
# What must never appear in a staff page once the payloads are stored.
RAW_MARKERS = ["<script>alert(1)", "<img src=x", "onerror=alert(1)>", "<svg/onload",
               "<a href=javascript:", "</textarea><script>"]


def _submit_with(client, payload: str) -> str:
    """A resident submits a nursing-allowance application whose free-text answers carry
    `payload`; returns its reference."""
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    steps = [
        (f"/apply/drafts/{draft_id}/personal",
         {"full_name": "王秀英", "id_number": MOTHER_ID, "phone": "13911112222",
          "address": f"甘亭街道{payload}",
          "street": "ganting"}),
        (f"/apply/drafts/{draft_id}/certificate",
         {"has_certificate": "yes", "certificate_number": MOTHER_CERTIFICATE,
          "category": "physical", "grade": "1", "valid_until": "2031-05-01"}),
        (f"/apply/drafts/{draft_id}/household", {"household": "low_income"}),
        (f"/apply/drafts/{draft_id}/payment",
         {"method": "bank_card", "bank_name": payload[:60], "account_holder": "王秀英",
          "card_number": CARD}),
    ]
    for path, data in steps:
        response = post(client, path, data)
        assert response.status_code == 303, (path, payload)
        # the resident's own pages escape it too
    check_page = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    _assert_inert(check_page, payload, "resident check page")
    answer_questions(client, draft_id, "nursing_allowance")
    response = upload(client, draft_id, first_document_kind(draft_id), PNG,
                      f"{payload}.png".replace('"', "'"))  # browsers send " as %22
    assert response.status_code == 303
    assert post(client, f"/apply/drafts/{draft_id}/documents").status_code == 303
    assert post(client, f"/apply/drafts/{draft_id}/consent", {"consent": "y"}).status_code == 303
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    client.get("/_test/sign-out")
    return re.search(r"/apply/applications/([^/]+)/", response.headers["Location"]).group(1)


def _assert_inert(html: str, payload: str, where: str):
    for marker in RAW_MARKERS:
        assert marker not in html, (where, marker)
    # a template payload evaluated would leave its product (1234000) on the page
    assert "1234000" not in html, (where, "template evaluated")


def _queue_search(client, payload):
    """The search sent (POST); the page it leads to, or the form again when it is too long."""
    response = client.post("/staff/queue", data={"csrf_token": csrf(client, "/staff/queue"),
                                                 "q": payload})
    return client.get(response.headers["Location"]) if response.status_code == 303 \
        else response


@pytest.mark.parametrize("payload", PAYLOADS)
def test_resident_text_is_inert_on_every_staff_page(client, db, payload):
    reference = _submit_with(client, payload)
    officer = make_account("street_officer", street="ganting")
    sign_in(client, officer, fresh=True)
    pages = {
        "application": client.get(f"/staff/applications/{reference}"),
        "queue": client.get("/staff/queue"),
        "queue search": _queue_search(client, payload),
        "action": client.get(f"/staff/applications/{reference}/actions/accept"),
    }
    for where, response in pages.items():
        assert response.status_code in (200, 409), (where, response.status_code)
        _assert_inert(response.get_data(as_text=True), payload, where)
    view = pages["application"].get_data(as_text=True)
    assert "甘亭街道" in view  # the address is shown…
    if "1234*1000" in payload:
        assert "1234*1000" in view  # …as typed
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped[:20] in view.replace("&#34;", '"').replace("&#39;", "'"), payload  # …escaped

    # the document's name, as the download offers it
    document_links = re.findall(rf"/staff/applications/{reference}/documents/(\d+)", view)
    assert document_links
    download = client.get(f"/staff/applications/{reference}/documents/{document_links[0]}")
    assert download.status_code == 200
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "\n" not in disposition

    export = client.get("/staff/export.csv")
    body = export.get_data().decode("utf-8-sig")
    assert export.headers["Content-Type"].startswith("text/csv")
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://e","x")']


def test_csv_export_neutralises_every_formula_start(client, db):
    """Names come from the resident's answers; whatever a person record holds, no cell of the
    export starts a formula."""
    applicant = make_account("resident", street="")
    for text in FORMULAS:
        person, _ = staff_factories.make_person(name=text)
        staff_factories.make_application(applicant, person=person)
    sign_in(client, make_account("street_officer", street="ganting"), fresh=True)
    body = client.get("/staff/export.csv").get_data().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    for text in FORMULAS:
        assert "'" + text in cells, text
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    db.session.rollback()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_answer_to_a_request_for_more_information_is_inert_for_staff(client, db, payload):
    """补正: what the applicant writes back is shown to the officer (and in the applicant's own
    timeline) as text, never as markup or a template."""
    from tests.support.status import family, post, request_info

    f = family(status="accepted")
    request_info(f.application, f.officer, message="请补充一张清晰的残疾人证照片。")
    page = f"/status/applications/{f.application.reference}/answer"
    sign_in(client, f.daughter)
    response = post(client, page, {"version": str(f.application.version), "send": "1",
                                   "answer": payload},
                    page=page, content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.status_code
    _assert_inert(client.get(f"/status/applications/{f.application.reference}")
                  .get_data(as_text=True), payload, "the applicant's timeline")
    client.get("/_test/sign-out")
    sign_in(client, f.officer)
    html = client.get(f"/staff/applications/{f.application.reference}").get_data(as_text=True)
    _assert_inert(html, payload, "the staff application view")
    assert str(escape(payload)) in html, "the answer is not shown to the officer"
