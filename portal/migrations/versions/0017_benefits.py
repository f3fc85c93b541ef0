"""benefits: recipients (在册), their events, payment rolls, lines and months (portal/benefits)

Partial unique indexes (SQLite and PostgreSQL both have them): one not-ended recipient per
person and programme; a recipient's month on one roll only unless that payment failed.

Revision ID: 0017_benefits
Revises: 0016_answers_version
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_benefits"
down_revision = "0016_answers_version"
branch_labels = None
depends_on = None

NOT_ENDED = sa.text("status <> 'ended'")
NOT_FAILED = sa.text("state <> 'failed'")
FAILED = sa.text("state = 'failed'")


def _created():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade():
    op.create_table(
        "benefit_recipient",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("application.id"),
                  nullable=False, unique=True),
        sa.Column("band", sa.String(40), nullable=False),
        sa.Column("monthly_amount_fen", sa.Integer, nullable=False),
        sa.Column("amount_source", sa.JSON),
        sa.Column("start_month", sa.Date, nullable=False),
        sa.Column("next_due_month", sa.Date),
        sa.Column("street", sa.String(40), nullable=False),
        sa.Column("card_method", sa.String(20)),
        sa.Column("card_bank_name", sa.String(60)),
        sa.Column("card_holder", sa.String(60)),
        sa.Column("card_number_encrypted", sa.Text),
        sa.Column("card_hash", sa.String(64)),
        sa.Column("card_last4", sa.String(4)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("status_reason", sa.String(40)),
        sa.Column("status_since", sa.Date, nullable=False),
        _created(),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_benefit_recipient_person_id", "benefit_recipient", ["person_id"])
    op.create_index("uq_benefit_recipient_active", "benefit_recipient",
                    ["person_id", "programme"], unique=True,
                    sqlite_where=NOT_ENDED, postgresql_where=NOT_ENDED)
    op.create_index("ix_benefit_recipient_roll", "benefit_recipient",
                    ["programme", "status", "start_month"])
    op.create_table(
        "benefit_recipient_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(12)),
        sa.Column("to_status", sa.String(12)),
        sa.Column("reason", sa.String(40)),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("actor_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("details", sa.JSON),
        _created(),
    )
    op.create_index("ix_benefit_recipient_event_recipient_id", "benefit_recipient_event",
                    ["recipient_id"])
    op.create_table(
        "payment_roll",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.String(40), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("total_fen", sa.Integer, nullable=False),
        sa.Column("built_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("programme", "month", name="uq_payment_roll_month"),
    )
    op.create_table(
        "payment_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("roll_id", sa.Integer, sa.ForeignKey("payment_roll.id"), nullable=False),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("street", sa.String(40), nullable=False),
        sa.Column("first_month", sa.Date, nullable=False),
        sa.Column("last_month", sa.Date, nullable=False),
        sa.Column("months", sa.Integer, nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("retry_reason", sa.String(200)),
        sa.Column("result_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("roll_id", "person_id", name="uq_payment_line_person"),
        sa.UniqueConstraint("roll_id", "recipient_id", name="uq_payment_line_recipient"),
    )
    op.create_index("ix_payment_line_recipient_id", "payment_line", ["recipient_id"])
    op.create_index("ix_payment_line_roll_street", "payment_line", ["roll_id", "street", "id"])
    op.create_table(
        "payment_month",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("roll_id", sa.Integer, sa.ForeignKey("payment_roll.id"), nullable=False),
        sa.Column("recipient_id", sa.Integer, sa.ForeignKey("benefit_recipient.id"),
                  nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
    )
    op.create_index("uq_payment_month_once", "payment_month", ["recipient_id", "month"],
                    unique=True, sqlite_where=NOT_FAILED, postgresql_where=NOT_FAILED)
    op.create_index("ix_payment_month_roll", "payment_month", ["roll_id", "recipient_id"])
    op.create_index("ix_payment_month_failed", "payment_month", ["recipient_id", "month"],
                    sqlite_where=FAILED, postgresql_where=FAILED)


def downgrade():
    op.drop_table("payment_month")
    op.drop_table("payment_line")
    op.drop_table("payment_roll")
    op.drop_table("benefit_recipient_event")
    op.drop_table("benefit_recipient")
