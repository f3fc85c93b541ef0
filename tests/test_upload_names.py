"""A file is kept, shown and downloaded under a safe name with the extension of what it really
is (the type its content shows), never the one it arrived with: a JPEG sent as id.exe is
id.jpg to the resident and to staff."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.applications.documents import _clean_name
from portal.applications.models import Application, Document
from tests.support.apply import (
    JPEG,
    PNG,
    fill_all,
    first_document_kind,
    plain_pdf,
    post,
    start_for_other,
    upload,
)
from tests.support.accounts import APPLICANT, make_account, sign_in


@pytest.mark.parametrize("sent, content_type, kept", [
    ("id.exe", "image/jpeg", "id.jpg"),
    ("身份证.JPEG", "image/jpeg", "身份证.JPEG"),
    ("scan.pdf.exe", "application/pdf", "scan.pdf.pdf"),
    ("C:\\Users\\li\\证件.png", "image/png", "证件.png"),
    ("noextension", "image/png", "noextension.png"),
    ('a<b>:"|?*.jpg', "image/jpeg", "ab.jpg"),
    (".exe", "image/jpeg", "file.jpg"),
    ("", "application/pdf", "file.pdf"),
    ("残疾人证\u202egpj.exe", "image/jpeg", "残疾人证gpj.jpg"),   # no right-to-left trick
])
def test_the_kept_name_ends_in_the_real_type(sent, content_type, kept):
    assert _clean_name(sent, content_type) == kept


def test_a_jpeg_sent_as_exe_is_id_jpg_for_the_resident_and_for_staff(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    kind = None
    fill_all(client, draft_id, with_documents=False)
    kind = first_document_kind(draft_id)
    assert upload(client, draft_id, kind, JPEG, "id.exe").status_code in (200, 303)
    [document] = db.session.scalars(select(Document)).all()
    assert document.original_name == "id.jpg" and document.content_type == "image/jpeg"
    page = client.get(f"/apply/drafts/{draft_id}/documents").get_data(as_text=True)
    assert "id.jpg" in page and "id.exe" not in page
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    application = db.session.scalar(select(Application))
    officer = make_account("street_officer", street="ganting")
    sign_in(client, officer)
    page = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    assert "id.jpg" in page and "id.exe" not in page
    download = client.get(f"/staff/applications/{application.reference}/documents/"
                          f"{document.id}")
    assert "id.jpg" in download.headers["Content-Disposition"]
