"""Helpers for the application-journey tests: posting forms with their CSRF token, and walking a
draft through its sections (accounts and signing in: tests/support/accounts.py)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal.applications.models import Draft
from portal.cli.demo_content import make_id_number
from portal.extensions import db

MOTHER_ID = make_id_number("610118", date(1950, 4, 8), 24)        # female, born 1950
DAUGHTER_ID = make_id_number("610118", date(1978, 9, 1), 46)
CHILD_ID = make_id_number("610118", date(2019, 5, 20), 13)        # male, a minor
MOTHER_CERTIFICATE = MOTHER_ID + "41"                             # 肢体, 一级


def _image(fmt: str) -> bytes:
    """A small real photo (uploads are decoded and written again, so they must decode)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, fmt)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
def plain_pdf() -> bytes:
    """A real one-page PDF (uploads are parsed, so they must parse)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_in_object_stream(objects: dict[int, bytes]) -> bytes:
    """A PDF whose objects (number → dictionary, 1 the catalog) all sit inside one compressed
    object stream, with a compressed cross-reference stream: none of their names can be read
    from the file's bytes, only by parsing it."""
    import zlib

    numbers = sorted(objects)
    body, offsets = b"", []
    for number in numbers:
        offsets.append(len(body))
        body += objects[number] + b"\n"
    header = b" ".join(b"%d %d" % (n, o) for n, o in zip(numbers, offsets)) + b"\n"
    stream = zlib.compress(header + body)
    stream_number, xref_number = max(numbers) + 1, max(numbers) + 2
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    stream_offset = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (stream_number, len(numbers), len(header), len(stream))
            + stream + b"\nendstream\nendobj\n")
    xref_offset = len(out)
    rows = b"\x00" + (0).to_bytes(4, "big") + (0xFFFF).to_bytes(2, "big")
    for number in range(1, xref_number + 1):
        if number in objects:
            rows += b"\x02" + stream_number.to_bytes(4, "big") + \
                numbers.index(number).to_bytes(2, "big")
        elif number == stream_number:
            rows += b"\x01" + stream_offset.to_bytes(4, "big") + (0).to_bytes(2, "big")
        elif number == xref_number:
            rows += b"\x01" + xref_offset.to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += b"\x00" + (0).to_bytes(4, "big") + (0).to_bytes(2, "big")
    xref = zlib.compress(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
            b"/Length %d >>\nstream\n" % (xref_number, xref_number + 1, len(xref))
            + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset)
    return out


PAGES = {2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"}
PDF = plain_pdf()


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the check digit that makes it pass the Luhn check."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for position, ch in enumerate(reversed(candidate)):
            value = int(ch)
            if position % 2 == 1:
                value = value * 2 - 9 if value > 4 else value * 2
            total += value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


CARD = luhn_complete("622202123456789")


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def token(client, path: str = "/apply/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(html)
    if match is None:  # the start page has no form: any journey page will do
        html = client.get("/apply/living_allowance/").get_data(as_text=True)
        match = _TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, path: str, data: dict | None = None, **kwargs):
    payload = {"csrf_token": token(client, "/apply/nursing_allowance/"), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def draft_id_from(response) -> int:
    match = re.search(r"/apply/drafts/(\d+)/", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def latest_draft() -> Draft:
    return db.session.scalar(select(Draft).order_by(Draft.id.desc()))


def start_for_other(client, programme: str = "nursing_allowance",
                    relationship: str = "family") -> int:
    response = post(client, f"/apply/{programme}/", {"who": "other"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    draft_id = draft_id_from(response)
    response = post(client, f"/apply/drafts/{draft_id}/relationship",
                    {"relationship": relationship})
    assert response.status_code == 303
    return draft_id


def personal(draft_id: int, **changes) -> tuple[str, dict]:
    data = {"full_name": "王秀英", "id_number": MOTHER_ID, "phone": "13911112222",
            "address": "鄠邑区甘亭街道东街社区5号", "street": "ganting", **changes}
    return f"/apply/drafts/{draft_id}/personal", data


def fill_all(client, draft_id: int, programme: str = "nursing_allowance",
             with_documents: bool = True) -> None:
    """Answer every section of a nursing-allowance draft for the mother."""
    steps = [
        personal(draft_id),
        (f"/apply/drafts/{draft_id}/certificate",
         {"has_certificate": "yes", "certificate_number": MOTHER_CERTIFICATE,
          "category": "physical", "grade": "1", "valid_until": "2031-05-01"}),
        (f"/apply/drafts/{draft_id}/household", {"household": "low_income"}),
        (f"/apply/drafts/{draft_id}/payment",
         {"method": "bank_card", "bank_name": "中国农业银行鄠邑支行",
          "account_holder": "王秀英", "card_number": CARD}),
    ]
    for path, data in steps:
        response = post(client, path, data)
        assert response.status_code == 303, (path, response.get_data(as_text=True)[:3000])
    answer_questions(client, draft_id, programme)
    if with_documents:
        upload(client, draft_id, first_document_kind(draft_id), PNG, "身份证.png")
    assert post(client, f"/apply/drafts/{draft_id}/documents").status_code == 303
    response = post(client, f"/apply/drafts/{draft_id}/consent", {"consent": "y"})
    assert response.status_code == 303


def answer_questions(client, draft_id: int, programme: str) -> None:
    from portal.apply import programmes

    facts = programmes.question_facts(programme)
    if not facts:
        return
    answers = {}
    for fact in facts:
        if fact.type == "bool":
            # The answers that let the nursing allowance through.
            answers[fact.name] = "false" if fact.name in ("work_injury_nursing",
                                                          "orphan_support") else "true"
        else:
            answers[fact.name] = "huyi" if fact.name == "hukou" else next(iter(fact.values))
    response = post(client, f"/apply/drafts/{draft_id}/questions", answers)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]


def first_document_kind(draft_id: int) -> str:
    from portal.apply import programmes

    draft = db.session.get(Draft, draft_id)
    return programmes.to_upload(draft.programme, (draft.answers or {}).get("relationship"))[0].kind


def upload(client, draft_id: int, kind: str, content: bytes, filename: str):
    import io

    response = client.post(
        f"/apply/drafts/{draft_id}/documents?kind={kind}",
        data={"csrf_token": token(client, "/apply/nursing_allowance/"),
              f"{kind}-file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")
    return response
