"""The catalogue: groups, the programmes in catalogue order, and looking one up by code.

Groups come from ``catalogue.yaml`` at import (a few lines). The programme files are read,
checked and compiled once, on first use, and kept for the life of the process.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from portal.eligibility.loader import DATA_DIR, YamlFileError, read_yaml
from portal.eligibility.model import Group, Programme
from portal.eligibility.schema import validate_programme_file
from portal.eligibility.text import text_from

CATALOGUE_FILE = DATA_DIR / "catalogue.yaml"
PROGRAMMES_DIR = DATA_DIR / "programmes"


def _read_groups(data: dict) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for i, node in enumerate(data.get("groups") or []):
        try:
            group = Group(code=node["code"], name=text_from(node["name"]))
        except (KeyError, TypeError, ValueError) as error:
            raise YamlFileError(CATALOGUE_FILE, f"groups[{i}]", f"needs a code and a name {{zh, en}} ({error})") from error
        groups[group.code] = group
    return groups


_CATALOGUE = read_yaml(CATALOGUE_FILE)

#: The catalogue groups in display order: code -> :class:`Group`.
GROUPS: Mapping[str, Group] = _read_groups(_CATALOGUE)


@functools.cache
def _catalogue() -> tuple[tuple[Programme, ...], dict[str, Programme]]:
    order = _CATALOGUE.get("order") or []
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
