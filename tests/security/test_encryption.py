"""Card numbers at rest: encrypted with keys from DATA_ENCRYPTION_KEYS (rotatable), masked on
every page, plain rows encrypted by the migration, production refuses to start without keys."""
from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from portal.applications.models import Application, Draft
from portal.extensions import db as _db
from portal.people import crypto
from tests.support.apply import CARD
from tests.security.world import build
from tests.support.accounts import sign_in


def _raw_answers() -> str:
    rows = []
    for table in ("draft", "application"):
        rows += [str(r[0]) for r in _db.session.execute(text(f"SELECT answers FROM {table}"))]
    return "\n".join(rows)


def test_card_numbers_are_never_stored_in_full(app, client, db):
    world = build(client)
    raw = _raw_answers()
    assert CARD not in raw and CARD[-8:] not in raw
    assert "enc:" in raw
    application = db.session.scalar(select(Application)
                                     .where(Application.reference == world.reference))
    payment = application.answers["payment"]
    assert crypto.decrypt(payment["card_number"]) == CARD
    assert payment["card_hash"] == crypto.lookup_hash(CARD)
    assert payment["card_last4"] == CARD[-4:]


@pytest.mark.parametrize("role", ["street_officer", "district_reviewer", "civil_affairs"])
def test_staff_pages_show_the_card_number_masked(app, client, db, role):
    world = build(client)
    sign_in(client, world.staff[role], fresh=True)
    page = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    assert f"尾号{CARD[-4:]}" in page        # the payment section is there, masked
    for secret in (CARD, CARD[:12], "enc:", payment_hash(world)):
        assert secret not in page
    body = client.get("/staff/export.csv").get_data().decode("utf-8-sig")
    assert CARD not in body and "enc:" not in body


def payment_hash(world):
    application = _db.session.scalar(select(Application)
                                     .where(Application.reference == world.reference))
    return application.answers["payment"]["card_hash"]


def test_the_resident_check_page_shows_it_masked(app, client, db):
    from tests.support.apply import fill_all, start_for_other
    from tests.support.accounts import APPLICANT, make_account

    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    page = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    assert CARD not in page and CARD[-4:] in page and "enc:" not in page


def _with_keys(app, keys):
    app.extensions["data_encryption_keys"] = keys


def test_keys_rotate_newest_first_and_old_values_still_read(app, client, db, runner):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved = app.extensions["data_encryption_keys"]
    try:
        _with_keys(app, [old])
        build(client)
        before = _raw_answers()
        _with_keys(app, [new, old])  # a new key in front: old values still read
        application = db.session.scalar(select(Application))
        assert crypto.decrypt(application.answers["payment"]["card_number"]) == CARD
        result = runner.invoke(args=["rotate-keys"])
        # The application's answers and its person (whose ID number is encrypted too).
        assert result.exit_code == 0 and "Re-encrypted 2 records" in result.output
        db.session.expire_all()
        assert _raw_answers() != before
        _with_keys(app, [new])  # the old key removed: everything still reads
        for model in (Draft, Application):
            for row in db.session.scalars(select(model)):
                if row.answers.get("payment"):
                    assert crypto.decrypt(row.answers["payment"]["card_number"]) == CARD
        _with_keys(app, [old])  # and the old key alone no longer reads them
        with pytest.raises(crypto.KeysMissing):
            crypto.decrypt(db.session.scalar(select(Application))
                           .answers["payment"]["card_number"])
    finally:
        _with_keys(app, saved)


def test_production_refuses_to_start_without_keys(monkeypatch):
    import secrets

    from portal import create_app
    from portal.keys import KeyProblem

    monkeypatch.delenv("DATA_ENCRYPTION_KEYS", raising=False)
    good = {"ENV_NAME": "production", "SECRET_KEY": secrets.token_urlsafe(32),
            "ID_HASH_KEYS": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    with pytest.raises(KeyProblem, match="DATA_ENCRYPTION_KEYS"):
        create_app({**good, "DATA_ENCRYPTION_KEYS": None})
    with pytest.raises(KeyProblem, match="not a Fernet key"):
        create_app({**good, "DATA_ENCRYPTION_KEYS": "not-a-key"})
    app = create_app({**good, "DATA_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()}, "
                                                      f"{Fernet.generate_key().decode()}"})
    assert len(app.extensions["data_encryption_keys"]) == 2


def test_the_migration_encrypts_plain_card_numbers_found_in_answers(app, client, db):
    from flask_migrate import downgrade, upgrade

    from tests.support.accounts import APPLICANT, make_account

    account = make_account(**APPLICANT)
    plain = {"payment": {"method": "bank_card", "bank_name": "农行", "account_holder": "王秀英",
                         "card_number": CARD}, "household": "dibao"}
    draft = Draft(account_id=account.id, programme="nursing_allowance", answers=plain)
    db.session.add(draft)
    db.session.commit()
    downgrade(revision="0004_staff_queue_count_index")
    try:
        db.session.execute(text("UPDATE draft SET answers = :a WHERE id = :i"),
                           {"a": json.dumps(plain), "i": draft.id})
        db.session.commit()
        assert CARD in _raw_answers()
    finally:
        upgrade()
    db.session.expire_all()
    assert CARD not in _raw_answers()
    answers = db.session.get(Draft, draft.id).answers
    assert crypto.decrypt(answers["payment"]["card_number"]) == CARD
    assert answers["household"] == "dibao"


def _audit_count(action):
    from sqlalchemy import func

    from portal.audit.models import AuditEvent
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


@pytest.mark.parametrize("role", ["district_reviewer", "civil_affairs"])
def test_payment_roles_see_the_full_number_on_request_and_it_is_audited(app, client, db, role):
    from portal.applications.models import Application as App
    world = build(client)
    application = db.session.scalar(select(App).where(App.reference == world.reference))
    application.status = "street_checked" if role == "district_reviewer" else "district_reviewed"
    db.session.commit()
    sign_in(client, world.staff[role], fresh=True)
    view = client.get(f"/staff/applications/{world.reference}")
    assert view.status_code == 200, f"{role} does not see an application in this state"
    page = view.get_data(as_text=True)
    assert "显示完整账号" in page and CARD not in page
    before = _audit_count("payment.reveal")
    url = f"/staff/applications/{world.reference}/payment-account"
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    response = client.post(url, data={"csrf_token": csrf_of(page)})
    assert response.status_code == 200
    assert CARD in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert _audit_count("payment.reveal") == before + 1
    # Recorded against the reference, as every other event on an application, so that the
    # audit log's search by reference finds it.
    from portal.audit.models import AuditEvent
    newest = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.reveal")
                                 .order_by(AuditEvent.id.desc())).first()
    assert newest.object_id == world.reference


def csrf_of(page):
    import re
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("role", ["street_officer", "admin", "other_street"])
def test_other_roles_never_see_the_full_number(app, client, db, role):
    world = build(client)
    sign_in(client, world.staff[role], fresh=True)
    page = client.get(f"/staff/applications/{world.reference}").get_data(as_text=True)
    assert "显示完整账号" not in page
    from tests.security.world import csrf
    response = client.post(f"/staff/applications/{world.reference}/payment-account",
                           data={"csrf_token": csrf(client)})
    assert response.status_code in (403, 404)
    assert _audit_count("payment.reveal") == 0
