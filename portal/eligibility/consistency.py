"""Facts that contradict each other, and the one fact derived from another.

``contradictions.yaml`` lists pairs of facts that cannot both hold (employed and an unemployed
recent graduate; 70 years old and in primary school). :func:`consistent_facts` refuses them with
a :class:`FactError` naming both facts, so ``evaluate`` never answers on impossible facts.

It also reads the older fact ``parent_disabled_in_dibao`` into the newer
``parent_disabled_household`` (``true`` means ``dibao``), the one documented addition to the
contract's fact names, so callers that still pass the old fact keep working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.eligibility.facts import FACTS, FactError
from portal.eligibility.loader import DATA_DIR, YamlFileError, read_yaml
from portal.eligibility.rules import Rule, RuleError, compile_rule
from portal.eligibility.text import Text, text_from

CONTRADICTIONS_FILE = DATA_DIR / "contradictions.yaml"


@dataclass(frozen=True)
class Contradiction:
    id: str
    facts: tuple[str, str]
    rule: Rule
    text: Text

    def holds(self, facts: Mapping[str, Any]) -> bool:
        answer, _ = self.rule(facts, {})
        return answer is True


def _read() -> tuple[Contradiction, ...]:
    data = read_yaml(CONTRADICTIONS_FILE)
    found = []
    for i, node in enumerate(data.get("contradictions") or []):
        where = f"contradictions[{i}]"
        if not isinstance(node, dict) or set(node) != {"id", "facts", "when", "text"}:
            raise YamlFileError(CONTRADICTIONS_FILE, where, "needs exactly id, facts, when and text")
        pair = node["facts"]
        if not (isinstance(pair, list) and len(pair) == 2 and all(name in FACTS for name in pair)):
            raise YamlFileError(CONTRADICTIONS_FILE, f"{where}.facts", "must name two facts of the fact table")
        try:
            rule = compile_rule(node["when"], "when", ())
            text = text_from(node["text"])
        except (RuleError, ValueError) as error:
            raise YamlFileError(CONTRADICTIONS_FILE, where, str(error)) from error
        if rule.reads != set(pair) or not rule.settled_by_facts:
            raise YamlFileError(CONTRADICTIONS_FILE, f"{where}.when", f"must read exactly {pair}, and only facts")
        found.append(Contradiction(node["id"], tuple(pair), rule, text))
    return tuple(found)


#: Every declared contradiction, in file order.
CONTRADICTIONS: tuple[Contradiction, ...] = _read()


def contradiction(facts: Mapping[str, Any]) -> Contradiction | None:
    """The first declared contradiction among ``facts`` (already checked one by one), if any."""
    for each in CONTRADICTIONS:
        first, second = each.facts
        if first in facts and second in facts and each.holds(facts):
            return each
    return None


def consistent_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` (validated) with the derived fact added; ``FactError`` naming both facts of a
    contradiction."""
    found = contradiction(facts)
    if found is not None:
        first, second = found.facts
        raise FactError(first, f"{found.text.en} ({found.text.zh}) [{found.id}]", other=second)
    if facts.get("parent_disabled_in_dibao") is True and "parent_disabled_household" not in facts:
        facts = {**facts, "parent_disabled_household": "dibao"}
    return facts
