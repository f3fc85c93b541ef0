"""retention: a person's requests (data_request), the marks of rows anonymised
(anonymised_record), and ratings that may be anonymised (comment and rater cleared) but still
never changed otherwise nor deleted

Revision ID: 0028_retention
Revises: 0027_sms_gateways

On PostgreSQL the rating trigger of 0021_feedback refused every UPDATE; it now lets one UPDATE
through: the retention's anonymisation, which sets comment and rater_account_id to NULL and
leaves every other column as it was (portal.retention.erasure). DELETE is still refused.
"""
import sqlalchemy as sa
from alembic import op

revision = "0028_retention"
down_revision = "0027_sms_gateways"
branch_labels = None
depends_on = None

_ANONYMISE_ONLY = """
    CREATE OR REPLACE FUNCTION rating_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.comment IS NULL AND NEW.rater_account_id IS NULL
           AND (NEW.id, NEW.event_kind, NEW.event_id, NEW.revision, NEW.level, NEW.reasons::text,
                NEW.channel, NEW.programme, NEW.office_role, NEW.street, NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.event_kind, OLD.event_id, OLD.revision, OLD.level, OLD.reasons::text,
                OLD.channel, OLD.programme, OLD.office_role, OLD.street, OLD.created_at) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'rating rows cannot be changed or deleted (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
"""
_APPEND_ONLY = """
    CREATE OR REPLACE FUNCTION rating_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'rating rows cannot be changed or deleted (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
"""


def upgrade():
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("link_role", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("what_is_wrong", sa.Text),
        sa.Column("should_be", sa.Text),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("document.id")),
        sa.Column("locale", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(12)),
        sa.Column("reason", sa.Text),
        sa.Column("erased", sa.JSON),
        sa.Column("kept", sa.JSON),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
    )
    op.create_index("ix_data_request_account_id", "data_request", ["account_id"])
    op.create_index("ix_data_request_person_id", "data_request", ["person_id"])
    op.create_index("ix_data_request_open", "data_request", ["decided_at", "due_at"])
    op.create_table(
        "anonymised_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "record_id", name="uq_anonymised_record"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ANONYMISE_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
    op.drop_table("anonymised_record")
    op.drop_table("data_request")
