"""Resident ID numbers (GB 11643-1999): checking, reading, hashing for look-up, masking.

An ID number shows the area, the birth date and the sex, so nothing derived from it is stored
readable: a person (and an application's answers) keeps only the keyed look-up hash, a keyed
hash of the last four characters (the staff search them) and the number encrypted
(portal.people.crypto). Birth date, age, sex and last four are read from the encrypted number
when a page shows them – read() is the one place that does it – and pages show at most the
last four (masked()) and an age, never the area code or the birth date. The full number and
birth date are shown only by the audited staff reveal (portal.applications.casefile).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.keys import blind_index_key, blind_index_keys
from portal.people import crypto

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

    @property
    def last_four(self) -> str:
        return self.value[-4:]

    def age(self, on: date | None = None) -> int:
        return age_on(self.birth_date, on or date.today())


def age_on(born: date, on: date) -> int:
    """Completed years (周岁) on a day – the one age calculation of the portal."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


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




def _hash(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


def lookup_hash(id_number: str) -> str:
    """A keyed hash, with the newest key: finds a person by ID number without the number
    being readable. What is stored."""
    return _hash(blind_index_key(), id_number)


def lookup_hashes(id_number: str) -> list[str]:
    """The number's hash under every key, newest first: what a look-up compares with, so
    records hashed with an older key are still found until `flask rotate-keys` re-hashed them."""
    return [_hash(key, id_number) for key in blind_index_keys()]


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
        from portal.people.crypto import decrypt

        return list(dict.fromkeys([*lookup_hashes(decrypt(encrypted)), id_hash]))
    return [id_hash]


def _last_four(key: bytes, last_four: str) -> str:
    return hmac.new(key, ("last4:" + last_four.upper()).encode(), hashlib.sha256).hexdigest()


def last_four_hash(last_four: str) -> str:
    """A keyed hash of the last four characters (newest key): the staff search by them,
    unreadable at rest. What is stored."""
    return _last_four(blind_index_key(), last_four)


def last_four_hashes(last_four: str) -> list[str]:
    """The last four's hash under every key, newest first (what the search compares with,
    until `flask rotate-keys` re-hashed older ones)."""
    return [_last_four(key, last_four) for key in blind_index_keys()]


def stored_fields(id_number: str) -> dict:
    """What a Person keeps of an ID number: the look-up hash, the hash of the last four and
    the encrypted number – nothing readable."""
    value = id_number.upper()
    return {"id_number_hash": lookup_hash(value),
            "id_number_last4_hash": last_four_hash(value[-4:]),
            "id_number_encrypted": crypto.encrypt(value)}


def read(encrypted: str | None) -> IdNumber | None:
    """The number kept encrypted, decrypted and parsed – the one way to its birth date, age,
    sex and last four. None when none is kept (people recorded before it was; see README)."""
    if not encrypted:
        return None
    try:
        return parse_id_number(crypto.decrypt(encrypted))
    except ValueError:
        return None


def of(person) -> IdNumber | None:
    """A Person's ID number (read())."""
    return read(person.id_number_encrypted) if person is not None else None


def masked_id(person) -> str:
    """A Person's ID number as pages show it (masked())."""
    return masked(of(person))


def mask(id_number: str) -> str:
    """**************002X – the last four only, language-neutral (for the audit log)."""
    return "*" * (len(id_number) - 4) + id_number[-4:]


def masked(number: IdNumber | str | None) -> str:
    """How a page shows an ID (or certificate) number: 尾号002X – the last four only, read
    clearly by screen readers (asterisks are read out one by one)."""
    if number is None or number == "":
        return _("未记录")
    last = number.last_four if isinstance(number, IdNumber) else number[-4:]
    return _("尾号%(last)s", last=last)


def age_text(number: IdNumber | None, on: date | None = None) -> str:
    """The age shown instead of a birth date: 75周岁."""
    if number is None:
        return _("未记录")
    return _("%(age)s周岁", age=number.age(on))


def sex_text(number: IdNumber | None) -> str:
    if number is None:
        return _("未记录")
    return _("男") if number.sex == "male" else _("女")


def mask_name(name: str) -> str:
    """张*华 / 买买提·** – the first character and, for longer names, the last."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
