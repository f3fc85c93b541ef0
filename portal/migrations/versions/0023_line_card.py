"""payment lines keep the account they pay, as it was when the roll was built

Revision ID: 0023_line_card
Revises: 0019_changes
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_line_card"
down_revision = "0019_changes"
branch_labels = None
depends_on = None

COLUMNS = ("card_method", "card_bank_name", "card_holder", "card_number_encrypted",
           "card_last4")


def upgrade():
    with op.batch_alter_table("payment_line") as batch:
        batch.add_column(sa.Column("card_method", sa.String(20)))
        batch.add_column(sa.Column("card_bank_name", sa.String(60)))
        batch.add_column(sa.Column("card_holder", sa.String(60)))
        batch.add_column(sa.Column("card_number_encrypted", sa.Text))
        batch.add_column(sa.Column("card_last4", sa.String(4)))
    # Lines built before: the recipient's account now (the only one known).
    for column in COLUMNS:
        op.execute(f"UPDATE payment_line SET {column} = (SELECT r.{column} "
                   "FROM benefit_recipient AS r WHERE r.id = payment_line.recipient_id)")


def downgrade():
    with op.batch_alter_table("payment_line") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
