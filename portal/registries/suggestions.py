""""您可能可以申请…": what a signed-in resident whose identity is proven (a "self" PersonLink –
portal.accounts.person_links; never an ID number someone typed) may apply for, from the
discovery sweep's finding for them, and an application started prefilled from the registries.

- ``for_account(account)``: the programmes the registries suggest (eligible ones to apply for
  online; how many more may qualify, for the self-check), none already applied for.
- ``start(account, programme)``: the resident's draft for themself (portal.applications.
  filing.start_draft), its empty sections filled from the registries: the certificate
  (category, grade, validity – the certificate number's ID part is the person's own number)
  and the household's kind. Nothing the resident typed is overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts import person_links
from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import filing
from portal.applications.answers import Certificate, Household, SectionKey
from portal.applications.models import Application, Draft
from portal.eligibility import ELIGIBLE, programme
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person
from portal.registries.models import DiscoveryLead, RegistryPerson


@dataclass(frozen=True)
class Suggestions:
    eligible: list[str]      # programme codes to apply for online, catalogue order
    maybe: int               # how many more may qualify (the self-check can tell)

    def __bool__(self) -> bool:
        return bool(self.eligible or self.maybe)


NONE = Suggestions([], 0)


def _registry_person(account: Account) -> tuple[Person, RegistryPerson] | None:
    if not getattr(account, "is_authenticated", False) or not account.is_resident:
        return None
    person_id = person_links.self_person_id(account)
    person = db.session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return None
    found = db.session.scalar(select(RegistryPerson).where(RegistryPerson.id_number_hash.in_(
        identity.stored_hashes(person.id_number_hash, person.id_number_encrypted))))
    return (person, found) if found is not None else None


def for_account(account: Account) -> Suggestions:
    pair = _registry_person(account)
    if pair is None:
        return NONE
    person, registry = pair
    lead = db.session.scalar(select(DiscoveryLead).where(
        DiscoveryLead.registry_person_id == registry.id))
    if lead is None:
        return NONE
    applied = set(db.session.scalars(select(Application.programme).where(
        Application.person_id == person.id)))
    open_now = [(code, result) for code, result in lead.programmes if code not in applied]
    eligible = [code for code, result in open_now
                if result == ELIGIBLE and programme(code).online]
    return Suggestions(eligible, len(open_now) - len(eligible))


def start(account: Account, code: str) -> Draft:
    """The resident's draft for `code`, prefilled from the registries. Raises LookupError when
    the registries do not suggest it, filing.DuplicateApplication when already applied for."""
    if code not in for_account(account).eligible:
        raise LookupError(code)
    _person, registry = _registry_person(account)
    draft = filing.start_draft(account, code, "self")
    answers = stored.read(draft)
    if answers.certificate.has_certificate is None and registry.certificate_record_id:
        number = identity.read(registry.id_number_encrypted)
        valid = registry.certificate_valid_until
        filing.save_section(draft, SectionKey.CERTIFICATE, Certificate(
            has_certificate=True,
            id_hash=identity.lookup_hash_like(number.value, answers.personal.id_hash),
            category=registry.disability_category, grade=registry.disability_grade,
            valid_until=valid.isoformat() if valid else None))
    if not answers.household.household and registry.household:
        filing.save_section(draft, SectionKey.HOUSEHOLD,
                            Household(household=registry.household))
    return draft
