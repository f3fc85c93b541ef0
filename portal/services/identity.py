"""Resident ID numbers (GB 11643-1999): checking, reading, hashing for look-up, masking."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from flask import current_app

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # male | female

    @property
    def area_code(self) -> str:
        return self.value[:6]


def parse_id_number(raw: str) -> IdNumber:
    """Return the parsed number, or raise ValueError with the reason (a code, not prose)."""
    value = (raw or "").strip().upper().replace(" ", "")
    if len(value) != 18:
        raise ValueError("length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValueError("characters")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("birth_date") from None
    if born.year < 1800 or born > date.today():
        raise ValueError("birth_date")
    if check_character(value[:17]) != value[17]:
        raise ValueError("check_character")
    return IdNumber(value, born, "male" if int(value[16]) % 2 else "female")


def _key() -> bytes:
    secret = current_app.config.get("ID_HASH_KEY") or current_app.config["SECRET_KEY"]
    return secret.encode()


def lookup_hash(id_number: str) -> str:
    """A keyed hash: finds a person by ID number without the number being readable."""
    return hmac.new(_key(), id_number.upper().encode(), hashlib.sha256).hexdigest()


def mask(id_number: str) -> str:
    """6101**********002X – area and last four only."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_name(name: str) -> str:
    """张*华 / 买买提·** – the first character and, for longer names, the last."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
