"""Mainland mobile numbers: what people type → the 11 digits we store, and the masked form."""
from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"1[3-9]\d{9}")
SEPARATORS = re.compile(r"[\s\-‐‑‒–—()（）]")


def normalise(raw: str | None) -> str:
    """"+86 139-1234-5678", "139 1234 5678", full-width digits → "13912345678".

    Raises ValueError with the reason: "empty", "characters", "length" or "prefix".
    """
    value = unicodedata.normalize("NFKC", raw or "").strip()
    if not value:
        raise ValueError("empty")
    value = SEPARATORS.sub("", value)
    if value.startswith("+"):
        if not value.startswith("+86"):
            raise ValueError("prefix")
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value.isdigit() or not value.isascii():
        raise ValueError("characters")
    if len(value) != 11:
        raise ValueError("length")
    if not MOBILE.fullmatch(value):
        raise ValueError("prefix")
    return value


def is_valid(raw: str | None) -> bool:
    try:
        normalise(raw)
    except ValueError:
        return False
    return True


def mask(phone: str) -> str:
    """139****5678: the first three and the last four digits."""
    if len(phone) != 11:
        return phone
    return phone[:3] + "****" + phone[-4:]
