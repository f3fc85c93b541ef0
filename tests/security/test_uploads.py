"""Uploads: the size limit before the body is read, content sniffing against polyglots and
renamed files, photos written again without metadata, bombs and active PDFs refused, and
downloads served as attachments that browsers will not sniff."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf.actions import JavaScript
from sqlalchemy import select

from portal.applications import documents
from portal.applications.models import Document, Draft
from tests.support.apply import (
    JPEG,
    PAGES,
    PDF,
    PNG,
    first_document_kind,
    pdf_in_object_stream,
    post,
    start_for_other,
    upload,
)
from tests.support.accounts import APPLICANT, make_account, sign_in


@pytest.fixture()
def draft(client, db):
    sign_in(client, make_account(**APPLICANT))
    return start_for_other(client)


def _stored(db):
    return list(db.session.scalars(select(Document)))


def _photo_with_gps(fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", (32, 24), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"       # Make
    exif[0x0110] = "SecretPhone 9"     # Model
    gps = {1: "N", 2: (34.0, 6.0, 30.0), 3: "E", 4: (108.0, 36.0, 12.0)}
    exif[0x8825] = gps                 # GPSInfo
    exif[0x0112] = 6                   # Orientation: rotated
    out = io.BytesIO()
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo
        info = PngInfo()
        info.add_text("Comment", "home: 34.1083N 108.6033E")
        image.save(out, "PNG", exif=exif, pnginfo=info)
    else:
        image.save(out, "JPEG", exif=exif, comment=b"home: 34.1083N 108.6033E")
    return out.getvalue()


@pytest.mark.parametrize("fmt, name", [("JPEG", "IMG_0001.jpg"), ("PNG", "scan.png")])
def test_photos_are_written_again_without_metadata(app, client, db, draft, fmt, name):
    original = _photo_with_gps(fmt)
    assert b"SecretPhone" in original and b"108.6033E" in original
    assert upload(client, draft, first_document_kind(draft), original, name).status_code == 303
    [document] = _stored(db)
    kept = documents.path_of(document).read_bytes()
    assert b"SecretPhone" not in kept and b"PhoneMaker" not in kept and b"108.6033E" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif()
        assert image.format == fmt
        assert image.size == (24, 32)  # turned the way the phone meant it
    assert document.size_bytes == len(kept)
    import hashlib
    assert document.sha256 == hashlib.sha256(kept).hexdigest()


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG file that claims (and would unpack to) a huge number of pixels."""
    raw = zlib.compress(b"\x00" * (width // 8 + 1) * 64, 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + \
        chunk(b"IEND", b"")


BAD = [
    (_png_bomb(100_000, 100_000), "bomb.png", "尺寸太大"),
    (_png_bomb(20_000, 20_000), "bomb2.png", "尺寸太大"),
    (PNG[:40], "cut.png", "打不开"),
    (JPEG[:30], "cut.jpg", "打不开"),
    (b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 10, "polyglot.jpg", "打不开"),
    (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "polyglot.png", "打不开"),
    (b"GIF89a<script>alert(1)</script>", "gif.png", "只能上传"),
    (b"MZ\x90\x00" + b"\x00" * 60, "setup.pdf", "只能上传"),
    (b"PK\x03\x04" + b"\x00" * 60, "doc.jpg", "只能上传"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "x.png", "只能上传"),
    (PNG + b"%PDF-1.4 /JavaScript", "both.png", None),  # a photo with a tail: kept, tail gone
]


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def _hidden(catalog: bytes = CATALOG, **extra: bytes) -> bytes:
    """A PDF with every object in a compressed object stream (the catalog is object 1, its
    pages 2 and 3, anything else from 4)."""
    objects = {1: catalog, **PAGES}
    objects.update({int(k.removeprefix("o")): v for k, v in extra.items()})
    if "o3" in extra:
        objects[3] = extra["o3"]
    return pdf_in_object_stream(objects)


def _written(change) -> bytes:
    """A PDF written by pypdf after `change(writer)`."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE = "带有程序或附件"
UNREADABLE = "无法打开检查"
BAD_PDFS = [
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
             o4=b"<< /S /JavaScript /JS (app.alert(1)) >>"), "openaction-js.pdf", ACTIVE),
    (_hidden(o3=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
             o4=b"<< /S /Named /N /NextPage >>"), "page-aa.pdf", ACTIVE),
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
             o4=b"<< /S /Launch /F (cmd.exe) >>"), "launch.pdf", ACTIVE),
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
             o4=b"<< /Names [(a.exe) 5 0 R] >>",
             o5=b"<< /Type /Filespec /F (a.exe) >>"), "attachment.pdf", ACTIVE),
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
             o4=b"<< /Names [(x) 5 0 R] >>", o5=b"<< /S /JavaScript /JS (x) >>"),
     "names-js.pdf", ACTIVE),
    (_hidden(o3=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
             o4=b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"), "richmedia.pdf",
     ACTIVE),
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
             o4=b"<< /Length 0 >>"), "xfa.pdf", ACTIVE),
    (_hidden(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
             o4=b"<< /S /J#61vaScript /J#53 (x) >>"), "escaped.pdf", ACTIVE),
    (_written(lambda w: w.add_open_action(JavaScript("app.alert(1);"))), "pypdf-js.pdf", ACTIVE),
    (_written(lambda w: w.add_attachment("a.exe", b"MZ")), "pypdf-attachment.pdf", ACTIVE),
    (_written(lambda w: w.encrypt("secret")), "encrypted.pdf", UNREADABLE),
    (b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (x) >>", "broken.pdf", UNREADABLE),
    (b"%PDF-1.7\n" + b"0" * 64, "not-really.pdf", UNREADABLE),
]


def test_the_hidden_pdfs_really_hide_their_names_from_a_byte_scan():
    """What the byte scan this replaced looked for is not in the bytes of these files."""
    for content, _name, _message in BAD_PDFS[:8]:
        for marker in (b"/JavaScript", b"/JS", b"/AA", b"/Launch", b"/EmbeddedFiles",
                       b"/RichMedia", b"/XFA", b"/OpenAction"):
            assert marker not in content


def test_a_plain_pdf_in_an_object_stream_is_kept(app, client, db, draft):
    content = _hidden()
    assert upload(client, draft, first_document_kind(draft), content, "plain.pdf"
                  ).status_code == 303
    [document] = _stored(db)
    assert documents.path_of(document).read_bytes() == content


def test_a_pdf_with_too_many_pages_is_refused(app, client, db, draft, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_MAX_PAGES", 2)
    content = _written(lambda w: [w.add_blank_page(200, 200) for _ in range(3)])
    response = upload(client, draft, first_document_kind(draft), content, "long.pdf")
    assert UNREADABLE in response.get_data(as_text=True) and _stored(db) == []


@pytest.mark.parametrize("content, filename, message", BAD + BAD_PDFS)
def test_hostile_files_are_refused_politely_and_leave_nothing(app, client, db, draft, content,
                                                              filename, message):
    before = set(documents.folder().iterdir())
    response = upload(client, draft, first_document_kind(draft), content, filename)
    if message is None:
        assert response.status_code == 303
        [document] = _stored(db)
        kept = documents.path_of(document).read_bytes()
        assert b"JavaScript" not in kept and b"%PDF" not in kept
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "error-summary" in page
    assert _stored(db) == []
    assert set(documents.folder().iterdir()) == before  # nothing left behind


def test_a_plain_pdf_is_kept_as_it_is(app, client, db, draft):
    assert upload(client, draft, first_document_kind(draft), PDF, "a.pdf").status_code == 303
    [document] = _stored(db)
    assert documents.path_of(document).read_bytes() == PDF


def test_a_body_over_max_content_length_is_refused_before_it_is_read(app, client, db, draft):
    """413 with the error page; the draft and its answers are untouched."""
    assert post(client, f"/apply/drafts/{draft}/household",
                {"household": "low_income"}).status_code == 303
    before = dict(db.session.get(Draft, draft).answers)
    limit = app.config["MAX_CONTENT_LENGTH"]
    read = []

    class Body(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            read.append(len(buffer))
            buffer[:len(buffer)] = b"0" * len(buffer)
            return len(buffer)

    kind = first_document_kind(draft)
    environ = {"CONTENT_LENGTH": str(limit + 1), "wsgi.input": Body(),
               "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    response = client.post(f"/apply/drafts/{draft}/documents?kind={kind}",
                           environ_overrides=environ)
    assert response.status_code == 413
    assert "上传的文件太大" in response.get_data(as_text=True)
    assert sum(read) < 1024 * 1024  # the body was never read through
    db.session.expire_all()
    assert db.session.get(Draft, draft).answers == before
    assert client.get(f"/apply/drafts/{draft}/").status_code == 200


def test_resident_download_is_an_attachment_with_nosniff(app, client, db, draft):
    upload(client, draft, first_document_kind(draft), PNG, "<b>x</b>.png")
    [document] = _stored(db)
    response = client.get(f"/apply/documents/{document.id}")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]


def test_staff_download_is_an_attachment_with_nosniff_and_a_sandbox(app, client, db):
    from tests.security.world import build

    world = build(client)
    sign_in(client, world.staff["street_officer"], fresh=True)
    url = f"/staff/applications/{world.reference}/documents/{world.application_document_id}"
    for query in ("", "?view=1"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "no-store" in response.headers["Cache-Control"]
        if not query:
            assert response.headers["Content-Disposition"].startswith("attachment")


# ── finding 8: pixel limit before decoding; files per draft, per document, per answer ─────

def test_a_59_megapixel_png_is_refused_from_its_header_without_decoding(
        app, client, db, draft, monkeypatch):
    """7,700 × 7,700 (59 MP, under the old 60 MP limit): a few KB that would take ~180 MB to
    decode. Refused from the header; Pillow never decodes it."""
    import time
    import tracemalloc

    from PIL import ImageFile
    from werkzeug.datastructures import FileStorage

    bomb = _png_bomb(7_700, 7_700)
    assert len(bomb) < 10_000
    loads = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: loads.append(self.size) or real_load(self))
    response = upload(client, draft, first_document_kind(draft), bomb, "big.png")
    assert "尺寸太大" in response.get_data(as_text=True) and _stored(db) == []
    assert loads == []
    # The check itself, measured: time, and memory as Python sees it.
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(documents.UploadRefused, match="too_many_pixels"):
            documents.store(FileStorage(io.BytesIO(bomb), "big.png"), kind="photo",
                            account_id=db.session.get(Draft, draft).account_id)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 0.5 and peak < 50 * 1024 * 1024 and loads == []


def test_pillows_own_limit_is_the_configured_one(app, client, db, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 50)   # the 8 × 8 photo is 64 pixels
    response = upload(client, draft, first_document_kind(draft), PNG, "photo.png")
    assert "尺寸太大" in response.get_data(as_text=True)
    assert Image.MAX_IMAGE_PIXELS == 50
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 64)
    assert upload(client, draft, first_document_kind(draft), PNG, "photo.png"
                  ).status_code == 303
    assert Image.MAX_IMAGE_PIXELS == 64


def _kinds(draft):
    from portal.apply import programmes
    from portal.extensions import db

    stored = db.session.get(Draft, draft)
    return [d.kind for d in programmes.to_upload(stored.programme,
                                                 (stored.answers or {}).get("relationship"))]


def test_files_per_document_are_capped_politely(app, client, db, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_FILES_PER_DOCUMENT_KIND", 2)
    assert post(client, f"/apply/drafts/{draft}/household",
                {"household": "low_income"}).status_code == 303
    kind = first_document_kind(draft)
    for number in range(2):
        assert upload(client, draft, kind, PNG, f"{number}.png").status_code == 303
    response = upload(client, draft, kind, PNG, "3.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in page
    assert "这项材料最多可以上传2个文件" in page
    assert len(_stored(db)) == 2
    assert "low_income" in str(db.session.get(Draft, draft).answers)   # other answers kept
    # Replacing a file at the cap still works: it is one for one.
    [first, _] = _stored(db)
    from tests.support.apply import token
    response = client.post(
        f"/apply/drafts/{draft}/documents/{first.id}/replace",
        data={"csrf_token": token(client, f"/apply/drafts/{draft}/documents/{first.id}/replace"),
              "file": (io.BytesIO(JPEG), "new.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 303 and len(_stored(db)) == 2


def test_files_per_draft_are_capped_politely(app, client, db, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_FILES_PER_DRAFT", 2)
    kinds = _kinds(draft)
    assert len(kinds) >= 2
    assert upload(client, draft, kinds[0], PNG, "a.png").status_code == 303
    assert upload(client, draft, kinds[0], PNG, "b.png").status_code == 303
    response = upload(client, draft, kinds[1], PDF, "c.pdf")
    assert "一份申请最多可以上传2个文件" in response.get_data(as_text=True)
    assert len(_stored(db)) == 2


def test_files_per_answer_to_a_request_are_capped_politely(app, client, db, monkeypatch):
    from tests.support.status import family, file, request_info
    from tests.support.status import post as status_post

    monkeypatch.setitem(app.config, "MAX_FILES_PER_ANSWER", 1)
    f = family(status="accepted")
    request_info(f.application, f.officer)
    sign_in(client, f.daughter)
    page = f"/status/applications/{f.application.reference}/answer"

    def send(name):
        return status_post(client, page, {"version": str(f.application.version), "upload": "1",
                                          "answer": "我的说明", "file": file(PNG, name)},
                           page=page, content_type="multipart/form-data")

    assert "已上传a.png" in send("a.png").get_data(as_text=True)
    response = send("b.png")
    html = response.get_data(as_text=True)
    assert "补充材料一次最多可以上传1个文件" in html
    assert "我的说明" in html                       # what was typed is kept
    assert len(_stored(db)) == 1
