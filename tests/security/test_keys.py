"""Finding 4: the blind index has its own key (ID_HASH_KEYS, never SECRET_KEY), production
refuses missing, short, published or shared keys, and `flask rotate-keys` re-hashes every
stored ID hash so that every look-up still finds its record with the old key removed."""
from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from portal import create_app, keys
from portal.accounts import family_lookup
from portal.applications import filing as applications
from portal.applications import queues
from portal.applications.models import Application, Draft
from portal.applications.queues import QueueFilter
from portal.people import crypto, identity
from portal.people.models import Person
from tests.support.apply import MOTHER_ID, post, start_for_other
from tests.security.world import build
from tests.support.accounts import make_account, sign_in


def _good() -> dict:
    return {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": secrets.token_urlsafe(32), "ID_HASH_KEYS": secrets.token_urlsafe(32),
            "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}


def test_the_blind_index_is_not_keyed_with_the_session_secret(app):
    with app.test_request_context():
        before = identity.lookup_hash(MOTHER_ID)
        app.config["SECRET_KEY"], saved = "another-" + secrets.token_urlsafe(32), \
            app.config["SECRET_KEY"]
        try:
            assert identity.lookup_hash(MOTHER_ID) == before   # signing everyone out loses nothing
        finally:
            app.config["SECRET_KEY"] = saved
    other = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "ID_HASH_KEYS": "k" + secrets.token_urlsafe(32)})
    with other.test_request_context():
        assert identity.lookup_hash(MOTHER_ID) != before        # it is ID_HASH_KEYS that counts


def test_production_starts_with_good_keys_and_an_old_id_hash_key():
    config = _good()
    config["ID_HASH_KEYS"] += ",old-key-being-rotated-out"
    app = create_app(config)
    assert len(app.extensions["data_encryption_keys"]) == 1


@pytest.mark.parametrize("change, says", [
    ({"SECRET_KEY": "x"}, "SECRET_KEY is shorter"),
    ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "x" * 40}, "SECRET_KEY is not random enough"),
    ({"SECRET_KEY": keys.DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is a published"),
    ({"ID_HASH_KEYS": None}, "ID_HASH_KEYS must be set"),
    ({"ID_HASH_KEYS": "short"}, "ID_HASH_KEYS (its first, current key) is shorter"),
    ({"ID_HASH_KEYS": keys.TESTING_ID_HASH_KEY}, "is a published"),
    ({"DATA_ENCRYPTION_KEYS": None}, "DATA_ENCRYPTION_KEYS must be set"),
    ({"DATA_ENCRYPTION_KEYS": keys.DEVELOPMENT_KEY}, "DATA_ENCRYPTION_KEYS is a published"),
    ({"DATA_ENCRYPTION_KEYS": "not-a-key"}, "is not a Fernet key"),
    ({"DATA_ENCRYPTION_KEYS": "A" * 43 + "="}, "not random enough"),
])
def test_production_refuses_a_missing_short_or_published_key(change, says):
    with pytest.raises(keys.KeyProblem) as refused:
        create_app({**_good(), **change})
    assert says in str(refused.value)


def test_production_refuses_one_key_for_two_purposes():
    config = _good()
    config["ID_HASH_KEYS"] = config["SECRET_KEY"]
    with pytest.raises(keys.KeyProblem, match="hold the same key"):
        create_app(config)
    config = _good()
    config["ID_HASH_KEYS"] = f"{secrets.token_urlsafe(32)},{config['SECRET_KEY']}"
    with pytest.raises(keys.KeyProblem, match="hold the same key"):
        create_app(config)


def test_id_hash_key_alone_is_read_when_id_hash_keys_is_not_set():
    config = _good()
    config["ID_HASH_KEY"] = config.pop("ID_HASH_KEYS")
    app = create_app(config)
    with app.test_request_context():
        assert keys.blind_index_keys() == [config["ID_HASH_KEY"].encode()]


# ── rotating the blind index ─────────────────────────────────────────────────────────────

def _found_everywhere(world_reference: str, person_id: int, staff, phone: str) -> None:
    """Every look-up by ID number finds the record: the person at apply, the family look-up,
    the staff search."""
    account = make_account(phone=phone, name="赵敏")
    draft = Draft(account_id=account.id, programme="living_allowance", answers={})
    from portal.extensions import db

    db.session.add(draft)
    db.session.commit()
    applications.save_personal(draft, full_name="王秀英", id_number=MOTHER_ID,
                               phone=phone, address="鄠邑区甘亭街道1号", street="ganting")
    assert draft.person_id == person_id
    assert family_lookup._matching(world_reference, identity.lookup_hashes(MOTHER_ID)) \
        is not None
    page = queues.page(staff, QueueFilter(view="all", q=MOTHER_ID))
    assert [row.application.reference for row in page.rows] == [world_reference]
    page = queues.page(staff, QueueFilter(view="all", q=MOTHER_ID[-4:]))   # the last four
    assert world_reference in [row.application.reference for row in page.rows]


def test_rotate_keys_re_hashes_everything_and_look_ups_work_without_the_old_key(
        app, client, db, runner):
    old, new = "old-" + secrets.token_urlsafe(32), "new-" + secrets.token_urlsafe(32)
    saved = app.config["ID_HASH_KEYS"]
    try:
        app.config["ID_HASH_KEYS"] = old
        world = build(client)
        sign_in(client, make_account(phone="13933334444", name="王芳"))
        draft_id = start_for_other(client, programme="living_allowance")
        assert post(client, f"/apply/drafts/{draft_id}/personal", {
            "full_name": "王秀英", "id_number": MOTHER_ID, "phone": "13933334444",
            "address": "鄠邑区甘亭街道1号", "street": "ganting"}).status_code == 303
        person = db.session.scalar(select(Person))
        application = db.session.scalar(select(Application))
        assert person.id_number_hash == identity.lookup_hash(MOTHER_ID)

        app.config["ID_HASH_KEYS"] = f"{new},{old}"   # the new key in front: still found
        _found_everywhere(application.reference, person.id, world.staff["district_reviewer"],
                          "13955556666")

        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        assert "Re-hashed" in result.output
        db.session.expire_all()
        app.config["ID_HASH_KEYS"] = new        # the old key removed
        new_hash = identity.lookup_hash(MOTHER_ID)
        assert db.session.get(Person, person.id).id_number_hash == new_hash
        assert db.session.get(Person, person.id).id_number_last4_hash == \
            identity.last_four_hash(MOTHER_ID[-4:])
        answers = db.session.get(Application, application.id).answers
        assert answers["personal"]["id_hash"] == new_hash
        assert answers["certificate"]["id_hash"] == new_hash   # the certificate's ID part
        assert db.session.get(Draft, draft_id).answers["personal"]["id_hash"] == new_hash
        assert answers["payment"]["card_hash"] == crypto.lookup_hash(
            crypto.decrypt(answers["payment"]["card_number"]))
        _found_everywhere(application.reference, person.id, world.staff["district_reviewer"],
                          "13955557777")
    finally:
        app.config["ID_HASH_KEYS"] = saved


def test_rotate_keys_reports_a_record_it_cannot_re_hash(app, client, db, runner):
    old, new = "old-" + secrets.token_urlsafe(32), "new-" + secrets.token_urlsafe(32)
    saved = app.config["ID_HASH_KEYS"]
    try:
        app.config["ID_HASH_KEYS"] = old
        build(client)
        person = db.session.scalar(select(Person))
        person.id_number_encrypted = None     # recorded before numbers were kept encrypted
        db.session.commit()
        app.config["ID_HASH_KEYS"] = f"{new},{old}"
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 1
        assert f"person {person.id} (ID number not kept encrypted)" in result.output
    finally:
        app.config["ID_HASH_KEYS"] = saved


def test_seed_demo_is_refused_under_production_settings(tmp_path):
    """Finding 12: demo accounts have published passwords."""
    from flask_migrate import upgrade

    app = create_app({**_good(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused under production settings" in result.output
    with app.app_context():
        from portal.accounts.models import Account
        from portal.extensions import db

        assert db.session.scalar(select(Account).limit(1)) is None
