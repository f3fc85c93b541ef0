"""The typed answers of an application: what `Draft.answers` and `Application.answers` hold.

The database keeps them as one JSON object per row; this module is the one place that reads and
writes that JSON (`Answers.from_json` / `Answers.to_json`, and `read(row)` / `write(row, …)`),
and the one place that names its sections (`SectionKey`). Everything else works with the typed
records below.

Why dataclasses (the standard library): the sections are plain records – the forms validate
what people type and the eligibility package checks facts – so a validation library (pydantic,
attrs; neither is a dependency of the portal) would add a dependency for nothing. Frozen
dataclasses give value equality (the JSON column sees a change by comparing values), `replace()`
for an edited copy and type hints, and read the same in every module.

The stored JSON (version 2):

  version        2 (rows written before it carry none: version 1, the same shape without it)
  relationship   self | guardian | family | agent | village_staff
  personal       full_name, id_hash, id_encrypted, phone, address, street – nothing derived
                 from the ID number is stored readable: its keyed hash (look-ups) and the number
                 encrypted (portal.people.crypto); birth date, age, sex and last four are read
                 from that when shown (portal.people.identity.read)
  certificate    has_certificate, and with one: id_hash, category, grade, valid_until (ISO or
                 None) – the number is the ID number and the category and grade digits, so it
                 is not kept: id_hash says one was entered and matches the person's
  household      household
  payment        method, bank_name, account_holder, card_number (encrypted), card_hash,
                 card_last4 (portal.people.crypto.seal_payment)
  questions      {eligibility fact: value}
  documents_done true once the applicant said the documents are complete
  consent        given, at – the consent to handle sensitive personal information
  declaration    given, at – the declaration ticked when submitting (applications only)
  draft_id       the draft an application came from (the portal's own bookkeeping)

Any other key (the demo data's "demo") and any unknown field of a section is kept as it is
(`extra`), so reading and writing a row never loses what it held.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self

SCHEMA_VERSION = 2
VERSION_KEY = "version"


class SectionKey(StrEnum):
    """The sections' names: the stored JSON's keys, the journey's task list and the labels
    (portal.labels.SECTIONS) use these and no other spelling."""
    WHO = "who"                    # the journey's task for the relationship
    RELATIONSHIP = "relationship"
    PERSONAL = "personal"
    CERTIFICATE = "certificate"
    HOUSEHOLD = "household"
    PAYMENT = "payment"
    QUESTIONS = "questions"
    DOCUMENTS = "documents"        # the journey's task that ends with documents_done
    DOCUMENTS_DONE = "documents_done"
    CONSENT = "consent"
    DECLARATION = "declaration"
    DRAFT_ID = "draft_id"


# ── the sections ──────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class _Record:
    """A section stored as a JSON object of its fields; a field that is None is not stored."""
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)
    REQUIRED: ClassVar[tuple[str, ...]] = ()   # what the journey needs for the section done

    @classmethod
    def from_json(cls, data: Any) -> Self:
        data = data if isinstance(data, Mapping) else {}
        names = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: v for k, v in data.items() if k in names},
                   extra={k: v for k, v in data.items() if k not in names})

    def to_json(self) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**{k: v for k, v in values.items() if v is not None}, **self.extra}

    def __bool__(self) -> bool:
        return bool(self.to_json())

    def complete(self) -> bool:
        return all(getattr(self, name) for name in self.REQUIRED)


@dataclass(frozen=True)
class Personal(_Record):
    """Who the application is for. Of the ID number only its keyed hash (look-ups) and the
    number encrypted are kept (portal.people.identity reads birth date, age, sex from it)."""
    full_name: str | None = None
    id_hash: str | None = None
    id_encrypted: str | None = None
    phone: str | None = None
    address: str | None = None
    street: str | None = None

    REQUIRED = ("full_name", "id_hash", "id_encrypted", "phone", "address", "street")


@dataclass(frozen=True)
class Certificate(_Record):
    """The disability certificate. Its number is the ID number and the category and grade
    digits, so it is not kept: id_hash says one was entered and matches the person's."""
    has_certificate: bool | None = None
    id_hash: str | None = None
    category: str | None = None
    grade: int | None = None
    valid_until: str | None = None   # ISO date

    def to_json(self) -> dict:
        """With a certificate every field is written (None where not given); without one,
        only that; unanswered, nothing."""
        if self.has_certificate:
            return {"has_certificate": True, "id_hash": self.id_hash, "category": self.category,
                    "grade": self.grade, "valid_until": self.valid_until, **self.extra}
        return super().to_json()

    @property
    def answered(self) -> bool:
        return self.has_certificate is not None

    def complete(self) -> bool:
        if self.has_certificate:
            return bool(self.id_hash and self.category and self.grade)
        return self.answered

    def valid_on(self, day: date) -> bool:
        if not self.has_certificate:
            return False
        return self.valid_until is None or date.fromisoformat(self.valid_until) >= day


@dataclass(frozen=True)
class Household(_Record):
    household: str | None = None


@dataclass(frozen=True)
class Payment(_Record):
    method: str | None = None
    bank_name: str | None = None
    account_holder: str | None = None
    REQUIRED = ("method", "bank_name", "account_holder", "card_number")
    # The card number encrypted (portal.people.crypto), never plain, with its look-up hash
    # and last four digits beside it (crypto.seal_payment).
    card_number: str | None = None
    card_hash: str | None = None
    card_last4: str | None = None

    def sealed(self) -> Payment:
        """As stored: the card number encrypted, with its look-up hash and last four."""
        from portal.people import crypto

        return Payment.from_json(crypto.seal_payment(self.to_json()))


@dataclass(frozen=True)
class Questions:
    """The answers to the programme's own questions: {eligibility fact: value}."""
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> Questions:
        return cls(dict(data) if isinstance(data, Mapping) else {})

    def to_json(self) -> dict:
        return dict(self.values)

    def __bool__(self) -> bool:
        return bool(self.values)


@dataclass(frozen=True)
class Agreement(_Record):
    """A consent or declaration: given, and when (ISO date and time)."""
    given: bool | None = None
    at: str | None = None


# ── the whole ─────────────────────────────────────────────────────────────────────────────

# The sections stored as JSON objects, in the order they are written (and shown to staff).
RECORDS: dict[SectionKey, type] = {
    SectionKey.PERSONAL: Personal, SectionKey.CERTIFICATE: Certificate,
    SectionKey.HOUSEHOLD: Household, SectionKey.PAYMENT: Payment,
    SectionKey.QUESTIONS: Questions, SectionKey.CONSENT: Agreement,
    SectionKey.DECLARATION: Agreement,
}
# Sections copied from an earlier application for the same person ("never ask twice").
KNOWN_SECTIONS = (SectionKey.PERSONAL, SectionKey.CERTIFICATE, SectionKey.HOUSEHOLD,
                  SectionKey.PAYMENT, SectionKey.QUESTIONS)


@dataclass(frozen=True)
class Answers:
    relationship: str | None = None
    personal: Personal = field(default_factory=Personal)
    certificate: Certificate = field(default_factory=Certificate)
    household: Household = field(default_factory=Household)
    payment: Payment = field(default_factory=Payment)
    questions: Questions = field(default_factory=Questions)
    documents_done: bool = False
    consent: Agreement = field(default_factory=Agreement)
    declaration: Agreement = field(default_factory=Agreement)
    draft_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)   # keys of no section

    # ── the stored JSON: the one place that reads and writes it ──
    @classmethod
    def from_json(cls, data: Mapping | None) -> Answers:
        """Read a stored row: the current version, or version 1 (no version key). A section
        that is not a JSON object (never written so) is kept as it is, in `extra`."""
        data = dict(data or {})
        version_of(data)
        data.pop(VERSION_KEY, None)
        # Version 1 → 2 added the version key only: the sections read the same.
        sections = {key.value: kind.from_json(data.pop(key, None))
                    for key, kind in RECORDS.items()
                    if data.get(key) is None or isinstance(data[key], Mapping)}
        return cls(relationship=data.pop(SectionKey.RELATIONSHIP, None),
                   documents_done=bool(data.pop(SectionKey.DOCUMENTS_DONE, False)),
                   draft_id=data.pop(SectionKey.DRAFT_ID, None),
                   extra=data, **sections)

    def to_json(self, version: int = SCHEMA_VERSION) -> dict:
        """The JSON stored for these answers; empty sections are left out. `version` 1 (the
        same without the version key) only for a row that is rewritten in place, e.g. by a
        key rotation, in a database not yet migrated to version 2."""
        stored: dict[str, Any] = {VERSION_KEY: version} if version > 1 else {}
        if self.relationship is not None:
            stored[SectionKey.RELATIONSHIP.value] = self.relationship
        for key in RECORDS:
            value = self.section(key).to_json()
            if value:
                stored[key.value] = value
        if self.documents_done:
            stored[SectionKey.DOCUMENTS_DONE.value] = True
        if self.draft_id is not None:
            stored[SectionKey.DRAFT_ID.value] = self.draft_id
        return {**stored, **self.extra}

    # ── reading and changing ──
    def section(self, key: str) -> Any:
        """A section by its key (SectionKey): its typed record, or the plain value."""
        return getattr(self, SectionKey(key).value)

    def present(self) -> list[SectionKey]:
        """The record sections that hold something, in the stored order."""
        return [key for key in RECORDS if self.section(key)]

    def with_(self, **sections) -> Answers:
        """A copy with these sections replaced (keyword = SectionKey value)."""
        return replace(self, **sections)

    def known(self) -> Answers:
        """What is worth pre-filling a new application for the same person with."""
        return Answers(**{key.value: self.section(key) for key in KNOWN_SECTIONS})


def version_of(data: Mapping | None) -> int:
    """The schema version of stored answers: 1 when they carry none."""
    version = (data or {}).get(VERSION_KEY, 1)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise ValueError(f"answers of unknown version {version!r}")
    return version


def read(row) -> Answers:
    """The typed answers of a Draft or Application."""
    return Answers.from_json(row.answers)


def write(row, answers: Answers) -> None:
    """Store `answers` in a Draft or Application (a new JSON value, so the column sees it)."""
    row.answers = answers.to_json()
