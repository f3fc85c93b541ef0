"""The disabled person an application is about."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._columns import created_at_column


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(60))
    # The ID number is never stored readable: a keyed hash finds the person, the masked
    # form is shown (see portal.services.identity), and the full number is kept encrypted
    # ("enc:" + a Fernet token, portal.services.crypto) for the staff who verify identity –
    # decrypted one person at a time, on request, and audited. None for people recorded
    # before it was kept: filled in the next time their number is entered.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    id_number_encrypted: Mapped[str | None] = mapped_column(String(255))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))  # male | female
    street: Mapped[str | None] = mapped_column(String(40))  # street code from config
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    disability_category: Mapped[str | None] = mapped_column(String(12))
    disability_grade: Mapped[int | None]
    certificate_number_masked: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at_column()
