"""changes of circumstances (变更申报): change_request

Revision ID: 0019_changes
Revises: 0018_recipient_lifecycle
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_changes"
down_revision = "0018_recipient_lifecycle"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "change_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("outcome", sa.String(20)),
        sa.Column("refusal_reason", sa.Text),
        sa.Column("effect", sa.JSON),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_change_request_recipient_id", "change_request", ["recipient_id"])
    op.create_index("ix_change_request_account_id", "change_request", ["account_id"])
    op.create_index("ix_change_request_worklist", "change_request", ["status", "submitted_at"])


def downgrade():
    op.drop_index("ix_change_request_worklist", "change_request")
    op.drop_index("ix_change_request_account_id", "change_request")
    op.drop_index("ix_change_request_recipient_id", "change_request")
    op.drop_table("change_request")
