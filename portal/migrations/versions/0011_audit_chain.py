"""integrity: an audit log nobody can rewrite, codes never readable in the outbox, staff conflicts

- audit_event gets `prev_hash` (UNIQUE) and `row_hash`: a hash chain (portal/audit/models.py).
  Existing rows are chained in id order. The triggers that refuse UPDATE and DELETE (and
  TRUNCATE on PostgreSQL) are (re)installed on both databases – their DDL is in
  portal/audit/chain.py, the one place for it. On PostgreSQL the row trigger of
  0004_staff_audit_guard is replaced by the same one plus a statement trigger on TRUNCATE.
- outbox_message gets `sealed_code` (the one-time code, encrypted until it is delivered) and
  `code_expires_at`. Bodies of messages stored before this release that carry a code (no
  application, a 6-digit number) have the code replaced by ******: those codes have long
  expired and are not needed to send anything.
- staff_conflict: a member of staff's declared relatives (by keyed ID hash), whose
  applications they may not act on (portal/applications/conflicts.py).

Revision ID: 0011_audit_chain
Revises: 0010_staff_second_factor
"""
import re

import sqlalchemy as sa
from alembic import op

from portal.audit.chain import install_guard, remove_guard
from portal.audit.models import GENESIS, row_hash

revision = "0011_audit_chain"
down_revision = "0010_staff_second_factor"
branch_labels = None
depends_on = None

CODE_MASK = "******"
_SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def upgrade():
    bind = op.get_bind()
    remove_guard(bind)   # 0004's trigger would refuse the UPDATE that fills in the hashes
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    _chain_existing_rows(bind)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_prev_hash"), ["prev_hash"])
    install_guard(bind)  # after the batch operations: SQLite's rebuilt table has no triggers

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_code", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("code_expires_at", sa.DateTime(timezone=True),
                                      nullable=True))
    _mask_stored_codes(bind)

    op.create_table(
        "staff_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_encrypted", sa.String(length=255), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("recorded_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_staff_conflict_account_id_account")),
        sa.ForeignKeyConstraint(["recorded_by_account_id"], ["account.id"],
                                name=op.f("fk_staff_conflict_recorded_by_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_conflict")),
        sa.UniqueConstraint("account_id", "id_number_hash",
                            name=op.f("uq_staff_conflict_account_id")),
    )
    with op.batch_alter_table("staff_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_conflict_id_number_hash"),
                              ["id_number_hash"], unique=False)


def _chain_existing_rows(bind):
    table = sa.table("audit_event", sa.column("id", sa.Integer),
                     sa.column("actor_account_id", sa.Integer), sa.column("action", sa.String),
                     sa.column("object_type", sa.String), sa.column("object_id", sa.String),
                     sa.column("ip", sa.String), sa.column("detail", sa.JSON),
                     sa.column("created_at", sa.DateTime(timezone=True)),
                     sa.column("prev_hash", sa.String), sa.column("row_hash", sa.String))
    previous, last_id = GENESIS, 0
    while True:
        rows = bind.execute(sa.select(table).where(table.c.id > last_id)
                            .order_by(table.c.id).limit(1000)).mappings().all()
        if not rows:
            return
        for row in rows:
            digest = row_hash(row, previous)
            bind.execute(table.update().where(table.c.id == row["id"])
                         .values(prev_hash=previous, row_hash=digest))
            previous, last_id = digest, row["id"]


def _mask_stored_codes(bind):
    table = sa.table("outbox_message", sa.column("id", sa.Integer),
                     sa.column("application_id", sa.Integer), sa.column("body", sa.Text))
    rows = bind.execute(sa.select(table.c.id, table.c.body)
                        .where(table.c.application_id.is_(None))).all()
    for message_id, body in rows:
        masked = _SIX_DIGITS.sub(CODE_MASK, body or "")
        if masked != body:
            bind.execute(table.update().where(table.c.id == message_id).values(body=masked))


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("staff_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_conflict_id_number_hash"))
    op.drop_table("staff_conflict")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("code_expires_at")
        batch_op.drop_column("sealed_code")
    remove_guard(bind)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_prev_hash"), type_="unique")
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
    if bind.dialect.name == "postgresql":   # back to what 0004_staff_audit_guard installed
        install_guard(bind)
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
