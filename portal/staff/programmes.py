"""The list of programmes a queue can be filtered by (their names: portal.labels)."""
from __future__ import annotations

from portal import eligibility


def online_codes() -> list[str]:
    """Programmes that can be applied for online, in catalogue order."""
    return [p.code for p in eligibility.programmes() if p.online]
