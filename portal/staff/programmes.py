"""Programme names and the list of programmes a queue can be filtered by.

The names come from portal.eligibility (one place for each fact).
"""
from __future__ import annotations

from flask_babel import get_locale

from ..eligibility import programmes as _catalogue


def online_codes() -> list[str]:
    """Programmes that can be applied for online, in catalogue order."""
    return [p.code for p in _catalogue() if p.online]


def name(code: str) -> str:
    for programme in _catalogue():
        if programme.code == code:
            return programme.name.in_locale(str(get_locale()))
    return code
