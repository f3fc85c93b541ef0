"""Documents: photos and PDF files up to 10 MB, checked by content, stored outside static/
under random names, listed with remove and replace, served back only to their owner."""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.applications import documents
from portal.applications.models import Document
from portal.apply import programmes
from portal.config import ROOT
from tests.support.apply import JPEG, PDF, PNG, first_document_kind, post, start_for_other, upload
from tests.support.accounts import APPLICANT, make_account, sign_in


@pytest.fixture()
def draft(client, db):
    sign_in(client, make_account(**APPLICANT))
    return start_for_other(client)


def files(app) -> set[Path]:
    return set(Path(app.config["UPLOAD_FOLDER"]).iterdir())


def stored(db) -> list[Document]:
    return list(db.session.scalars(select(Document).order_by(Document.id)))


@pytest.mark.parametrize("content, filename, content_type, kept", [
    (PNG, "证件.png", "image/png", "证件.png"),
    (JPEG, "IMG_0001.JPG", "image/jpeg", "IMG_0001.JPG"),
    (PDF, "诊断证明.pdf", "application/pdf", "诊断证明.pdf"),
    # the content decides, not the name – and the name it is kept under says what it is
    (PNG, "named-wrongly.pdf", "image/png", "named-wrongly.png"),
])
def test_photos_and_pdf_files_are_kept_under_a_random_name_outside_static(
        app, client, db, draft, content, filename, content_type, kept):
    kind = first_document_kind(draft)
    response = upload(client, draft, kind, content, filename)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft}/documents#{kind}")
    [document] = stored(db)
    assert (document.kind, document.content_type, document.original_name) == \
        (kind, content_type, kept)
    path = Path(app.config["UPLOAD_FOLDER"]) / document.storage_name
    assert document.size_bytes == path.stat().st_size and document.draft_id == draft
    if content_type == "application/pdf":
        assert path.read_bytes() == content
    else:  # photos are written again, without their metadata (tests/security/test_uploads.py)
        assert path.read_bytes()[:8] == content[:8]
    assert re.fullmatch(r"[0-9a-f]{32}", document.storage_name)
    assert not path.resolve().is_relative_to((ROOT / "static").resolve())
    page = client.get(f"/apply/drafts/{draft}/documents").get_data(as_text=True)
    assert kept in page and f"/apply/documents/{document.id}" in page


@pytest.mark.parametrize("content, filename, expected", [
    (b"GIF89a" + b"\x00" * 20, "photo.jpg", "只能上传照片（JPG、PNG格式）或PDF文件。"),
    (b"<html><script>alert(1)</script>", "page.png", "只能上传照片（JPG、PNG格式）或PDF文件。"),
    (b"", "empty.pdf", "这个文件是空的，请重新选择。"),
    (PNG[:6], "cut.png", "只能上传照片（JPG、PNG格式）或PDF文件。"),
])
def test_other_files_are_refused_by_their_content(app, client, db, draft, content, filename,
                                                   expected):
    before = files(app)
    response = upload(client, draft, first_document_kind(draft), content, filename)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert expected in page and "<title>错误：上传材料" in page
    assert stored(db) == []
    assert files(app) == before  # nothing left behind


def test_a_file_over_10_mb_is_refused_and_one_of_exactly_10_mb_is_kept(app, client, db, draft):
    kind = first_document_kind(draft)
    before = files(app)
    too_big = PDF + b"0" * (documents.MAX_BYTES - len(PDF) + 1)
    response = upload(client, draft, kind, too_big, "big.pdf")
    assert "文件不能超过10MB" in response.get_data(as_text=True)
    assert stored(db) == [] and files(app) == before
    exactly = PDF + b"0" * (documents.MAX_BYTES - len(PDF))
    assert upload(client, draft, kind, exactly, "ok.pdf").status_code == 303
    assert stored(db)[0].size_bytes == documents.MAX_BYTES


def test_choosing_no_file_says_so(client, draft):
    kind = first_document_kind(draft)
    response = post(client, f"/apply/drafts/{draft}/documents?kind={kind}", {})
    assert "请选择要上传的文件。" in response.get_data(as_text=True)
    assert post(client, f"/apply/drafts/{draft}/documents?kind=not-a-kind", {}).status_code == 404


def test_the_upload_box_lets_a_phone_use_its_camera_without_forcing_it(client, draft):
    html = client.get(f"/apply/drafts/{draft}/documents").get_data(as_text=True)
    assert 'accept="image/jpeg,image/png,application/pdf"' in html
    assert "capture" not in html
    assert 'enctype="multipart/form-data"' in html
    assert "四个角都要拍进去" in html and "不要有反光" in html and "可以直接用相机拍照" in html


def test_the_documents_come_from_the_programme_file(client, draft):
    html = client.get(f"/apply/drafts/{draft}/documents").get_data(as_text=True)
    listed = programmes.documents("nursing_allowance")
    assert len(listed) == 5
    for document in listed:
        assert str(document.label) in html
    online_form = [d for d in listed if d.filled_online]
    assert len(online_form) == 1 and "不用另外上传" in html
    assert f'id="{online_form[0].kind}-file"' not in html
    for document in listed:
        if not document.filled_online:
            assert f'id="{document.kind}-file"' in html


def test_an_agent_is_also_asked_for_the_letter_of_authorisation(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft = start_for_other(client, relationship="agent")
    assert "授权委托书" in client.get(f"/apply/drafts/{draft}/documents").get_data(as_text=True)


def test_remove_and_replace(client, db, draft):
    kind = first_document_kind(draft)
    upload(client, draft, kind, PNG, "第一张.png")
    upload(client, draft, kind, JPEG, "第二张.jpg")
    first, second = stored(db)
    page = client.get(f"/apply/drafts/{draft}/documents/{first.id}/replace")
    assert "现在的文件：第一张.png" in page.get_data(as_text=True)
    response = client.post(f"/apply/drafts/{draft}/documents/{first.id}/replace",
                           data={"csrf_token": _token(client, draft),
                                 "file": (io.BytesIO(PDF), "新的.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    names = [d.original_name for d in stored(db)]
    assert names == ["第二张.jpg", "新的.pdf"]
    assert not documents.path_of(first).exists()
    assert stored(db)[1].kind == kind

    response = post(client, f"/apply/drafts/{draft}/documents/{second.id}/remove")
    assert response.status_code == 303
    assert [d.original_name for d in stored(db)] == ["新的.pdf"]
    assert not documents.path_of(second).exists()


def test_a_replacement_is_checked_like_any_upload(client, db, draft):
    upload(client, draft, first_document_kind(draft), PNG, "a.png")
    [document] = stored(db)
    response = client.post(f"/apply/drafts/{draft}/documents/{document.id}/replace",
                           data={"csrf_token": _token(client, draft),
                                 "file": (io.BytesIO(b"text"), "b.png")},
                           content_type="multipart/form-data")
    assert "只能上传照片" in response.get_data(as_text=True)
    assert [d.original_name for d in stored(db)] == ["a.png"]


def _token(client, draft):
    html = client.get(f"/apply/drafts/{draft}/documents").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_document_is_served_to_its_owner_only_as_a_download(app, client, db, draft):
    upload(client, draft, first_document_kind(draft), PDF, "诊断证明.pdf")
    [document] = stored(db)
    response = client.get(f"/apply/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    with app.test_client() as stranger:
        sign_in(stranger, make_account(phone="13900000009", name="陌生人"))
        assert stranger.get(f"/apply/documents/{document.id}").status_code == 404
        assert post(stranger, f"/apply/drafts/{draft}/documents/{document.id}/remove"
                    ).status_code == 404
    assert client.get("/apply/documents/999999").status_code == 404


def test_finishing_the_documents_section_needs_no_minimum(client, db, draft):
    response = post(client, f"/apply/drafts/{draft}/documents")
    assert response.status_code == 303
    html = client.get(f"/apply/drafts/{draft}/").get_data(as_text=True)
    assert re.search(r'id="status-documents">已完成<', html)
