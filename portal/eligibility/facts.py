"""The fact table: every fact a rule may read, with its allowed values and labels.

The table itself is data, in ``facts.yaml``; this module reads it once (at import – it is small)
and checks the facts passed to :func:`portal.eligibility.evaluate` against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.eligibility.loader import DATA_DIR, YamlFileError, read_yaml
from portal.eligibility.text import Text, text_from

FACTS_FILE = DATA_DIR / "facts.yaml"
TYPES = ("int", "bool", "choice")


class FactError(ValueError):
    """A fact passed to ``evaluate`` is unknown, has a value it cannot take, or contradicts
    another fact; ``.fact`` names it and ``.facts`` every fact involved (two for a
    contradiction, the first being ``.fact``)."""

    def __init__(self, fact: str, message: str, *, other: str | None = None):
        self.fact = fact
        self.facts = (fact,) if other is None else (fact, other)
        if other is None:
            super().__init__(f"fact {fact!r}: {message}")
        else:
            super().__init__(f"facts {fact!r} and {other!r} contradict each other: {message}")


@dataclass(frozen=True, eq=False)
class Fact:
    """One row of the fact table.

    ``values`` lists every allowed value in order (for ``int`` facts, ``minimum`` to
    ``maximum``); ``value_labels`` gives a label for each value that has one (all values of
    ``bool`` and ``choice`` facts, and e.g. the four grades).
    """

    name: str
    type: str
    label: Text
    values: tuple
    value_labels: Mapping[Any, Text] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any) -> Any:
        """Return ``value`` if this fact can take it, else raise :class:`FactError`."""
        if self.type == "bool":
            if not isinstance(value, bool):
                raise FactError(self.name, f"must be true or false, not {value!r}")
        elif self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise FactError(self.name, f"must be a whole number, not {value!r}")
            if not self.minimum <= value <= self.maximum:
                raise FactError(
                    self.name, f"{value} is out of range {self.minimum}–{self.maximum}"
                )
        elif not isinstance(value, str) or value not in self.value_labels:
            allowed = ", ".join(self.values)
            raise FactError(self.name, f"{value!r} is not one of: {allowed}")
        return value


def validate_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Check partial facts against the table; return them without the unknown (``None``) ones.

    A fact that is absent or ``None`` is unknown. An unknown name, or a value the fact cannot
    take, raises :class:`FactError` (a ``ValueError``) naming the fact.
    """
    if not isinstance(facts, Mapping):
        raise TypeError(f"facts must be a mapping of fact names to values, not {type(facts).__name__}")
    known = {}
    for name, value in facts.items():
        fact = FACTS.get(name)
        if fact is None:
            raise FactError(str(name), "is not a known fact (see facts.yaml)")
        if value is not None:
            known[name] = fact.check(value)
    return known


def _read_fact(node: Any, index: int, boolean_labels: dict) -> Fact:
    where = f"facts[{index}]"
    if not isinstance(node, dict):
        raise YamlFileError(FACTS_FILE, where, "must be a mapping")
    allowed = {"name", "type", "label", "min", "max", "labels", "values"}
    if extra := set(node) - allowed:
        raise YamlFileError(FACTS_FILE, where, f"unknown field(s) {sorted(extra)}")
    name, kind = node.get("name"), node.get("type")
    if not isinstance(name, str) or not name.isidentifier():
        raise YamlFileError(FACTS_FILE, f"{where}.name", "must be a lower-case identifier")
    if kind not in TYPES:
        raise YamlFileError(FACTS_FILE, f"{where}.type", f"must be one of {TYPES}")
    try:
        label = text_from(node.get("label"))
        if kind == "int":
            low, high = node.get("min"), node.get("max")
            if not (isinstance(low, int) and isinstance(high, int) and low <= high):
                raise ValueError("an int fact needs whole numbers min <= max")
            labels = {value: text_from(text) for value, text in (node.get("labels") or {}).items()}
            if not all(isinstance(v, int) and low <= v <= high for v in labels):
                raise ValueError("labels must be for values between min and max")
            return Fact(name, kind, label, tuple(range(low, high + 1)), labels, low, high)
        if kind == "bool":
            return Fact(name, kind, label, (True, False), boolean_labels)
        choices = node.get("values")
        if not isinstance(choices, dict) or not choices:
            raise ValueError("a choice fact needs 'values' with a label for each")
        labels = {str(value): text_from(text) for value, text in choices.items()}
        return Fact(name, kind, label, tuple(labels), labels)
    except ValueError as error:
        raise YamlFileError(FACTS_FILE, f"{where} ({name})", str(error)) from error


def _read_table() -> dict[str, Fact]:
    data = read_yaml(FACTS_FILE)
    try:
        boolean_labels = {value: text_from(data["boolean_labels"][value]) for value in (True, False)}
    except (KeyError, TypeError, ValueError) as error:
        raise YamlFileError(FACTS_FILE, "boolean_labels", "needs labels for true and false") from error
    table: dict[str, Fact] = {}
    for index, node in enumerate(data.get("facts") or []):
        fact = _read_fact(node, index, boolean_labels)
        if fact.name in table:
            raise YamlFileError(FACTS_FILE, f"facts[{index}].name", f"{fact.name!r} appears twice")
        table[fact.name] = fact
    return table


#: The fact table, in the order of the contract: name -> :class:`Fact`.
FACTS: Mapping[str, Fact] = _read_table()

#: Position of each fact in the table, used to list missing facts in a stable order.
FACT_ORDER: Mapping[str, int] = {name: position for position, name in enumerate(FACTS)}
