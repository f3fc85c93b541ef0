"""The catalogue: groups, the programmes in catalogue order, and looking one up by code.

Groups come from ``catalogue.yaml`` at import (groups.py). The programme files are read,
checked and compiled once, on first use, and kept for the life of the process.
"""

from __future__ import annotations

import functools

from portal.eligibility.groups import CATALOGUE, CATALOGUE_FILE, GROUPS
from portal.eligibility.loader import DATA_DIR, YamlFileError
from portal.eligibility.model import Programme
from portal.eligibility.schema import validate_programme_file

PROGRAMMES_DIR = DATA_DIR / "programmes"


@functools.cache
def _catalogue() -> tuple[tuple[Programme, ...], dict[str, Programme]]:
    order = CATALOGUE.get("order") or []
    if len(set(order)) != len(order):
        raise YamlFileError(CATALOGUE_FILE, "order", "lists a programme twice")
    files = {path.stem for path in PROGRAMMES_DIR.glob("*.yaml")}
    if stray := sorted(files - set(order)):
        raise YamlFileError(CATALOGUE_FILE, "order", f"does not list the programme file(s) {stray}")
    if absent := [code for code in order if code not in files]:
        raise YamlFileError(CATALOGUE_FILE, "order", f"lists programmes without a file: {absent}")
    loaded = tuple(validate_programme_file(PROGRAMMES_DIR / f"{code}.yaml", GROUPS) for code in order)
    return loaded, {p.code: p for p in loaded}


def programmes() -> tuple[Programme, ...]:
    """Every programme, in catalogue order (the order of the outcomes of ``evaluate``)."""
    return _catalogue()[0]


def programme(code: str) -> Programme:
    """The programme with this code; ``KeyError`` if there is none."""
    try:
        return _catalogue()[1][code]
    except KeyError:
        raise KeyError(f"no programme with code {code!r}") from None
