"""Reading the package's YAML files.

YAML 1.1 reads ``on``, ``off``, ``yes`` and ``no`` as booleans and lets a key appear twice, the
second silently winning. Both would bite people who edit these files by hand (a case's ``on:``
date would become the key ``True``), so the loader here accepts only ``true``/``false`` as
booleans and refuses duplicate keys.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent

_BOOL_TAG = "tag:yaml.org,2002:bool"
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A data file could not be read; the message names the file and, where known, the field."""

    def __init__(self, path: Path | str, field: str | None, message: str):
        self.path = Path(path)
        self.field = field
        self.message = message
        where = f"{self.path.name}: {field}" if field else self.path.name
        super().__init__(f"{where}: {message}")


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path | str) -> Any:
    """Parse one YAML file with the strict rules above; errors name the file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_StrictLoader)  # noqa: S506 – a SafeLoader subclass
    except OSError as error:
        raise YamlFileError(path, None, f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise YamlFileError(path, None, f"is not valid YAML: {error}") from error
