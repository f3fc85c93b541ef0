"""staff: a second factor (TOTP or SMS code) with one-use recovery codes

Adds to `account` the chosen method, the encrypted TOTP secret, the last accepted time step
and a wrong-code counter with its wait; adds `recovery_code` (hashed, one use each). Staff
sessions made before this migration were signed in with a password only: every staff
account's session_version goes up by one, so those sessions end and the next sign-in asks
for the second factor (enrolment first). Downgrade drops the table and the columns (the
enrolled factors are lost; sessions are left alone).

Revision ID: 0010_staff_second_factor
Revises: 0008_identity_masking
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_staff_second_factor"
down_revision = "0008_identity_masking"
branch_labels = None
depends_on = None

STAFF_ROLES = ("street_officer", "district_reviewer", "civil_affairs", "content_editor", "admin")


def upgrade():
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("second_factor", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("totp_secret_encrypted", sa.String(length=255),
                                      nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("second_factor_enrolled_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("failed_second_factor", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("second_factor_locked_until",
                                      sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.alter_column("failed_second_factor", server_default=None)

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_recovery_code_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_account_id"), ["account_id"],
                              unique=False)

    account = sa.table("account", sa.column("role", sa.String),
                       sa.column("session_version", sa.Integer))
    op.execute(account.update().where(account.c.role.in_(STAFF_ROLES))
               .values(session_version=account.c.session_version + 1))


def downgrade():
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_account_id"))
    op.drop_table("recovery_code")
    with op.batch_alter_table("account", schema=None) as batch_op:
        for column in ("second_factor_locked_until", "failed_second_factor",
                       "second_factor_enrolled_at", "totp_last_step", "totp_secret_encrypted",
                       "second_factor"):
            batch_op.drop_column(column)
