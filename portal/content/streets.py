"""The district's streets and towns, read from data/streets.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from portal.config import DATA

FILE = DATA / "streets.yaml"


@dataclass(frozen=True)
class Street:
    code: str
    zh: str
    en: str

    def name(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


@cache
def all_streets() -> tuple[Street, ...]:
    return tuple(Street(**row) for row in yaml.safe_load(FILE.read_text(encoding="utf-8")))


def by_code(code: str) -> Street | None:
    return next((s for s in all_streets() if s.code == code), None)
