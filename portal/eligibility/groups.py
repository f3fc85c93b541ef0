"""The catalogue's groups, read from ``catalogue.yaml`` at import (a few lines): what the
programme files' ``group`` may name (schema.py) and the order the catalogue shows them in."""

from __future__ import annotations

from collections.abc import Mapping

from portal.eligibility.loader import DATA_DIR, YamlFileError, read_yaml
from portal.eligibility.model import Group
from portal.eligibility.text import text_from

CATALOGUE_FILE = DATA_DIR / "catalogue.yaml"


def _read_groups(data: dict) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for i, node in enumerate(data.get("groups") or []):
        try:
            group = Group(code=node["code"], name=text_from(node["name"]))
        except (KeyError, TypeError, ValueError) as error:
            raise YamlFileError(CATALOGUE_FILE, f"groups[{i}]", f"needs a code and a name {{zh, en}} ({error})") from error
        groups[group.code] = group
    return groups


CATALOGUE = read_yaml(CATALOGUE_FILE)   # the whole file (catalogue.py reads its order)

#: The catalogue groups in display order: code -> :class:`Group`.
GROUPS: Mapping[str, Group] = _read_groups(CATALOGUE)
