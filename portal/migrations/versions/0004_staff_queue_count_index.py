"""staff: an index to count each officer's waiting and overdue applications

The queue page says how many applications wait for the officer and how many are overdue; with
(status, programme, due_at) the database counts them from the index alone.

Revision ID: 0004_staff_queue_count_index
Revises: 0004_staff_audit_guard
"""
from alembic import op

revision = "0004_staff_queue_count_index"
down_revision = "0004_staff_audit_guard"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index("ix_application_queue_count", ["status", "programme", "due_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_queue_count")
