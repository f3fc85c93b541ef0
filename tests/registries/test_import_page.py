"""The admin's import page: upload → the row-by-row report (nothing imported) or the preview →
confirm → imported; the file waits encrypted in between; other roles are refused."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.registries.models import RegistryImport, RegistryPerson
from tests.registries.helpers import CERTIFICATE_HEADINGS, certificate_row, id_number, write_csv
from tests.support.accounts import make_account, sign_in, token_from

PAGE = "/staff/registries/imports"


def upload(client, path: Path, kind: str = "certificates", as_of: str = "2026-11-01"):
    token = token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "kind": kind, "as_of": as_of,
                                   "file": (io.BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data")


def test_a_file_with_a_bad_row_is_reported_row_by_row_and_not_imported(client, tmp_path):
    sign_in(client, make_account("admin"))
    path = write_csv(tmp_path / "c.csv", CERTIFICATE_HEADINGS, [
        certificate_row(id_number(sequence=61)),
        certificate_row(id_number(sequence=63), street="不存在街道"),
    ])
    response = upload(client, path)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第3行：街道（镇）不是鄠邑区的街道、镇" in html and "没有导入" in html
    assert _db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0


def test_a_good_file_is_previewed_then_imported_on_confirmation(client, app, tmp_path):
    admin = sign_in(client, make_account("admin"))
    path = write_csv(tmp_path / "c.csv", CERTIFICATE_HEADINGS,
                     [certificate_row(id_number(sequence=65))])
    preview = upload(client, path)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认导入" in html
    assert _db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    kept = list((Path(app.config["UPLOAD_FOLDER"]) / "registries").glob("*.enc"))
    assert len(kept) == 1 and id_number(sequence=65).encode() not in kept[0].read_bytes()
    confirmed = client.post("/staff/registries/imports/confirm",
                            data={"csrf_token": token_from(html)})
    assert confirmed.status_code == 303
    done = _db.session.scalar(select(RegistryImport))
    assert done.row_count == 1 and done.actor_account_id == admin.id
    assert str(done.as_of) == "2026-11-01"
    assert _db.session.scalar(select(func.count()).select_from(RegistryPerson)) == 1
    assert not list((Path(app.config["UPLOAD_FOLDER"]) / "registries").glob("*.enc"))
    assert _db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "registry.import"))
    page = client.get(PAGE).get_data(as_text=True)
    assert "c.csv" in page and "已导入" in page
    again = client.post("/staff/registries/imports/confirm",
                        data={"csrf_token": token_from(page)})
    assert again.status_code == 303
    assert _db.session.scalar(select(func.count()).select_from(RegistryImport)) == 1


def test_the_form_asks_politely_for_what_is_missing(client):
    sign_in(client, make_account("admin"))
    token = token_from(client.get(PAGE).get_data(as_text=True))
    response = client.post(PAGE, data={"csrf_token": token, "as_of": "2026-02-30"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请选择要导入的名单" in html and "请选择名单文件" in html and "这个日期不存在" in html


def test_only_the_admin_imports(client):
    sign_in(client, make_account("street_officer"))
    assert client.get(PAGE).status_code == 403
