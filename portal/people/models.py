"""The disabled person an application is about."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column
from portal.extensions import db


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(60))
    # Nothing derived from the ID number is stored readable (portal.people.identity): a
    # keyed hash finds the person, a keyed hash of the last four serves the staff search, and
    # the number is kept encrypted ("enc:" + a Fernet token, portal.people.crypto). Birth
    # date, age, sex and the last four shown on pages are read from it (identity.read); the
    # full number only by the audited staff reveal. The encrypted number is None for people
    # recorded before it was kept: filled in the next time their number is entered.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_last4_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_encrypted: Mapped[str | None] = mapped_column(String(255))
    street: Mapped[str | None] = mapped_column(String(40))  # street code from config
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    disability_category: Mapped[str | None] = mapped_column(String(12))
    disability_grade: Mapped[int | None]
    created_at: Mapped[datetime] = created_at_column()
