"""What the application journey needs to know about a programme, read from its programme file
(portal.eligibility) – the only module of this area that talks to the eligibility package.

- which programmes can be applied for online;
- the documents to upload, each with a stable key and guidance (document_guidance.py);
- whether the programme pays money into an account (the file asks for a bank card or 社保卡);
- the programme's own questions: the facts its conditions read that the other sections do not
  already answer;
- the pre-check: what the rules say about the facts entered so far.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from .. import eligibility
from ..i18n import localized
from ..labels import fact_label
from . import document_guidance

# Facts that the journey's other sections answer (personal details, certificate, household);
# the programme's own questions never ask them again.
DERIVED_FACTS = ("age", "sex", "has_certificate", "disability_category", "disability_grade",
                 "household")

# A document that is a bank card or 社保卡 means the programme pays into an account.
_PAYMENT_DOCUMENT_WORDS = ("银行卡", "社会保障卡")


def get(code: str):
    """The programme, or None when there is no such programme or it is not applied for online."""
    try:
        found = eligibility.programme(code)
    except KeyError:
        return None
    return found if found.online else None


def online() -> list:
    return [p for p in eligibility.programmes() if p.online]


def by_group() -> list[tuple[str, list]]:
    """[(group name, [programmes that can be applied for online])] in catalogue order."""
    grouped = []
    for code, group in eligibility.GROUPS.items():
        members = [p for p in online() if p.group == code]
        if members:
            grouped.append((localized(group.name), members))
    return grouped


def offline() -> list:
    return [p for p in eligibility.programmes() if not p.online]


@dataclass(frozen=True)
class RequiredDocument:
    kind: str             # stable key, stored on Document.kind
    label: str            # what it is, in the reader's language
    guidance: str | None  # how to photograph or scan it
    filled_online: bool   # the application form itself: filled in here, nothing to upload


def document_kind(label_zh: str) -> str:
    """A key that stays the same while the document's Chinese name does."""
    return "doc-" + hashlib.sha256(label_zh.encode()).hexdigest()[:12]


def documents(code: str, relationship: str | None = None) -> list[RequiredDocument]:
    found = eligibility.programme(code)
    listed = []
    for item in found.documents:
        guide = document_guidance.for_document(str(item))
        listed.append(RequiredDocument(
            document_kind(str(item)), localized(item),
            str(guide.hint) if guide and guide.hint else None,
            bool(guide and guide.filled_online),
        ))
    extra = document_guidance.for_relationship(relationship)
    if extra:
        listed.append(RequiredDocument(extra.kind, str(extra.label), str(extra.hint), False))
    return listed


def to_upload(code: str, relationship: str | None = None) -> list[RequiredDocument]:
    return [d for d in documents(code, relationship) if not d.filled_online]


def pays_money(code: str) -> bool:
    found = eligibility.programme(code)
    return any(word in str(item) for item in found.documents for word in _PAYMENT_DOCUMENT_WORDS)


def question_facts(code: str) -> list:
    """The eligibility facts the programme's conditions read that no other section answers,
    in the order of the fact table."""
    found = eligibility.programme(code)
    read = {fact for condition in found.conditions for fact in condition.reads}
    return [fact for name_, fact in eligibility.FACTS.items()
            if name_ in read and name_ not in DERIVED_FACTS]


def fact(name_: str):
    return eligibility.FACTS[name_]


@dataclass(frozen=True)
class Precheck:
    result: str                 # eligible | maybe | ineligible
    reasons: list               # [(text, passed)] in the reader's language
    missing: list[str]          # labels of the facts that would settle a "maybe"


def precheck(code: str, facts: dict, on: date | None = None) -> Precheck | None:
    """What the rules say about the facts entered so far – informative only, never blocking."""
    try:
        outcomes = eligibility.evaluate(facts, on=on)
    except ValueError:
        return None
    outcome = next((o for o in outcomes if o.programme == code), None)
    if outcome is None:
        return None
    return Precheck(
        outcome.result,
        [(localized(reason.text), reason.passed) for reason in outcome.reasons],
        [fact_label(m) for m in outcome.missing if m in eligibility.FACTS],
    )
