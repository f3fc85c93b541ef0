"""security: card numbers in drafts and applications encrypted at rest

A data migration: every plain card number in `answers["payment"]` is encrypted with the newest
DATA_ENCRYPTION_KEYS key (portal/people/crypto.py) and gets its look-up hash. No schema
change. Downgrade writes the plain numbers back (for a rollback of the release only).

Revision ID: 0006_security_card_encryption
Revises: 0004_staff_queue_count_index
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_security_card_encryption"
down_revision = "0004_staff_queue_count_index"
branch_labels = None
depends_on = None

TABLES = ("draft", "application")


def _rows(bind, name):
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
    return table, bind.execute(sa.select(table.c.id, table.c.answers)).all()


def upgrade():
    from portal.people import key_rotation

    bind = op.get_bind()
    for name in TABLES:
        table, rows = _rows(bind, name)
        for row_id, answers in rows:
            changed, did = key_rotation.rotate_answers(answers)
            if did:
                bind.execute(table.update().where(table.c.id == row_id).values(answers=changed))


def downgrade():
    from portal.people import crypto

    bind = op.get_bind()
    for name in TABLES:
        table, rows = _rows(bind, name)
        for row_id, answers in rows:
            payment = (answers or {}).get("payment")
            if isinstance(payment, dict) and crypto.is_encrypted(payment.get("card_number")):
                plain = {k: v for k, v in payment.items() if k not in ("card_hash", "card_last4")}
                plain["card_number"] = crypto.decrypt(payment["card_number"])
                bind.execute(table.update().where(table.c.id == row_id)
                             .values(answers={**answers, "payment": plain}))
