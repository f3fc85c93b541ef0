"""The retention table: how long each kind of record is kept and why (portal/data/retention.yaml,
its legal basis written beside each entry). Rules as data: the sweep, the deletion requests and
the README read the same table."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

from portal.eligibility.text import Text

FILE = Path(__file__).resolve().parent.parent / "data" / "retention.yaml"
ACTIONS = ("delete", "anonymise", "keep")


@dataclass(frozen=True)
class Rule:
    kind: str
    days: int
    counted_from: str
    action: str          # delete | anonymise | keep
    basis: str
    name: Text           # what it is, in plain words (both languages)
    kept: Text | None    # why a deletion request keeps it, in plain words; None: never kept

    def cutoff(self, now: datetime) -> datetime:
        """Rows whose clock is before this are past their period."""
        return now - timedelta(days=self.days)

    @property
    def years(self) -> int:
        return max(1, round(self.days / 365.25))

    def why_kept(self, locale: str | None) -> str:
        """What the person is told when their deletion request keeps this kind."""
        text = self.kept if self.kept is not None else self.name
        return text.in_locale(locale).replace("%(years)s", str(self.years))


def _rule(kind: str, entry: dict) -> Rule:
    if entry["action"] not in ACTIONS:
        raise ValueError(f"retention.yaml: {kind}: action must be one of {ACTIONS}")
    return Rule(kind=kind, days=int(entry["days"]), counted_from=str(entry["from"]),
                action=entry["action"], basis=" ".join(str(entry["basis"]).split()),
                name=_text(entry["name"]),
                kept=_text(entry["kept"]) if "kept" in entry else None)


def _text(value: dict) -> Text:
    return Text(str(value["zh"]), str(value["en"]))


@cache
def rules() -> dict[str, Rule]:
    """Every kind's rule, in the file's order."""
    with FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {kind: _rule(kind, entry) for kind, entry in data.items()}


def rule(kind: str) -> Rule:
    return rules()[kind]
