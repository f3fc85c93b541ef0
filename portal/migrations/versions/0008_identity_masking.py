"""identity masking: nothing derived from the ID number is kept readable

An ID number shows the area, the birth date and the sex, and its masked form beside the birth
date gave the whole number away. From now on a person keeps only the keyed look-up hash, a
keyed hash of the last four characters (the staff search them) and the encrypted number
(0007); birth date, age, sex and last four are read from the encrypted number when shown
(portal.people.identity.read).

Upgrade:
- person: adds id_number_last4_hash (filled from the last four of the masked number, with the
  keyed hash of portal.people.identity – the app's key), drops id_number_masked, birth_date,
  sex and certificate_number_masked (batch mode, for SQLite);
- drafts' and applications' answers: takes id_masked, birth_date and sex out of "personal" and
  number_masked out of "certificate" (the certificate number is the ID number and the category
  and grade digits: all still there, encrypted or as category and grade).

People recorded before 0007 have no encrypted number: they keep their look-up hash (found by
their full number, searchable by its last four) but pages show "未记录" for their number, age
and sex until the number is entered again (their next application fills it in), and their
drafts ask for it again.

Downgrade puts the columns and answers back from the encrypted numbers; for people without
one they stay empty (NULL) – the columns come back nullable.

Revision ID: 0008_identity_masking
Revises: 0007_security_id_encryption
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_identity_masking"
down_revision = "0007_security_id_encryption"
branch_labels = None
depends_on = None

PERSONAL_DERIVED = ("id_masked", "birth_date", "sex")
CERTIFICATE_CATEGORIES = {"visual": "1", "hearing": "2", "speech": "3", "physical": "4",
                          "intellectual": "5", "mental": "6", "multiple": "7"}


def _answers_tables():
    return [sa.table(name, sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
            for name in ("draft", "application")]


def upgrade():
    from portal.people import identity

    bind = op.get_bind()
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_last4_hash", sa.String(length=64),
                                      nullable=True))
        batch_op.create_index(batch_op.f("ix_person_id_number_last4_hash"),
                              ["id_number_last4_hash"], unique=False)

    person = sa.table("person", sa.column("id", sa.Integer),
                      sa.column("id_number_masked", sa.String),
                      sa.column("id_number_last4_hash", sa.String))
    for row_id, masked in bind.execute(sa.select(person.c.id, person.c.id_number_masked)).all():
        last_four = (masked or "")[-4:]
        if len(last_four) == 4 and "*" not in last_four:
            bind.execute(person.update().where(person.c.id == row_id)
                         .values(id_number_last4_hash=identity.last_four_hash(last_four)))

    with op.batch_alter_table("person", schema=None) as batch_op:
        for column in ("id_number_masked", "birth_date", "sex", "certificate_number_masked"):
            batch_op.drop_column(column)

    for table in _answers_tables():
        for row_id, answers in bind.execute(sa.select(table.c.id, table.c.answers)).all():
            if not isinstance(answers, dict):
                continue
            kept = dict(answers)
            personal = answers.get("personal")
            if isinstance(personal, dict):
                kept["personal"] = {k: v for k, v in personal.items()
                                    if k not in PERSONAL_DERIVED}
            certificate = answers.get("certificate")
            if isinstance(certificate, dict):
                kept["certificate"] = {k: v for k, v in certificate.items()
                                       if k != "number_masked"}
            if kept != answers:
                bind.execute(table.update().where(table.c.id == row_id).values(answers=kept))


def _old_mask(number: str) -> str:
    """The masked form before 0008: the first and last four."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def downgrade():
    from portal.people import identity

    bind = op.get_bind()
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_masked", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("certificate_number_masked", sa.String(length=20),
                                      nullable=True))

    person = sa.table("person", sa.column("id", sa.Integer),
                      sa.column("id_number_encrypted", sa.String),
                      sa.column("id_number_masked", sa.String),
                      sa.column("birth_date", sa.Date), sa.column("sex", sa.String))
    rows = bind.execute(sa.select(person.c.id, person.c.id_number_encrypted)
                        .where(person.c.id_number_encrypted.is_not(None))).all()
    for row_id, encrypted in rows:
        number = identity.read(encrypted)
        if number is not None:
            bind.execute(person.update().where(person.c.id == row_id).values(
                id_number_masked=_old_mask(number.value), birth_date=number.birth_date,
                sex=number.sex))

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_id_number_last4_hash"))
        batch_op.drop_column("id_number_last4_hash")

    for table in _answers_tables():
        for row_id, answers in bind.execute(sa.select(table.c.id, table.c.answers)).all():
            if not isinstance(answers, dict):
                continue
            personal = answers.get("personal")
            number = identity.read(personal.get("id_encrypted")) \
                if isinstance(personal, dict) else None
            if number is None:
                continue
            restored = dict(answers)
            restored["personal"] = {**personal, "id_masked": _old_mask(number.value),
                                    "birth_date": number.birth_date.isoformat(),
                                    "sex": number.sex}
            certificate = answers.get("certificate")
            digit = CERTIFICATE_CATEGORIES.get((certificate or {}).get("category"))
            if isinstance(certificate, dict) and digit and certificate.get("grade") \
                    and certificate.get("id_hash") == personal.get("id_hash"):
                restored["certificate"] = {
                    **certificate,
                    "number_masked": _old_mask(number.value + digit + str(certificate["grade"]))}
            bind.execute(table.update().where(table.c.id == row_id).values(answers=restored))
