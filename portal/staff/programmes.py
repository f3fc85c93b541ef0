"""Programme names and the list of programmes a queue can be filtered by.

The names come from portal.eligibility (one place for each fact); until that package is in
the tree, the code itself is shown.
"""
from __future__ import annotations

from flask_babel import get_locale


def _catalogue():
    try:
        from ..eligibility import programmes
    except ImportError:  # the eligibility package is not merged yet
        return ()
    return programmes()


def online_codes() -> list[str]:
    """Programmes that can be applied for online, in catalogue order."""
    return [p.code for p in _catalogue() if p.online]


def name(code: str) -> str:
    for programme in _catalogue():
        if programme.code == code:
            return programme.name.in_locale(str(get_locale()))
    return code
