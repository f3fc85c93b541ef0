"""The 413 page (a body over MAX_CONTENT_LENGTH) says the limits, as configured, and leads
back to the upload page it came from – with the draft as it was."""
from __future__ import annotations

import io
import re

import pytest

from portal.applications.models import Draft
from tests.support.apply import first_document_kind, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in


@pytest.fixture()
def draft(client, db):
    sign_in(client, make_account(**APPLICANT))
    return start_for_other(client)


class Body(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:len(buffer)] = b"0" * len(buffer)
        return len(buffer)


def too_large(client, app, path):
    environ = {"CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"] + 1), "wsgi.input": Body(),
               "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    return client.post(path, environ_overrides=environ)


def test_the_413_page_says_the_limits_and_goes_back_to_the_upload(app, client, db, draft,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 15 * 1024 * 1024)
    assert post(client, f"/apply/drafts/{draft}/household",
                {"household": "low_income"}).status_code == 303
    before = dict(db.session.get(Draft, draft).answers)
    kind = first_document_kind(draft)
    response = too_large(client, app, f"/apply/drafts/{draft}/documents?kind={kind}")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "15.0 MB" in html and "10.0 MB" in html          # the request's and a file's limit
    back = re.search(r'<a class="button" href="([^"]+)">返回上传页面', html)
    assert back and back.group(1) == f"/apply/drafts/{draft}/documents#{kind}"
    page = client.get(back.group(1).split("#")[0])
    assert page.status_code == 200 and f'id="{kind}' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Draft, draft).answers == before


def test_in_english_too(app, client, db, draft):
    client.set_cookie("lang", "en")
    kind = first_document_kind(draft)
    html = too_large(client, app, f"/apply/drafts/{draft}/documents?kind={kind}") \
        .get_data(as_text=True)
    assert "25.0 MB" in html and f'href="/apply/drafts/{draft}/documents#{kind}"' in html


def test_a_page_that_cannot_be_opened_again_offers_only_the_home_page(app, client, db):
    response = too_large(client, app, "/account/sign-out")
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "返回上传页面" not in html and "25.0 MB" in html
