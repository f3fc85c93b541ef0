"""sms gateways: each outbox message keeps its template (kind + parameters), the provider's id
for it, and when a delivery receipt said it arrived

Revision ID: 0027_sms_gateways
Revises: 0024_oidc
"""
import sqlalchemy as sa
from alembic import op

revision = "0027_sms_gateways"
down_revision = "0024_oidc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("kind", sa.String(60)))
        batch.add_column(sa.Column("params", sa.JSON))
        batch.add_column(sa.Column("provider", sa.String(20)))
        batch.add_column(sa.Column("provider_message_id", sa.String(64)))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True)))
    op.create_index("ix_outbox_message_provider_id", "outbox_message",
                    ["provider", "provider_message_id"])


def downgrade():
    op.drop_index("ix_outbox_message_provider_id", table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        for column in ("delivered_at", "provider_message_id", "provider", "params", "kind"):
            batch.drop_column(column)
