"""Who signs in – residents, family members and staff – and the access they give each other.

Also: One-time codes sent by SMS (registration, password reset, look-ups). Stored hashed.
Also: A member of staff's declared relatives: they may not act on those people's applications.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database.columns import created_at_column
from portal.extensions import db

RESIDENT = "resident"
STAFF_ROLES = (
    "street_officer",      # 街道工作人员: one street
    "district_reviewer",   # 区残联审核
    "civil_affairs",       # 区民政审定（两项补贴）
    "content_editor",      # 内容编辑
    "admin",               # 系统管理员
)
# 代办员: a village or community worker (村(居)委会工作人员, 残协专职委员), made by a street
# officer.
# Not staff: signs in like staff (password and second factor) but reaches a person's records only
# through an active Consent (portal.accounts.consents).
INTERMEDIARY = "intermediary"
ROLES = (RESIDENT, INTERMEDIARY, *STAFF_ROLES)


class Account(UserMixin, db.Model):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20), default=RESIDENT)
    street: Mapped[str | None] = mapped_column(String(40))
    # An intermediary's village or community (村/社区), as the street officer typed it.
    village: Mapped[str | None] = mapped_column(String(60))
    preferred_locale: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    # Changing it ends every other session (sign-out everywhere, password change).
    session_version: Mapped[int] = mapped_column(default=1)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    # After repeated failures, sign-in waits until then (short; a password reset ends it).
    sign_in_locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
    # Staff second factor (portal/accounts/second_factor.py): "totp" or "sms", None until
    # enrolled. The TOTP secret is encrypted ("enc:" + Fernet, portal/people/crypto.py);
    # the last accepted time step stops a code from being used twice.
    second_factor: Mapped[str | None] = mapped_column(String(10))
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    second_factor_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Wrong second-factor codes, counted apart from passwords (a right password does not
    # clear them); the same growing waits as SIGN_IN_*.
    failed_second_factor: Mapped[int] = mapped_column(default=0)
    second_factor_locked_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True))

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_intermediary(self) -> bool:
        return self.role == INTERMEDIARY

    @property
    def is_resident(self) -> bool:
        return self.role == RESIDENT

    @property
    def signs_in_as_staff(self) -> bool:
        """Signs in on the staff page, with the password and a second factor (staff and
        intermediaries); a resident signs in on the residents' page."""
        return self.is_staff or self.is_intermediary

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the version makes old sessions invalid
        return f"{self.id}:{self.session_version}"


def _unique_while(condition: str, name: str, *columns: str) -> Index:
    """A unique index over the rows that meet `condition` (the standing ones), in SQLite as
    in PostgreSQL."""
    return Index(name, *columns, unique=True,
                 sqlite_where=text(condition), postgresql_where=text(condition))


LINK_ROLES = ("self", "guardian")       # the account IS the person / is their legal guardian
LINK_PROOFS = ("sms", "counter", "unified")  # a code to the phone on record / staff, in person /
#                                            a verified 统一身份认证 login (portal/unified_identity)


class PersonLink(db.Model):
    """Proof that an account is a person, or their legal guardian (portal.accounts.person_links).

    Only a proven link opens a person's records beyond what the account itself submitted:
    "self" by a code texted to the person's phone on record, or by staff at the counter;
    "guardian" only by staff, who see the guardianship papers. Typing an ID number proves
    nothing. Ended links stay for the record (ended_at)."""

    __tablename__ = "person_link"
    # One active link per account and person: a double click makes one, not two.
    __table_args__ = (_unique_while(
        "ended_at IS NULL", "uq_person_link_active", "account_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))          # LINK_ROLES
    proven_by: Mapped[str] = mapped_column(String(10))     # LINK_PROOFS
    confirmed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))

    person = relationship("Person")


class AccessGrant(db.Model):
    """A person (or their guardian) lets a family member see their applications.

    The family member is named by mobile number: the grant works for the resident's account
    registered with it, now or later (so the form never tells whether a number is
    registered). It counts only while whoever granted it still holds a proven link to the
    person (PersonLink)."""

    __tablename__ = "access_grant"
    # One standing grant per person and number: clicks sent at once make one.
    __table_args__ = (_unique_while(
        "revoked_at IS NULL", "uq_access_grant_active", "person_id", "grantee_phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    grantee_phone: Mapped[str] = mapped_column(String(20), index=True)
    granted_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecoveryCode(db.Model):
    """A staff member's one-use recovery code (for when the phone or app is lost). Only a
    password-style hash is kept; a new set replaces (deletes) the old one."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()

# -------------------- One-time codes sent by SMS (registration, password reset, look-ups). Stored hashed.

class OneTimeCode(db.Model):
    __tablename__ = "one_time_code"
    __table_args__ = (Index("ix_one_time_code_phone_purpose", "phone", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    # A keyed hash (HMAC-SHA256) of the code: a copy of the table does not reveal codes.
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()

# -------------------- A member of staff's declared relatives: they may not act on those people's applications.

# What the relative is to the member of staff (the words: portal/applications/conflicts.py).
CONFLICT_RELATIONS = ("spouse", "parent", "child", "sibling", "relative", "guardian", "other")


class StaffConflict(db.Model):
    """Recorded by an admin (`flask declare-conflict`) when a member of staff declares that a
    person is related to them. The relative is named only by the keyed hash of their ID number
    (portal.people.identity.lookup_hash), which matches Person.id_number_hash, and the number
    encrypted (so the hash can be made again when its key is rotated) – never readable."""
    __tablename__ = "staff_conflict"
    __table_args__ = (UniqueConstraint("account_id", "id_number_hash",
                                       name="uq_staff_conflict_account_id"),
                      Index("ix_staff_conflict_id_number_hash", "id_number_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_encrypted: Mapped[str] = mapped_column(String(255))
    relation: Mapped[str] = mapped_column(String(20))
    recorded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = created_at_column()

# -------------------- Consent: a person lets a village worker act for them
# (portal.accounts.consents).

CONSENT_SCOPES = ("apply", "changes", "reviews", "status")   # labels: portal.accounts.consents
CONSENT_METHODS = ("code", "paper")     # a code to the phone on record / a signed form
CONSENT_STATES = ("pending", "active", "refused", "ended")   # "expired" is read from `until`


class Consent(db.Model):
    """A person (or their guardian) lets one intermediary act for them, for what `scopes` says,
    until `until` (inclusive). Given by a code texted to the person's phone on record (active at
    once) or by a signed paper form the worker photographed (pending until the street officer
    confirms it). A paper consent may name someone with no record yet: the typed name and ID
    number (hashed and encrypted) stand until the officer confirms, which makes the record.
    Nothing is ever deleted: ended, refused and expired consents stay for the person's history."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_worker_person", "worker_account_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(60))
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_encrypted: Mapped[str] = mapped_column(String(255))
    street: Mapped[str] = mapped_column(String(40), index=True)   # whose officer confirms
    scopes: Mapped[str] = mapped_column(String(80))      # CONSENT_SCOPES, comma-separated
    until: Mapped[date]
    method: Mapped[str] = mapped_column(String(10))      # CONSENT_METHODS
    given_by: Mapped[str] = mapped_column(String(10), default="person")  # or "guardian"
    status: Mapped[str] = mapped_column(String(10))      # CONSENT_STATES
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = created_at_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    ended_by: Mapped[str | None] = mapped_column(String(10))   # person, office, worker

    worker = relationship("Account", foreign_keys=[worker_account_id])
    person = relationship("Person")

    @property
    def scope_list(self) -> tuple[str, ...]:
        return tuple(code for code in self.scopes.split(",") if code)
