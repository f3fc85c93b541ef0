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


def _keys() -> list[bytes]:
    """The blind index's keys (ID_HASH_KEYS, portal/keys.py), newest first – never SECRET_KEY,
    so that signing everyone out does not lose every look-up."""
    config = current_app.config
    raw = (config.get("ID_HASH_KEYS"), config.get("ID_HASH_KEY"))
    kept = current_app.extensions.get("id_hash_keys")
    if kept is None or kept[0] != raw:
        from ..keys import id_hash_keys

        keys = [key.encode() for key in id_hash_keys(config)]
        if not keys:
            raise RuntimeError("ID_HASH_KEYS must be set (the key of the look-up hashes).")
        kept = current_app.extensions["id_hash_keys"] = (raw, keys)
    return kept[1]


def _key() -> bytes:
    return _keys()[0]


def _hash(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def lookup_hash(id_number: str) -> str:
    """A keyed hash, with the newest key: finds a person by ID number without the number
    being readable. What is stored."""
    return _hash(_key(), id_number)


def lookup_hashes(id_number: str) -> list[str]:
    """The number's hash under every key, newest first: what a look-up compares with, so
    records hashed with an older key are still found until `flask rotate-keys` re-hashed them."""
    return [_hash(key, id_number) for key in _keys()]


def lookup_hash_like(id_number: str, other_hash: str | None) -> str:
    """The number's hash under the same key as `other_hash` when that is the same number's
    (so two hashes of one record compare equal while a rotation is under way); otherwise the
    newest key's."""
    if other_hash:
        for digest in lookup_hashes(id_number):
            if hmac.compare_digest(digest, other_hash):
                return digest
    return lookup_hash(id_number)


def stored_hashes(id_hash: str, encrypted: str | None = None) -> list[str]:
    """What a stored record's number may be hashed as: under every key when its encrypted
    copy can be read, else the stored hash alone."""
    if encrypted:
        from .crypto import decrypt

        return list(dict.fromkeys([*lookup_hashes(decrypt(encrypted)), id_hash]))
    return [id_hash]


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
