"""The accessibility statement's review record (portal/data/accessibility_statement.yaml).

Each review notes its date and the digest of what it reviewed: the statement template and the
check numbers it quotes. A test fails when either changes without a new review, so the date on
the statement is always the date someone last read what it says.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import yaml

from ..config import ROOT

DATA = ROOT / "portal" / "data" / "accessibility_statement.yaml"
TEMPLATE = ROOT / "templates" / "public" / "accessibility.html"


@dataclass(frozen=True)
class Review:
    reviewed_on: date
    digest: str


@dataclass(frozen=True)
class Record:
    checks: dict[str, int]
    reviews: tuple[Review, ...]

    @property
    def last_review(self) -> Review:
        return self.reviews[-1]


def load() -> Record:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    reviews = tuple(Review(item["date"], item["digest"]) for item in data["reviews"])
    return Record(checks=dict(data["checks"]), reviews=reviews)


def current_digest(checks: dict[str, int] | None = None) -> str:
    """SHA-256 of the statement template and the check numbers it shows."""
    checks = load().checks if checks is None else checks
    digest = hashlib.sha256(TEMPLATE.read_bytes())
    digest.update(json.dumps(checks, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()
