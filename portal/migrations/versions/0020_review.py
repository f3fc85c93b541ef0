"""the yearly review (年审) of recipients and the re-evaluation worklist

Revision ID: 0020_review
Revises: 0022_registries
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_review"
down_revision = "0022_registries"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "benefit_review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("grace_until", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("first_notice_at", sa.DateTime(timezone=True)),
        sa.Column("reminder_at", sa.DateTime(timezone=True)),
        sa.Column("last_notice_at", sa.DateTime(timezone=True)),
        sa.Column("missed_on", sa.Date),
        sa.Column("completed_on", sa.Date),
        sa.Column("method", sa.String(12)),
        sa.Column("completed_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("visited_on", sa.Date),
        sa.Column("confirmed", sa.JSON),
        sa.Column("changes", sa.JSON),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("recipient_id", "year", name="uq_benefit_review_year"),
    )
    op.create_index("ix_benefit_review_recipient_id", "benefit_review", ["recipient_id"])
    op.create_index("ix_benefit_review_state", "benefit_review", ["status", "due_on"])
    op.create_table(
        "benefit_reevaluation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("cause", sa.String(20), nullable=False),
        sa.Column("cause_id", sa.Integer),
        sa.Column("result", sa.String(12), nullable=False),
        sa.Column("reasons", sa.JSON),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decided_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_benefit_reevaluation_recipient_id", "benefit_reevaluation",
                    ["recipient_id"])
    op.create_index("ix_benefit_reevaluation_state", "benefit_reevaluation", ["status", "id"])


def downgrade():
    op.drop_index("ix_benefit_reevaluation_state", "benefit_reevaluation")
    op.drop_index("ix_benefit_reevaluation_recipient_id", "benefit_reevaluation")
    op.drop_table("benefit_reevaluation")
    op.drop_index("ix_benefit_review_state", "benefit_review")
    op.drop_index("ix_benefit_review_recipient_id", "benefit_review")
    op.drop_table("benefit_review")
