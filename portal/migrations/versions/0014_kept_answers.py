"""kept answers: what a resident sent after their session ended (or with a display setting)

`kept_answers` holds, encrypted and for a few hours, the answers of a page that could not take
them – sent after the session had timed out, or sent along with a change of display setting –
so that they can be put back into the form (portal/web/kept_answers.py).

Revision ID: 0014_kept_answers
Revises: 0012_person_links
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_kept_answers"
down_revision = "0013_duplicate_claims"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("holder_hash", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("answers_encrypted", sa.Text(), nullable=False),
        sa.Column("files_left_out", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE",
                                name=op.f("fk_kept_answers_account_id_account")),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], ondelete="CASCADE",
                                name=op.f("fk_kept_answers_draft_id_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_answers")),
    )
    with op.batch_alter_table("kept_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_answers_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_kept_answers_draft_id"), ["draft_id"])
        batch_op.create_index(batch_op.f("ix_kept_answers_holder_hash"), ["holder_hash"])
        batch_op.create_index(batch_op.f("ix_kept_answers_expires_at"), ["expires_at"])


def downgrade():
    op.drop_table("kept_answers")
