"""typed answers: every draft's and application's answers carry their schema version

The answers (Draft.answers, Application.answers) are read and written through one typed model
(portal/applications/answers.py), and the stored JSON says which version of its shape it is:
{"version": 2, ...}. Version 1 is the shape written before, without the key; version 2 is the
same shape with it, so upgrading stamps every row and downgrading takes the key out again. The
portal reads a row of either version (a row written by an older copy of the portal during a
deployment still loads).

Written out here (not calling the portal's code) so that the migration means the same whatever
the answers module says later.

Revision ID: 0016_answers_version
Revises: 0015_document_kinds
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_answers_version"
down_revision = "0015_document_kinds"
branch_labels = None
depends_on = None

TABLES = ("draft", "application")
VERSION_KEY = "version"
VERSION = 2


def _restamp(change) -> None:
    """Write `change(answers)` into every row whose answers are a JSON object, where it
    differs."""
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
        for row_id, answers in connection.execute(sa.select(table.c.id, table.c.answers)).all():
            if not isinstance(answers, dict):
                continue
            changed = change(answers)
            if changed != answers:
                connection.execute(table.update().where(table.c.id == row_id)
                                   .values(answers=changed))


def upgrade():
    _restamp(lambda answers: {VERSION_KEY: VERSION, **answers} if VERSION_KEY not in answers
             else answers)


def downgrade():
    _restamp(lambda answers: {k: v for k, v in answers.items() if k != VERSION_KEY})
