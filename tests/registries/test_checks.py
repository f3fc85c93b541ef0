"""Facts checked at submission: the declared certificate, grade, household and street compared
with the registries and shown to staff per fact; a document the registries confirm is not
asked for (免提交), and the guide says so."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.applications.models import Application
from portal.extensions import db as _db
from portal.registries import imports
from portal.registries.models import RegistryCheck
from portal.registries.sources import FileSource
from tests.registries.helpers import (
    CERTIFICATE_HEADINGS,
    HOUSEHOLD_HEADINGS,
    certificate_row,
    write_csv,
)
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.apply import MOTHER_ID, fill_all, post, start_for_other


def registry(tmp_path, grade="一级", street="余下街道", household=None):
    imports.run(FileSource("certificates", write_csv(tmp_path / "c.csv", CERTIFICATE_HEADINGS, [
        certificate_row(MOTHER_ID, "王秀英", "肢体", grade, "2031-05-01", street)])),
        None, date.today())
    if household:
        imports.run(FileSource("households", write_csv(tmp_path / "h.csv", HOUSEHOLD_HEADINGS, [
            [MOTHER_ID, "王秀英", household, street, ""]])), None, date.today())


@pytest.fixture()
def applicant(client, db):
    return sign_in(client, make_account(**APPLICANT))


def documents_page(client, draft_id) -> str:
    return client.get(f"/apply/drafts/{draft_id}/documents").get_data(as_text=True)


def test_a_certificate_the_registry_confirms_is_not_asked_for(client, applicant, tmp_path):
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    before = documents_page(client, draft_id)
    assert 'name="disability_certificate-file"' in before and "免提交" not in before
    registry(tmp_path)
    after = documents_page(client, draft_id)
    assert 'name="disability_certificate-file"' not in after
    assert "免提交：区残联的残疾人证数据与您填写的证件信息一致，不用上传残疾人证。" in after
    refused = client.post(f"/apply/drafts/{draft_id}/documents?kind=disability_certificate")
    assert refused.status_code in (400, 404)


def test_a_different_grade_is_not_confirmed_so_the_certificate_is_asked_for(
        client, applicant, tmp_path):
    registry(tmp_path, grade="二级")
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    assert 'name="disability_certificate-file"' in documents_page(client, draft_id)


def test_staff_see_per_fact_what_the_registry_says(client, applicant, tmp_path):
    registry(tmp_path, street="余下街道")     # declared: 甘亭街道, 低收入 (not on the rolls)
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    assert post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"}).status_code \
        == 303
    application = _db.session.scalar(select(Application))
    results = {r["fact"]: r["result"] for r in _db.session.scalar(
        select(RegistryCheck.results).where(RegistryCheck.application_id == application.id))}
    assert results == {"has_certificate": "confirms", "disability_category": "confirms",
                       "disability_grade": "confirms", "household": "absent",
                       "street": "differs"}
    sign_in(client, make_account("district_reviewer"), fresh=True)
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    section = html.split('id="registry-check"', 1)[1]
    assert "共享数据一致" in section and "与共享数据不一致" in section
    assert "共享数据中没有" in section and "余下街道" in section


def test_the_guide_says_registry_documents_need_not_be_uploaded(client, db):
    html = client.get("/programmes/nursing_allowance").get_data(as_text=True)
    assert "免提交" in html
