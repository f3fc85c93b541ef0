"""casework integrity: second claims flagged for staff, decisions recorded with their details

- `duplicate_flag`: an application submitted while another one for the same person and
  programme was in progress, approved, in public notice or being paid (the newer and the
  older), until an officer resolves it: merged, rejected as a duplicate, or legitimate –
  with the reason, who and when.
- `status_event.details`: what a decision recorded, structured (the street check's date, how,
  who and what was found; the approval's amount, its rate and source, the first month paid;
  a duplicate's resolution).

The new status "merged" (an application closed as merged into the older one) needs no column.
Downgrade drops both; applications closed as "merged" become "rejected" (closed by staff, the
timeline's message to the applicant explains it), their events too.

Revision ID: 0013_duplicate_claims
Revises: 0012_person_links
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_duplicate_claims"
down_revision = "0012_person_links"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duplicate_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("other_application_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("resolved_by_account_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_duplicate_flag_application_id_application")),
        sa.ForeignKeyConstraint(["other_application_id"], ["application.id"],
                                name=op.f("fk_duplicate_flag_other_application_id_application")),
        sa.ForeignKeyConstraint(["resolved_by_account_id"], ["account.id"],
                                name=op.f("fk_duplicate_flag_resolved_by_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_flag")),
        sa.UniqueConstraint("application_id", "other_application_id",
                            name="uq_duplicate_flag_pair"),
    )
    with op.batch_alter_table("duplicate_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duplicate_flag_application_id"),
                              ["application_id"])
        batch_op.create_index(batch_op.f("ix_duplicate_flag_other_application_id"),
                              ["other_application_id"])
    with op.batch_alter_table("status_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))


def downgrade():
    application = sa.table("application", sa.column("status", sa.String))
    event = sa.table("status_event", sa.column("from_status", sa.String),
                     sa.column("to_status", sa.String))
    bind = op.get_bind()
    bind.execute(application.update().where(application.c.status == "merged")
                 .values(status="rejected"))
    bind.execute(event.update().where(event.c.to_status == "merged").values(to_status="rejected"))
    bind.execute(event.update().where(event.c.from_status == "merged")
                 .values(from_status="rejected"))
    with op.batch_alter_table("status_event", schema=None) as batch_op:
        batch_op.drop_column("details")
    with op.batch_alter_table("duplicate_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_flag_other_application_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_flag_application_id"))
    op.drop_table("duplicate_flag")
