"""staff: audit rows cannot be changed or deleted (PostgreSQL trigger)

The ORM already refuses (portal/audit/models.py); this makes the database refuse too, for any
client. Only on PostgreSQL: SQLite has no such guard here (its test set-up deletes rows
between tests). TRUNCATE (the test set-up on PostgreSQL) is not a row UPDATE/DELETE and is
not blocked; production roles should not hold TRUNCATE on audit_event.

Revision ID: 0004_staff_audit_guard
Revises: 0002_accounts_sign_in (after merging accounts; the integrator rechains)
"""
from alembic import op

revision = "0004_staff_audit_guard"
down_revision = "0002_accounts_sign_in"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION audit_event_is_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_event rows cannot be changed or deleted (%)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
    """)
    op.execute("""
        CREATE TRIGGER audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_is_append_only()")
