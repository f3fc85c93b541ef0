"""recipient lifecycle: suspension/end month, certificate validity, months never paid

Revision ID: 0018_recipient_lifecycle
Revises: 0017_benefits
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_recipient_lifecycle"
down_revision = "0017_benefits"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("benefit_recipient") as batch:
        batch.add_column(sa.Column("stop_month", sa.Date))
        batch.add_column(sa.Column("certificate_valid_until", sa.Date))
    op.create_table(
        "benefit_unpaid_period",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("first_month", sa.Date, nullable=False),
        sa.Column("last_month", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_benefit_unpaid_period_recipient_id", "benefit_unpaid_period",
                    ["recipient_id"])


def downgrade():
    op.drop_index("ix_benefit_unpaid_period_recipient_id", "benefit_unpaid_period")
    op.drop_table("benefit_unpaid_period")
    with op.batch_alter_table("benefit_recipient") as batch:
        batch.drop_column("certificate_valid_until")
        batch.drop_column("stop_month")
