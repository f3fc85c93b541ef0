"""What the application journey needs to know about a programme, read from its programme file
(portal.eligibility) – the only module of this area that talks to the eligibility package.

- which programmes can be applied for online;
- the documents to upload, each with its stable kind code and guidance (document_guidance.py),
  and the one place a kind's name is looked up (document_label);
- whether the programme pays money into an account (the file's `pays_into_account`);
- the programme's own questions: the facts its conditions read that the other sections do not
  already answer;
- the pre-check: what the rules say about the facts entered so far.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal import eligibility
from portal.apply import document_guidance
from portal.labels import fact_label
from portal.web.i18n import localized

# Facts that the journey's other sections answer (personal details, certificate, household);
# the programme's own questions never ask them again.
DERIVED_FACTS = ("age", "sex", "has_certificate", "disability_category", "disability_grade",
                 "household")


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
    kind: str             # the programme file's stable kind code, stored on Document.kind
    label: str            # what it is, in the reader's language
    guidance: str | None  # how to photograph or scan it
    filled_online: bool   # the application form itself: filled in here, nothing to upload
    waived: bool = False  # 免提交: the registries confirm what it shows (guidance says so)

    @property
    def to_upload(self) -> bool:
        return not (self.filled_online or self.waived)


def documents(code: str, relationship: str | None = None) -> list[RequiredDocument]:
    listed = [RequiredDocument(item.kind, localized(item.label),
                               document_guidance.hint(item.kind, online_form=item.online_form),
                               item.online_form)
              for item in eligibility.programme(code).documents]
    extra = document_guidance.for_relationship(relationship)
    if extra:
        listed.append(RequiredDocument(extra.kind, str(extra.label), str(extra.hint), False))
    return listed


def to_upload(code: str, relationship: str | None = None) -> list[RequiredDocument]:
    return [d for d in documents(code, relationship) if not d.filled_online]


def document_label(code: str, kind: str) -> str | None:
    """The name of a document kind of programme `code` in the reader's language – from the
    programme file, or the document someone applying for another adds – or None when the
    programme has no such kind. Every page that names a document asks here."""
    try:
        found = eligibility.programme(code).document(kind)
    except KeyError:
        found = None
    if found is not None:
        return localized(found.label)
    extra = document_guidance.by_kind(kind)
    return str(extra.label) if extra else None


def pays_money(code: str) -> bool:
    """The programme pays into the applicant's account (its file says `pays_into_account`)."""
    return eligibility.programme(code).pays_into_account


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
