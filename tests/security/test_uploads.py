"""Uploads: the size limit before the body is read, content sniffing against polyglots and
renamed files, photos written again without metadata, bombs and active PDFs refused, and
downloads served as attachments that browsers will not sniff."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from portal.models import Document, Draft
from portal.services import documents
from tests.apply_support import (JPEG, PDF, PNG, first_document_kind, post, sign_in,
                                 start_for_other, upload)


@pytest.fixture()
def draft(client, db):
    sign_in(client)
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
    (b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
     "js.pdf", "带有程序或附件"),
    (b"%PDF-1.4\n1 0 obj << /Type /Action /S /Launch /F (cmd.exe) >>", "launch.pdf",
     "带有程序或附件"),
    (b"%PDF-1.4\n1 0 obj << /Type /EmbeddedFile /Length 3 >> stream\nMZ\nendstream",
     "attach.pdf", "带有程序或附件"),
    (b"%PDF-1.4\n1 0 obj << /Names << /EmbeddedFiles 2 0 R >> >>", "names.pdf",
     "带有程序或附件"),
    (b"%PDF-1.4\n1 0 obj << /S /J#61vaScript /J#53 (x) >>", "escaped.pdf", "带有程序或附件"),
    (PNG + b"%PDF-1.4 /JavaScript", "both.png", None),  # a photo with a tail: kept, tail gone
]


@pytest.mark.parametrize("content, filename, message", BAD)
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
    from tests.security.world import build, sign_in_as

    world = build(client)
    sign_in_as(client, world.staff["street_officer"])
    url = f"/staff/applications/{world.reference}/documents/{world.application_document_id}"
    for query in ("", "?view=1"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "no-store" in response.headers["Cache-Control"]
        if not query:
            assert response.headers["Content-Disposition"].startswith("attachment")
