"""Which passwords the portal accepts, and why it refuses the others.

`problem(password, phone=..., staff=...)` returns None or the reason, a code from REASONS; forms
show the matching sentence (portal/account/validators.py). Rules, in order:
length (8, or 12 for staff; at most 128), not a common password (data/common_passwords.txt),
not the person's own phone number, not a date or phone-number-like string, not one character
repeated or a simple run (12345678, abcdefgh), and for staff a mix of character kinds.
"""
from __future__ import annotations

import re
import string
from datetime import date
from functools import cache

from portal.config import DATA

COMMON_FILE = DATA / "common_passwords.txt"

MIN_LENGTH = 8
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 128
STAFF_MIN_KINDS = 3  # of: lower case, upper case, digits, other characters

REASONS = ("empty", "too_short", "too_long", "common", "own_phone", "date_or_phone",
           "repeated_or_run", "staff_too_short", "staff_not_mixed")

# Rows of a keyboard and the alphabet, for runs such as "qwertyui", "asdfghjk", "abcdefgh".
RUNS = ("01234567890123456789", "98765432109876543210", string.ascii_lowercase, string.ascii_lowercase[::-1],
        "qwertyuiop", "asdfghjkl", "zxcvbnm", "poiuytrewq", "lkjhgfdsa", "mnbvcxz",
        "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhn")
TRAILING = "!@#$%^&*.?_-~ "


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def problem(password: str, *, phone: str | None = None, staff: bool = False) -> str | None:
    """The first reason `password` is refused, or None when it is acceptable."""
    if not password:
        return "empty"
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    core = lowered.rstrip(TRAILING)
    if lowered in common_passwords() or core in common_passwords():
        return "common"
    digits = re.sub(r"\D", "", password)
    if phone and (phone in digits or phone[-8:] in password or phone[::-1] in digits):
        return "own_phone"
    if _looks_like_date_or_phone(core):
        return "date_or_phone"
    if _repeated_or_run(core):
        return "repeated_or_run"
    if staff:
        if len(password) < STAFF_MIN_LENGTH:
            return "staff_too_short"
        if _kinds(password) < STAFF_MIN_KINDS:
            return "staff_not_mixed"
    return None


def _kinds(password: str) -> int:
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


def _looks_like_date_or_phone(value: str) -> bool:
    """Only digits (and separators) that read as a date, a date twice, or a phone number."""
    digits = re.sub(r"[\s./_-]", "", value)
    if not digits.isdigit():
        return False
    if re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"0\d{9,11}", digits):
        return True  # a mobile number, or a landline with its area code (029…)
    if len(digits) == 8 and (_is_date(digits[:4], digits[4:6], digits[6:])
                             or _is_date(digits[4:], digits[2:4], digits[:2])
                             or _is_date(digits[4:], digits[:2], digits[2:4])):
        return True  # 19510314, 14031951, 03141951
    if len(digits) in (12, 16) and digits[: len(digits) // 2] == digits[len(digits) // 2:]:
        return True  # a date or six digits typed twice
    return False


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099


def _repeated_or_run(value: str) -> bool:
    if len(set(value)) <= 2:
        return True  # aaaaaaaa, abababab
    for size in (1, 2, 3, 4):  # a short piece repeated: 123123123, abcabcabc
        if len(value) % size == 0 and value == value[:size] * (len(value) // size):
            return True
    return any(value in run for run in RUNS)
