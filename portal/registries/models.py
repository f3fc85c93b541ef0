"""The registries the district shares with the portal (data sharing, 主动发现), as imported:

- ``RegistryImport``: one accepted import – which registry (``certificates``: 残疾人证 holders
  from the 残联 system; ``households``: the 低保/低收入/特困 rolls from 民政), the day the
  registry's data is as of, where it came from, how many rows, who imported it. Kept for good.
- ``RegistryRecord``: each row of an import, kept with it.
- ``RegistryPerson``: one per ID number: the person's facts as of the newest import naming them
  (per registry), with the records they come from – what the discovery sweep and the checks
  at submission read.
- ``DiscoveryLead``: a registry person who may qualify for programmes they have not applied
  for (the sweep's finding), and ``DiscoveryContact``: a street officer's contact attempts.

Personal data as everywhere in the portal (portal.people): the ID number only as its keyed
look-up hash and encrypted; the name, phone and address encrypted; pages show them masked.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database.columns import created_at_column
from portal.extensions import db

KINDS = ("certificates", "households")
HOUSEHOLDS = ("dibao", "low_income", "tekun")     # the eligibility fact `household`'s values
OUTCOMES = ("invited", "applied_with_help", "declined", "unreachable", "not_qualified")


class RegistryImport(db.Model):
    __tablename__ = "registry_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[date] = mapped_column(Date)            # the registry's data is as of this day
    source: Mapped[str] = mapped_column(String(200))     # file name, or the API's address
    row_count: Mapped[int]
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()


class RegistryRecord(db.Model):
    __tablename__ = "registry_record"
    __table_args__ = (Index("ix_registry_record_import", "import_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_import.id"))
    line: Mapped[int]
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_encrypted: Mapped[str] = mapped_column(String(255))
    name_encrypted: Mapped[str] = mapped_column(String(255))
    phone_encrypted: Mapped[str | None] = mapped_column(String(255))
    address_encrypted: Mapped[str | None] = mapped_column(String(600))
    street: Mapped[str | None] = mapped_column(String(40))
    disability_category: Mapped[str | None] = mapped_column(String(12))
    disability_grade: Mapped[int | None]
    valid_until: Mapped[date | None] = mapped_column(Date)   # None: 长期 (no end)
    household: Mapped[str | None] = mapped_column(String(12))


class RegistryPerson(db.Model):
    __tablename__ = "registry_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_last4_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_encrypted: Mapped[str] = mapped_column(String(255))
    name_encrypted: Mapped[str] = mapped_column(String(255))
    phone_encrypted: Mapped[str | None] = mapped_column(String(255))
    street: Mapped[str | None] = mapped_column(String(40), index=True)
    # From the newest certificates import naming the person (None: not in that registry).
    certificate_record_id: Mapped[int | None] = mapped_column(ForeignKey("registry_record.id"))
    certificate_as_of: Mapped[date | None] = mapped_column(Date)
    disability_category: Mapped[str | None] = mapped_column(String(12))
    disability_grade: Mapped[int | None]
    certificate_valid_until: Mapped[date | None] = mapped_column(Date)
    # From the newest households import naming the person.
    household_record_id: Mapped[int | None] = mapped_column(ForeignKey("registry_record.id"))
    household_as_of: Mapped[date | None] = mapped_column(Date)
    household: Mapped[str | None] = mapped_column(String(12))
    updated_at: Mapped[datetime] = created_at_column()


class DiscoveryLead(db.Model):
    """The sweep's finding for one registry person: the programmes they may qualify for and
    have not applied for, as [code, result] pairs ("eligible" first). The reasons are the
    rules' own, given again from the person's registry facts on `found_on`."""
    __tablename__ = "discovery_lead"
    __table_args__ = (Index("ix_discovery_lead_street", "street", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_person_id: Mapped[int] = mapped_column(ForeignKey("registry_person.id"),
                                                    unique=True)
    street: Mapped[str | None] = mapped_column(String(40))
    programmes: Mapped[list] = mapped_column(JSON)
    eligible_count: Mapped[int]
    found_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()

    person = relationship("RegistryPerson")


class DiscoveryContact(db.Model):
    """A street officer's contact attempt with a registry person, and its outcome."""
    __tablename__ = "discovery_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_person_id: Mapped[int] = mapped_column(ForeignKey("registry_person.id"),
                                                    index=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = created_at_column()


class RegistryCheck(db.Model):
    """The facts an application declared, compared with the registries at submission: per fact
    (certificate, category, grade, household, street) "confirms", "differs" or "absent" (not
    in the registry), with the registry's value and the day it is as of."""
    __tablename__ = "registry_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    results: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
