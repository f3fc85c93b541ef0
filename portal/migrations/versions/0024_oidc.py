"""oidc: unified-identity (统一身份认证) logins linked to residents' accounts

Revision ID: 0024_oidc
Revises: 0021_feedback
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_oidc"
down_revision = "0021_feedback"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unified_identity_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("issuer", "subject", name="uq_unified_identity_subject"),
    )
    op.create_index("ix_unified_identity_link_account_id", "unified_identity_link",
                    ["account_id"])


def downgrade():
    op.drop_index("ix_unified_identity_link_account_id", table_name="unified_identity_link")
    op.drop_table("unified_identity_link")
