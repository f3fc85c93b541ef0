"""Failure modes: the database going away, and changes that must be all-or-nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import create_app
from portal.applications.models import Application, Document, Draft, StatusEvent
from portal.extensions import db as _db
from tests.support.apply import fill_all, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in


def _down(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


@pytest.mark.parametrize("lang, text", [("zh_Hans_CN", "服务暂时无法使用"),
                                        ("en", "Service")])
def test_an_unreachable_database_is_an_accessible_503_in_the_users_language(app, client, db,
                                                                          lang, text):
    # a signed-in session: loading the account needs the database
    sign_in(client, make_account(**APPLICANT))
    cookie = client.get_cookie("session").value
    broken = create_app({"ENV_NAME": "testing", "WTF_CSRF_ENABLED": True,
                         "SQLALCHEMY_DATABASE_URI":
                             "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"})
    from tests.conftest import PageCheckingClient
    broken.test_client_class = PageCheckingClient
    with broken.test_client() as other:
        other.set_cookie("session", cookie)
        if lang == "en":
            other.set_cookie("lang", "en")
        for path in ("/apply/", "/account/", "/apply/drafts/1/"):
            response = other.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 503, (path, response.status_code)
            assert text in page
            assert "Traceback" not in page and "psycopg" not in page and "127.0.0.1" not in page
            assert response.headers["Retry-After"]
            assert response.headers["Content-Security-Policy"]


def test_the_draft_is_intact_when_the_database_comes_back(app, client, db, monkeypatch):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    assert post(client, f"/apply/drafts/{draft_id}/household",
                {"household": "low_income"}).status_code == 303
    before = dict(db.session.get(Draft, draft_id).answers)
    from tests.support.apply import token
    csrf = token(client)
    monkeypatch.setattr(_db.session, "commit", _down)
    response = client.post(f"/apply/drafts/{draft_id}/household",
                           data={"csrf_token": csrf, "household": "none"})
    assert response.status_code == 503
    assert "服务暂时无法使用" in response.get_data(as_text=True)
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.get(Draft, draft_id).answers == before
    assert client.get(f"/apply/drafts/{draft_id}/").status_code == 200  # back to normal


def test_other_database_errors_are_a_500_not_a_503(app, client, db, monkeypatch):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    from tests.support.apply import token
    csrf = token(client)

    def conflict(*_a, **_k):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))
    monkeypatch.setattr(_db.session, "commit", conflict)
    response = client.post(f"/apply/drafts/{draft_id}/household",
                           data={"csrf_token": csrf, "household": "none"})
    assert response.status_code == 500


def _counts():
    return tuple(_db.session.scalar(select(func.count()).select_from(model))
                 for model in (Application, StatusEvent, Draft, Document))


def test_a_failure_in_the_middle_of_submitting_changes_nothing(app, client, db, monkeypatch):
    """submit writes the person, the application, its first event, moves the documents and
    deletes the draft: a failure at the last step leaves everything as it was."""
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    before = _counts()
    from portal.applications import documents

    def broken_move(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(documents, "move_to_application", broken_move)
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 500
    monkeypatch.undo()
    db.session.rollback()
    db.session.expire_all()
    assert _counts() == before
    assert db.session.get(Draft, draft_id) is not None
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 303  # and it can be submitted afterwards


def test_a_failure_in_the_middle_of_a_staff_action_changes_nothing(app, client, db, monkeypatch):
    from portal.applications import status_changes
    from portal.audit import log as audit
    from tests.support import staff as staff_factories

    applicant = make_account("resident", street="")
    application = staff_factories.make_application(applicant)
    officer = make_account("street_officer", street="ganting")
    before = _counts()
    status_before = application.status

    def broken_record(*_a, **_k):
        raise RuntimeError("audit store unavailable")
    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        status_changes.apply_action(application, "accept", officer, message="", note="",
                                    expected_version=application.version)
    db.session.rollback()
    monkeypatch.undo()
    db.session.expire_all()
    assert _counts() == before
    assert db.session.get(Application, application.id).status == status_before
