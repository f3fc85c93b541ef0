"""Proactive discovery (主动发现): who in the registries may qualify for a programme and has not
applied for it.

The sweep (`sweep`) runs the eligibility engine – the same `evaluate` as everywhere, on the
facts the registries give (`registry_facts`) – for every certificate holder in the registries,
a batch at a time by id (never everyone in memory), and keeps one DiscoveryLead per person
with the programmes they may qualify for ("eligible", or "maybe": nothing fails, something is
unknown) for which that person has no application. Identical facts give identical outcomes, so
the engine runs once per distinct set of facts in a sweep (a small cache). It runs after each
import (queued after the commit) and nightly (DISCOVERY_SWEEP_CRONTAB).

Street officers work the leads of their street (`worklist`): why each person is on it – the
rules' reasons with their citations, given again from the same facts on the same day – and
what is still unknown; they record contact attempts (`record_contact`) and may text an
invitation to the phone on record (`invite`: the wording never names a disability). The rate
of false leads (`false_lead_rate`) counts the people whose latest outcome is "not_qualified"
among those with a settled outcome.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update

from portal.accounts.models import Account
from portal.applications.models import Application
from portal.audit import log as audit
from portal.eligibility import ELIGIBLE, INELIGIBLE, Text, evaluate
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import outbox, templates
from portal.messages.models import OutboxMessage
from portal.people import crypto, identity
from portal.people.models import Person
from portal.registries.models import (
    OUTCOMES,
    DiscoveryContact,
    DiscoveryLead,
    RegistryPerson,
)

BATCH = 2000
PAGE = 50
SETTLED = ("invited", "applied_with_help", "declined", "not_qualified")

OUTCOME_LABELS = {
    "invited": _l("已邀请申请"),
    "applied_with_help": _l("已协助申请"),
    "declined": _l("本人不需要"),
    "unreachable": _l("联系不上"),
    "not_qualified": _l("经核实不符合条件"),
}
# The invitation, to the phone on record: read on a lock screen by whoever holds the phone, so
# it names no disability, no programme, no benefit and nothing from the registries.
# ── the facts the registries give ─────────────────────────────────────────────────────────

def registry_facts(person: RegistryPerson, on: date) -> dict:
    """Eligibility facts from the registries on `on`: age and sex (the ID number), and for a
    certificate holder 户籍 in 鄠邑区 (the 残联 registry is the district's), whether the
    certificate is valid that day, its category and grade; the household's kind from the
    民政 rolls. Nothing else is known: absent facts stay unknown ("maybe", never "no")."""
    from portal.apply.journey import id_facts

    facts = id_facts(identity.read(person.id_number_encrypted), on)
    if person.certificate_record_id is not None:
        valid = person.certificate_valid_until
        facts.update(hukou="huyi", has_certificate=valid is None or valid >= on,
                     disability_category=person.disability_category,
                     disability_grade=person.disability_grade)
    if person.household:
        facts["household"] = person.household
    return facts


# ── the sweep ─────────────────────────────────────────────────────────────────────────────

@dataclass
class SweepReport:
    people: int = 0
    leads: int = 0
    evaluations: int = 0     # engine runs (distinct sets of facts)


def sweep(on: date | None = None, batch: int = BATCH) -> SweepReport:
    """Find the leads again for every certificate holder in the registries; commits a batch
    at a time."""
    on = on or date.today()
    report, cache = SweepReport(), {}
    last = 0
    while True:
        people = list(db.session.scalars(
            select(RegistryPerson).where(RegistryPerson.id > last,
                                         RegistryPerson.certificate_record_id.is_not(None))
            .order_by(RegistryPerson.id).limit(batch)))
        if not people:
            break
        last = people[-1].id
        applied = _applied([p.id_number_hash for p in people])
        kept = dict(db.session.execute(
            select(DiscoveryLead.registry_person_id, DiscoveryLead.id)
            .where(DiscoveryLead.registry_person_id.in_([p.id for p in people]))).all())
        new, changed, gone = [], [], []
        for person in people:
            found = [pair for pair in _qualifying(registry_facts(person, on), on, cache, report)
                     if (person.id_number_hash, pair[0]) not in applied]
            row = {"street": person.street, "programmes": found, "found_on": on,
                   "eligible_count": sum(1 for _, r in found if r == ELIGIBLE)}
            if not found:
                if person.id in kept:
                    gone.append(kept[person.id])
            elif person.id in kept:     # the same lead (its address stays), found again
                changed.append({"id": kept[person.id], **row})
            else:
                new.append({"registry_person_id": person.id, **row})
        if gone:
            db.session.execute(delete(DiscoveryLead).where(DiscoveryLead.id.in_(gone)))
        if changed:
            db.session.execute(update(DiscoveryLead), changed)
        if new:
            db.session.execute(insert(DiscoveryLead), new)
        report.leads += len(new) + len(changed)
        report.people += len(people)
        db.session.commit()
    return report


def _qualifying(facts: dict, on: date, cache: dict, report: SweepReport) -> list[list[str]]:
    """[[code, result], …] of the programmes these facts may qualify for, eligible first."""
    key = tuple(sorted(facts.items()))
    found = cache.get(key)
    if found is None:
        report.evaluations += 1
        try:
            outcomes = evaluate(facts, on=on)
        except ValueError:     # facts the registries give that contradict each other
            outcomes = []
        found = cache[key] = sorted(
            ([o.programme, o.result] for o in outcomes if o.result != INELIGIBLE),
            key=lambda pair: pair[1] != ELIGIBLE)
    return found


def _applied(hashes: Iterable[str]) -> set[tuple[str, str]]:
    """(ID hash, programme) of every application of these people, whatever its state."""
    return set(db.session.execute(
        select(Person.id_number_hash, Application.programme)
        .join(Application, Application.person_id == Person.id)
        .where(Person.id_number_hash.in_(list(hashes)))).all())


# ── the worklist ──────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class LeadReason:
    text: Text            # the rule's words (Chinese, carrying the English)
    citation: Text
    passed: bool | None


@dataclass(frozen=True)
class LeadProgramme:
    code: str
    result: str
    reasons: list[LeadReason]
    missing: list[str]


@dataclass(frozen=True)
class LeadView:
    lead: DiscoveryLead
    name: str                 # masked
    masked_id: str
    age: str
    phone: str | None         # masked
    programmes: list[LeadProgramme]
    contacts: list[DiscoveryContact]

    @property
    def latest_outcome(self) -> str | None:
        return self.contacts[0].outcome if self.contacts else None


def visible(actor: Account):
    """The leads `actor` may see: a street officer their street's; a district reviewer all."""
    statement = select(DiscoveryLead)
    if actor.role == "street_officer":
        return statement.where(DiscoveryLead.street == actor.street) if actor.street \
            else statement.where(False)
    if actor.role == "district_reviewer":
        return statement
    return statement.where(False)


def worklist(actor: Account, after: int | None = None) -> list[LeadView]:
    """A page of the leads `actor` may see (audited: who saw how many, of which street)."""
    statement = visible(actor).order_by(DiscoveryLead.id)
    if after:
        statement = statement.where(DiscoveryLead.id > after)
    leads = list(db.session.scalars(statement.limit(PAGE)))
    audit.record(actor, "registry.worklist", "discovery", actor.street,
                 {"rows": len(leads), "after": after})
    db.session.commit()
    return [view(lead, reasons=False) for lead in leads]


def find(actor: Account, lead_id: int) -> DiscoveryLead | None:
    """The lead if `actor` may see it (a stranger's street: None, as for no lead)."""
    return db.session.scalar(visible(actor).where(DiscoveryLead.id == lead_id))


def open_lead(actor: Account, lead: DiscoveryLead) -> LeadView:
    audit.record(actor, "registry.lead", "discovery", str(lead.id),
                 {"person": lead.registry_person_id})
    db.session.commit()
    return view(lead)


def view(lead: DiscoveryLead, reasons: bool = True) -> LeadView:
    person = lead.person
    number = identity.read(person.id_number_encrypted)
    phone = crypto.decrypt(person.phone_encrypted)
    contacts = list(db.session.scalars(
        select(DiscoveryContact).where(DiscoveryContact.registry_person_id == person.id)
        .order_by(DiscoveryContact.id.desc())))
    return LeadView(
        lead=lead, name=identity.mask_name(crypto.decrypt(person.name_encrypted)),
        masked_id=identity.masked(number), age=identity.age_text(number, lead.found_on),
        phone=_mask_phone(phone), programmes=explain(person, lead) if reasons else
        [LeadProgramme(code, result, [], []) for code, result in lead.programmes],
        contacts=contacts)


def _mask_phone(phone: str | None) -> str | None:
    from portal.people import phone_numbers

    return phone_numbers.mask(phone) if phone else None


def explain(person: RegistryPerson, lead: DiscoveryLead) -> list[LeadProgramme]:
    """Why the person is on the list: for each programme of the lead, the rules' reasons with
    their citations and the facts still unknown – the engine run again on the same facts on
    the same day."""
    wanted = dict(lead.programmes)
    try:
        outcomes = evaluate(registry_facts(person, lead.found_on), on=lead.found_on)
    except ValueError:
        return []
    return [LeadProgramme(o.programme, o.result,
                          [LeadReason(r.text, r.citation, r.passed) for r in o.reasons],
                          list(o.missing))
            for o in outcomes if o.programme in wanted]


def record_contact(actor: Account, lead: DiscoveryLead, outcome: str,
                   note: str | None = None) -> DiscoveryContact:
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    contact = DiscoveryContact(registry_person_id=lead.registry_person_id,
                               actor_account_id=actor.id, outcome=outcome,
                               note=(note or "").strip()[:500] or None)
    db.session.add(contact)
    audit.record(actor, "registry.contact", "discovery", str(lead.id), {"outcome": outcome})
    db.session.commit()
    return contact


def invitation_text(street: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """The invitation's text (the template "account.registry_invitation")."""
    return templates.render("account.registry_invitation", {"street": street or ""}, locale)


class NoPhone(Exception):
    pass


def invite(actor: Account, lead: DiscoveryLead) -> OutboxMessage:
    """Text the invitation to the phone on record; recorded as a contact ("invited") and
    audited. Raises NoPhone when the registries give none."""
    phone = crypto.decrypt(lead.person.phone_encrypted)
    if not phone:
        raise NoPhone()
    message = outbox.compose(phone, "account.registry_invitation", {"street": lead.street or ""},
                             locale=DEFAULT_LOCALE)
    db.session.add(message)
    db.session.add(DiscoveryContact(registry_person_id=lead.registry_person_id,
                                    actor_account_id=actor.id, outcome="invited",
                                    note=str(_l("已发送邀请短信"))))
    audit.record(actor, "registry.invite", "discovery", str(lead.id), {})
    db.session.commit()
    return message


def false_lead_rate(actor: Account) -> tuple[int, int]:
    """(false leads, settled leads) among the leads `actor` may see: people whose latest
    contact outcome is settled, and of them those found not to qualify."""
    latest = (select(DiscoveryContact.registry_person_id,
                     func.max(DiscoveryContact.id).label("last"))
              .group_by(DiscoveryContact.registry_person_id).subquery())
    seen = visible(actor).subquery()
    rows = db.session.execute(
        select(DiscoveryContact.outcome, func.count())
        .join(latest, latest.c.last == DiscoveryContact.id)
        .join(seen, seen.c.registry_person_id == DiscoveryContact.registry_person_id)
        .where(DiscoveryContact.outcome.in_(SETTLED))
        .group_by(DiscoveryContact.outcome)).all()
    counts = dict(rows)
    return counts.get("not_qualified", 0), sum(counts.values())

