"""A person's request to correct or delete their data (个人信息保护法 第四十六条、第四十七条).

Made by an account with a proven link to the person (PersonLink "self" or "guardian",
portal.accounts.person_links); handled by staff in /staff/data-requests within
DATA_REQUEST_WORKING_DAYS; the outcome and its reason are told to the person on their page and
by a text. `erased` and `kept` record what a deletion did (counts per kind) and which kinds the
law kept (portal/data/retention.yaml), so the page can say why in plain words."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE

KINDS = ("correction", "deletion")
OUTCOMES = ("corrected", "deleted", "partly_kept", "refused")


class DataRequest(db.Model):
    __tablename__ = "data_request"
    __table_args__ = (Index("ix_data_request_open", "decided_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    link_role: Mapped[str] = mapped_column(String(10))       # self | guardian, when asked
    kind: Mapped[str] = mapped_column(String(12))            # KINDS
    what_is_wrong: Mapped[str | None] = mapped_column(Text)  # correction; deletion: what/why
    should_be: Mapped[str | None] = mapped_column(Text)      # correction only
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    locale: Mapped[str] = mapped_column(String(12), default=DEFAULT_LOCALE)
    created_at: Mapped[datetime] = created_at_column()
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(12))  # OUTCOMES
    reason: Mapped[str | None] = mapped_column(Text)         # told to the person
    erased: Mapped[dict | None] = mapped_column(JSON)        # kind → rows deleted/anonymised
    kept: Mapped[list | None] = mapped_column(JSON)          # kinds the law keeps
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))


class AnonymisedRecord(db.Model):
    """A row anonymised by portal.retention.erasure (an application refused, withdrawn or
    merged; a question): the row itself stays for the counts, and this says it is done, so a
    second run passes it by. A table of its own rather than a column, so the domains' tables
    keep their shape (and older migrations' tests their ORM)."""

    __tablename__ = "anonymised_record"
    __table_args__ = (UniqueConstraint("kind", "record_id", name="uq_anonymised_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))      # a kind of portal/data/retention.yaml
    record_id: Mapped[int]
    anonymised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
