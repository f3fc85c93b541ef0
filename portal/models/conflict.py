"""A member of staff's declared relatives: they may not act on those people's applications."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._columns import created_at_column

# What the relative is to the member of staff (the words: portal/services/conflicts.py).
CONFLICT_RELATIONS = ("spouse", "parent", "child", "sibling", "relative", "guardian", "other")


class StaffConflict(db.Model):
    """Recorded by an admin (`flask declare-conflict`) when a member of staff declares that a
    person is related to them. The relative is named only by the keyed hash of their ID number
    (portal.services.identity.lookup_hash), which matches Person.id_number_hash, and the number
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
