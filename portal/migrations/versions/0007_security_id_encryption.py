"""security: the person's full ID number kept encrypted (person.id_number_encrypted)

A nullable column for "enc:" + a Fernet token (portal/people/crypto.py). Until now only the
keyed hash and the masked form were kept, so there is nothing to fill in: the number is
encrypted the next time it is entered (an application's personal details). Downgrade drops
the column and with it the encrypted numbers, and takes `personal.id_encrypted` out of drafts'
and applications' answers (the code before this release would list it on the staff page).

Revision ID: 0007_security_id_encryption
Revises: 0006_security_card_encryption
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_security_id_encryption"
down_revision = "0006_security_card_encryption"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_encrypted", sa.String(length=255),
                                      nullable=True))


def downgrade():
    bind = op.get_bind()
    for name in ("draft", "application"):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
        for row_id, answers in bind.execute(sa.select(table.c.id, table.c.answers)).all():
            personal = (answers or {}).get("personal")
            if isinstance(personal, dict) and "id_encrypted" in personal:
                kept = {k: v for k, v in personal.items() if k != "id_encrypted"}
                bind.execute(table.update().where(table.c.id == row_id)
                             .values(answers={**answers, "personal": kept}))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("id_number_encrypted")
