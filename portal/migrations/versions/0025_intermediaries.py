"""intermediaries: village and community workers (代办员) and the consents people give them

Revision ID: 0025_intermediaries
Revises: 0028_retention
"""
import sqlalchemy as sa
from alembic import op

revision = "0025_intermediaries"
down_revision = "0028_retention"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("village", sa.String(60), nullable=True))
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("worker_account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True),
        sa.Column("full_name", sa.String(60), nullable=False),
        sa.Column("id_number_hash", sa.String(64), nullable=False),
        sa.Column("id_number_encrypted", sa.String(255), nullable=False),
        sa.Column("street", sa.String(40), nullable=False),
        sa.Column("scopes", sa.String(80), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("given_by", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("document.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_account_id", sa.Integer, sa.ForeignKey("account.id"),
                  nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=True),
        sa.Column("ended_by", sa.String(10), nullable=True),
    )
    op.create_index("ix_consent_worker_person", "consent", ["worker_account_id", "person_id"])
    op.create_index("ix_consent_person_id", "consent", ["person_id"])
    op.create_index("ix_consent_street", "consent", ["street"])


def downgrade():
    op.drop_index("ix_consent_street", table_name="consent")
    op.drop_index("ix_consent_person_id", table_name="consent")
    op.drop_index("ix_consent_worker_person", table_name="consent")
    op.drop_table("consent")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("village")
