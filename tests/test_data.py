"""The schema comes from the migrations, and they match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from portal.accounts.models import Account
from portal.accounts.passwords import verify_password
from portal.applications.models import Application, StatusEvent
from portal.audit.models import AuditEvent
from portal.cli import demo_content as demo
from portal.people.models import Person


def test_migrations_match_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_core_tables_exist(db):
    tables = set(inspect(db.engine).get_table_names())
    for table in ("person", "account", "application", "status_event", "document", "draft",
                  "audit_event", "outbox_message", "access_grant", "media_asset"):
        assert table in tables


def test_seed_creates_demo_accounts_with_hashed_passwords(db):
    demo.seed()
    accounts = db.session.scalars(select(Account)).all()
    assert {a.role for a in accounts} >= {"resident", "street_officer", "district_reviewer",
                                          "civil_affairs", "content_editor", "admin"}
    for account in accounts:
        assert demo.DEMO_PASSWORD not in account.password_hash
        assert verify_password(account.password_hash, demo.DEMO_PASSWORD)


def test_seed_is_idempotent_and_creates_applications_with_history(db):
    demo.seed()
    demo.seed()
    assert db.session.query(Person).count() == len(demo.PEOPLE)
    applications = db.session.scalars(select(Application)).all()
    # one application a person, and the demo's second claim (flagged, portal.applications.duplicates)
    assert len(applications) == len(demo.PEOPLE) + 1
    assert [a.reference for a in applications].count(demo.SECOND_CLAIM_REFERENCE) == 1
    for application in applications:
        events = db.session.scalars(select(StatusEvent).where(
            StatusEvent.application_id == application.id).order_by(StatusEvent.id)).all()
        assert events[0].to_status == "submitted"
        assert events[-1].to_status == application.status


def test_seed_command_prints_credentials(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "13800000001" in result.output and demo.DEMO_PASSWORD in result.output


def test_audit_rows_cannot_be_changed(db):
    import pytest

    event = AuditEvent(action="view", object_type="application", object_id="1")
    db.session.add(event)
    db.session.commit()
    event.action = "changed"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_passwords_are_hashed_with_full_strength_outside_tests():
    from portal.config import Config, DevelopmentConfig, ProductionConfig, TestingConfig

    assert getattr(ProductionConfig, "PASSWORD_HASH_METHOD", "scrypt") == "scrypt"
    assert getattr(DevelopmentConfig, "PASSWORD_HASH_METHOD", "scrypt") == "scrypt"
    assert not hasattr(Config, "PASSWORD_HASH_METHOD") or Config.PASSWORD_HASH_METHOD == "scrypt"
    assert TestingConfig.PASSWORD_HASH_METHOD.startswith("scrypt:")


def test_revision_ids_fit_alembic_version_column():
    """alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer id (SQLite does
    not check), so a long one would only fail on the production database."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    import portal

    directory = ScriptDirectory(str(Path(portal.__file__).parent / "migrations"))
    for script in directory.walk_revisions():
        assert len(script.revision) <= 32, script.revision
