"""Recipients (在册), their history, payment rolls (发放名册), their lines and the months paid.

Money is integer fen everywhere. Constraints the database keeps, on SQLite and PostgreSQL:
- one recipient per application, and one not-ended recipient per person and programme (a
  partial unique index);
- one roll per programme and month; one line per person on a roll;
- a recipient's month is on at most one roll unless that payment failed (a partial unique
  index on payment_month: the same month is never paid twice, a failed month may come back).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database.columns import created_at_column
from portal.extensions import db

RECIPIENT_STATES = ("paying", "suspended", "ended")
ROLL_STATES = ("draft", "confirmed", "locked")
LINE_STATES = ("pending", "paid", "failed")

_NOT_ENDED = text("status <> 'ended'")
_NOT_FAILED = text("state <> 'failed'")
_FAILED = text("state = 'failed'")


class Recipient(db.Model):
    """A person paid a monthly benefit (在册): from an application whose payment started."""

    __tablename__ = "benefit_recipient"
    __table_args__ = (
        Index("uq_benefit_recipient_active", "person_id", "programme", unique=True,
              sqlite_where=_NOT_ENDED, postgresql_where=_NOT_ENDED),
        Index("ix_benefit_recipient_roll", "programme", "status", "start_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    band: Mapped[str] = mapped_column(String(40))           # a rates band id (programme file)
    monthly_amount_fen: Mapped[int] = mapped_column(Integer)  # as approved (paid while the
    amount_source: Mapped[dict | None] = mapped_column(JSON)  # file's rate is not known)
    start_month: Mapped[date] = mapped_column(Date)          # first day of the first month paid
    # The first month not yet on a roll (every month before it is on one, unless it failed –
    # a failed month moves this back). Lets a roll look only at months that may be due.
    next_due_month: Mapped[date | None] = mapped_column(Date)
    street: Mapped[str] = mapped_column(String(40))
    # The bank or 社保卡 account, copied from the application's answers: the number is only
    # ever stored encrypted (portal.people.crypto), with its look-up hash and last four.
    card_method: Mapped[str | None] = mapped_column(String(20))
    card_bank_name: Mapped[str | None] = mapped_column(String(60))
    card_holder: Mapped[str | None] = mapped_column(String(60))
    card_number_encrypted: Mapped[str | None] = mapped_column(Text)
    card_hash: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(12))
    status_reason: Mapped[str | None] = mapped_column(String(40))
    status_since: Mapped[date] = mapped_column(Date)
    # While suspended or ended (portal.benefits.lifecycle): the first month not paid. Months
    # before it still due are paid; from it on nothing, until a resumption clears it.
    stop_month: Mapped[date | None] = mapped_column(Date)
    # The 残疾人证's last valid day: from the application's answers, or a renewal recorded.
    certificate_valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    person = relationship("Person")
    application = relationship("Application")
    events = relationship("RecipientEvent", order_by="RecipientEvent.id",
                          back_populates="recipient")


class RecipientEvent(db.Model):
    """One change in a recipient's life: enrolled, suspended, resumed, ended, card changed…"""

    __tablename__ = "benefit_recipient_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(40))
    effective: Mapped[date] = mapped_column(Date)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    recipient = relationship("Recipient", back_populates="events")


class UnpaidPeriod(db.Model):
    """Months a recipient is never paid: a suspension resumed without back pay."""

    __tablename__ = "benefit_unpaid_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()


class PaymentRoll(db.Model):
    """The roll of one programme for one month: draft → confirmed (civil affairs) → locked
    (the bank's result imported for every line)."""

    __tablename__ = "payment_roll"
    __table_args__ = (UniqueConstraint("programme", "month", name="uq_payment_roll_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(40))
    month: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    total_fen: Mapped[int] = mapped_column(Integer, default=0)
    built_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    built_at: Mapped[datetime] = created_at_column()
    confirmed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PaymentLine(db.Model):
    """One person on a roll: the months covered (this month and back months), their total."""

    __tablename__ = "payment_line"
    __table_args__ = (
        UniqueConstraint("roll_id", "person_id", name="uq_payment_line_person"),
        UniqueConstraint("roll_id", "recipient_id", name="uq_payment_line_recipient"),
        Index("ix_payment_line_roll_street", "roll_id", "street", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(ForeignKey("payment_roll.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    street: Mapped[str] = mapped_column(String(40))
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    # The account the line pays, as it was when the roll was built: what civil affairs checked
    # and confirmed is what the bank gets, even if the card is changed before the download
    # (a change pays from the next roll). The number only ever encrypted, as on the recipient.
    card_method: Mapped[str | None] = mapped_column(String(20))
    card_bank_name: Mapped[str | None] = mapped_column(String(60))
    card_holder: Mapped[str | None] = mapped_column(String(60))
    card_number_encrypted: Mapped[str | None] = mapped_column(Text)
    card_last4: Mapped[str | None] = mapped_column(String(4))
    reason: Mapped[str | None] = mapped_column(String(200))        # the bank's, when failed
    retry_reason: Mapped[str | None] = mapped_column(String(200))  # why it failed last time
    result_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    roll = relationship("PaymentRoll")
    recipient = relationship("Recipient")


class PaymentMonth(db.Model):
    """One month of one recipient on a roll, at the rate in force that month. Its line is the
    roll's line of the same recipient."""

    __tablename__ = "payment_month"
    __table_args__ = (
        Index("uq_payment_month_once", "recipient_id", "month", unique=True,
              sqlite_where=_NOT_FAILED, postgresql_where=_NOT_FAILED),
        Index("ix_payment_month_roll", "roll_id", "recipient_id"),
        Index("ix_payment_month_failed", "recipient_id", "month",
              sqlite_where=_FAILED, postgresql_where=_FAILED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(ForeignKey("payment_roll.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"))
    month: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="pending")


REVIEW_STATES = ("open", "done")
REEVALUATION_STATES = ("open", "dismissed")


class Review(db.Model):
    """A recipient's yearly review (年审 / 资格复核) of one year (portal.benefits.reviews):
    opened with the window, done online or by a street officer's visit. The notices sent are
    kept here (each once); `missed_on` is the day the grace period ended without it."""

    __tablename__ = "benefit_review"
    __table_args__ = (
        UniqueConstraint("recipient_id", "year", name="uq_benefit_review_year"),
        Index("ix_benefit_review_state", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)          # the window's last day
    grace_until: Mapped[date] = mapped_column(Date)     # suspended the day after, if not done
    status: Mapped[str] = mapped_column(String(12), default="open")
    first_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    missed_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(12))       # online | visit
    completed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    visited_on: Mapped[date | None] = mapped_column(Date)
    # What was confirmed (the facts as known then) and what changed: {fact: value}.
    confirmed: Mapped[dict | None] = mapped_column(JSON)
    changes: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)               # the officer's, on a visit
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    recipient = relationship("Recipient")


class Reevaluation(db.Model):
    """The rules say a recipient may no longer qualify (portal.benefits.reevaluation): a row
    on the staff worklist with the engine's reasons, until staff dismiss it or act on the
    recipient's page. Never changes the recipient by itself."""

    __tablename__ = "benefit_reevaluation"
    __table_args__ = (Index("ix_benefit_reevaluation_state", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("benefit_recipient.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)              # the facts and the rules as of
    cause: Mapped[str] = mapped_column(String(20))         # review | change (labels)
    cause_id: Mapped[int | None] = mapped_column(Integer)  # the review's or change's id
    result: Mapped[str] = mapped_column(String(12))        # the engine's: ineligible
    # The conditions that failed: [{"text": {zh, en}, "citation": {zh, en}}].
    reasons: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="open")
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    recipient = relationship("Recipient")
