"""Facts checked, not only declared: what an application says compared with the registries.

- ``registry_person(personal)``: the registry's record of the person an application or draft
  is about (by the keyed hash of the ID number – never by what someone types elsewhere).
- ``compare(answers, on)``: per fact – the certificate, its category and grade, the household's
  kind, the street – "confirms", "differs" or "absent" (not in the registry), with both values
  and the day the registry's data is as of. A difference is not a refusal: it is a question
  for the officer.
- ``record(application, answers)``: the comparison kept at submission (RegistryCheck), shown
  on the staff's case page (templates/registries/_check.html).
- ``waived(answers, on)``: the documents the resident need not upload (免提交) because the
  registry confirms what they show: the 残疾人证 (valid, same category and grade) and the
  低保/低收入/特困 papers (the same household kind).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.people import identity
from portal.registries.models import RegistryCheck, RegistryPerson

CONFIRMS, DIFFERS, ABSENT = "confirms", "differs", "absent"
RESULT_LABELS = {CONFIRMS: _l("共享数据一致"), DIFFERS: _l("与共享数据不一致"),
                 ABSENT: _l("共享数据中没有")}
FACT_LABELS = {
    "has_certificate": _l("持有有效的残疾人证"), "disability_category": _l("残疾类别"),
    "disability_grade": _l("残疾等级"), "household": _l("家庭类别（低保、低收入、特困）"),
    "street": _l("所在街道（镇）"),
}
# The documents the registries can stand in for, and the fact that must be confirmed.
WAIVABLE = {"disability_certificate": "has_certificate", "hardship_certificate": "household"}
WAIVED_NOTES = {
    "has_certificate": _l(
        "免提交：区残联的残疾人证数据与您填写的证件信息一致，不用上传残疾人证。"),
    "household": _l("免提交：区民政的名单中有您家的低保、低收入或特困登记，与您填写的一致，"
                    "不用上传这份证明。"),
}
# A document of two papers, one of which the registries confirm: only the other is asked for.
PARTLY_WAIVED = {
    "id_card_and_disability_certificate": (
        "has_certificate", _l("只需上传身份证：区残联的残疾人证数据与您填写的证件信息一致，"
                          "残疾人证免提交。")),
}


@dataclass(frozen=True)
class FactCheck:
    fact: str
    declared: object
    registry: object
    result: str
    as_of: str | None

    def to_json(self) -> dict:
        return {"fact": self.fact, "declared": self.declared, "registry": self.registry,
                "result": self.result, "as_of": self.as_of}


def registry_person(personal) -> RegistryPerson | None:
    if not personal.id_hash:
        return None
    hashes = identity.stored_hashes(personal.id_hash, personal.id_encrypted)
    return db.session.scalar(select(RegistryPerson).where(
        RegistryPerson.id_number_hash.in_(hashes)))


def compare(answers, on: date | None = None) -> list[FactCheck]:
    on = on or date.today()
    person = registry_person(answers.personal)
    certificate, household = answers.certificate, answers.household.household
    checks = []
    held = person is not None and person.certificate_record_id is not None
    as_of = person.certificate_as_of.isoformat() if held else None
    valid = held and (person.certificate_valid_until is None
                      or person.certificate_valid_until >= on)
    if certificate.has_certificate is not None:     # nothing declared: nothing to compare
        checks.append(_check("has_certificate", certificate.has_certificate,
                             valid if held else None, held, as_of))
    for fact, declared in (("disability_category", certificate.category),
                           ("disability_grade", certificate.grade)):
        if certificate.has_certificate and declared is not None:
            checks.append(_check(fact, declared, getattr(person, fact) if held else None,
                                 held, as_of))
    on_roll = person is not None and person.household_record_id is not None
    if household:
        checks.append(_check("household", household,
                             person.household if on_roll else None, on_roll,
                             person.household_as_of.isoformat() if on_roll else None))
    if answers.personal.street:
        known = person is not None and person.street is not None
        checks.append(_check("street", answers.personal.street,
                             person.street if known else None, known,
                             _newest(person) if known else None))
    return checks


def _check(fact: str, declared, registry, known: bool, as_of: str | None) -> FactCheck:
    if not known:
        return FactCheck(fact, declared, None, ABSENT, None)
    return FactCheck(fact, declared, registry, CONFIRMS if declared == registry else DIFFERS,
                     as_of)


def _newest(person: RegistryPerson) -> str | None:
    days = [d for d in (person.certificate_as_of, person.household_as_of) if d]
    return max(days).isoformat() if days else None


def record(application, answers) -> RegistryCheck:
    """Keep the comparison made at submission (in the caller's transaction)."""
    check = RegistryCheck(application_id=application.id,
                          results=[c.to_json() for c in compare(answers)])
    db.session.add(check)
    return check


def recorded(application) -> list[dict] | None:
    """The comparison kept at submission (None for applications submitted before it was)."""
    check = db.session.scalar(select(RegistryCheck).where(
        RegistryCheck.application_id == application.id))
    return check.results if check is not None else None


def confirmed_facts(answers, on: date | None = None) -> set[str]:
    """"has_certificate" and/or "household" when the registries confirm them (for 免提交)."""
    results = {c.fact: c.result for c in compare(answers, on)}
    found = set()
    if results.get("has_certificate") == CONFIRMS and answers.certificate.has_certificate and \
            results.get("disability_category") == CONFIRMS and \
            results.get("disability_grade") == CONFIRMS:
        found.add("has_certificate")
    if results.get("household") == CONFIRMS and answers.household.household != "none":
        found.add("household")
    return found


def waived(answers, on: date | None = None) -> dict[str, str]:
    """kind -> what the page says instead of asking for it: the documents (or one paper of a
    document) the registries stand in for."""
    confirmed = confirmed_facts(answers, on)
    notes = {kind: str(WAIVED_NOTES[fact]) for kind, fact in WAIVABLE.items()
             if fact in confirmed}
    notes.update({kind: str(note) for kind, (fact, note) in PARTLY_WAIVED.items()
                  if fact in confirmed})
    return notes


@dataclass(frozen=True)
class CheckRow:
    fact: str            # worded
    declared: str
    registry: str
    result: str          # CONFIRMS | DIFFERS | ABSENT
    result_text: str
    as_of: date | None


def view_of(application) -> list[CheckRow] | None:
    """The comparison kept at submission, worded for the case page (None: none was made)."""
    results = recorded(application)
    return None if results is None else rows_of(results)


def rows_of(results: list[dict]) -> list[CheckRow]:
    """Comparison results (FactCheck.to_json()), worded: the case page's, and the person's
    file's comparison made now (portal.people.record)."""
    from portal.labels import fact_value, street_name

    def worded(fact: str, value) -> str:
        if value is None:
            return "—"
        if fact == "has_certificate":
            return str(_l("是")) if value else str(_l("否"))
        if fact == "street":
            return street_name(value)
        return fact_value(fact, value)

    return [CheckRow(str(FACT_LABELS[r["fact"]]), worded(r["fact"], r["declared"]),
                     worded(r["fact"], r["registry"]), r["result"],
                     str(RESULT_LABELS[r["result"]]),
                     date.fromisoformat(r["as_of"]) if r["as_of"] else None)
            for r in results if r["fact"] in FACT_LABELS]
