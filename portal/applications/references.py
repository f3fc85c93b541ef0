"""Reference numbers (受理编号): HY-2026-7K3QX9 – random, so one cannot be guessed from another."""
from __future__ import annotations

import secrets
from datetime import date

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and type from a receipt.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 6


def new_reference(today: date | None = None, prefix: str = "HY") -> str:
    """HY-… for an application; another prefix for another sequence (BG-…: a change of
    circumstances, portal.changes)."""
    year = (today or date.today()).year
    return f"{prefix}-{year}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str:
    """What a person typed → canonical form (upper case, no spaces, ASCII hyphens)."""
    cleaned = (raw or "").strip().upper().replace(" ", "").replace("—", "-").replace("－", "-")
    return cleaned.replace("–", "-")
