"""Consents (代办同意): a person lets a village or community worker (an intermediary) act for
them.

Before a worker can see or do anything for a person, the person (or their guardian) agrees:

- by a **code** texted to the person's phone on record (Person.phone, the number of an
  application staff accepted) and told to the worker – the consent is active at once;
- or by a **signed paper form** the worker photographs and uploads; it is *pending* until the
  street officer of the person's street confirms it (or refuses it).

A consent names the worker, what it covers (SCOPES) and until when (at most CONSENT_MAX_DAYS).
Access is decided on every request from the consents that stand now (the rule:
portal.accounts.consent_rules): when the
person ends one – online or at the street office – the worker's access ends with the next
request, even to applications the worker submitted itself (they are the person's). Asking for a
code and uploading a form answer the same whether or not the person has a record or a phone.
Everything is audited; the person is texted when a consent starts and ends.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import dates
from portal.accounts import consent_rules as rules
from portal.accounts import one_time_codes
from portal.accounts.models import CONSENT_SCOPES, Account, Consent
from portal.applications import documents
from portal.applications.models import Application, Document, Draft
from portal.audit import log as audit
from portal.benefits.models import Recipient, Review
from portal.changes.models import ChangeRequest
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.messages import notifications
from portal.people import crypto, identity
from portal.people.models import Person

PURPOSE = "consent"     # the one-time code's purpose (portal.accounts.one_time_codes)
FORM_KIND = "consent_form"   # the photographed paper form, a Document of no draft or application

SCOPES, STATES, NEEDS = rules.SCOPES, rules.STATES, rules.NEEDS
state, scope_text, covers, covered = rules.state, rules.scope_text, rules.covers, rules.covered
max_days, latest_until, local_today = rules.max_days, rules.latest_until, rules.local_today
METHODS = {"code": _l("短信验证码"), "paper": _l("书面同意书")}
GIVERS = {"person": _l("居民本人"), "guardian": _l("监护人")}
ENDERS = {"person": _l("本人在网上结束"), "office": _l("街道办事处结束"),
          "worker": _l("代办员结束")}


class ConsentError(Exception):
    """`reason`: until (date out of range), scopes (none chosen), not_allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ── the worker's residents ────────────────────────────────────────────────────────────────

def of_worker(worker: Account) -> list[Consent]:
    """The worker's consents that stand now or wait for the officer, newest first."""
    today = local_today()
    return [c for c in db.session.scalars(select(Consent).where(
        Consent.worker_account_id == worker.id, Consent.status.in_(("active", "pending")))
        .order_by(Consent.id.desc())) if state(c, today) in ("active", "pending")]


def standing_for(worker: Account, person_id: int) -> Consent | None:
    """The worker's newest active consent for the person, or None (the pages answer 404)."""
    return next((c for c in of_worker(worker)
                 if c.person_id == person_id and state(c) == "active"), None)


# ── giving consent by a code to the phone on record ───────────────────────────────────────

@dataclass(frozen=True)
class Asked:
    """What the worker typed when asking for a code (kept in the session until the code)."""
    full_name: str
    id_hash: str
    scopes: tuple[str, ...]
    until: date
    given_by: str

    def to_json(self) -> dict:
        return {"n": self.full_name, "h": self.id_hash, "s": list(self.scopes),
                "u": self.until.isoformat(), "g": self.given_by}

    @classmethod
    def from_json(cls, data) -> Asked | None:
        try:
            return cls(str(data["n"]), str(data["h"]), tuple(data["s"]),
                       date.fromisoformat(data["u"]), str(data["g"]))
        except (KeyError, TypeError, ValueError):
            return None


def _check_terms(scopes, until: date, given_by: str) -> tuple[str, ...]:
    scopes = tuple(code for code in CONSENT_SCOPES if code in set(scopes or ()))
    if not scopes:
        raise ConsentError("scopes")
    if until < local_today() or until > latest_until():
        raise ConsentError("until")
    if given_by not in GIVERS:
        raise ConsentError("not_allowed")
    return scopes


def _person_by_hashes(id_number: str) -> Person | None:
    return db.session.scalar(select(Person).where(
        Person.id_number_hash.in_(identity.lookup_hashes(id_number))))


def ask_code(worker: Account, *, full_name: str, id_number: str, scopes, until: date,
             given_by: str = "person", locale: str | None = None) -> Asked:
    """Text a code to the phone on record of the person with this ID number – if there is such
    a person with such a phone. Says nothing either way (the page answers the same)."""
    scopes = _check_terms(scopes, until, given_by)
    person = _person_by_hashes(id_number)
    if person is not None and person.phone:
        one_time_codes.send(person.phone, PURPOSE, locale=locale)
    return Asked(full_name.strip(), identity.lookup_hash(id_number), scopes, until, given_by)


def give_by_code(worker: Account, asked: Asked, typed: str, *,
                 id_number_encrypted: str | None = None) -> Consent | None:
    """The new active consent when `typed` is the code sent to the person's phone on record;
    None for every failure alike (no person, no phone, no code, wrong, expired). Audited, the
    person texted; commits."""
    person = db.session.scalar(select(Person).where(Person.id_number_hash == asked.id_hash))
    if person is None or not person.phone:
        hmac.compare_digest("0" * 64, "1" * 64)     # the same small work as a code check
        return None
    if not one_time_codes.verify(person.phone, PURPOSE, typed).ok:
        return None
    consent = Consent(worker_account_id=worker.id, person_id=person.id,
                      full_name=asked.full_name or person.full_name,
                      id_number_hash=person.id_number_hash,
                      id_number_encrypted=person.id_number_encrypted or "",
                      street=person.street or worker.street or "", scopes=",".join(asked.scopes),
                      until=asked.until, method="code", given_by=asked.given_by,
                      status="active", decided_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    audit.record(worker, "consent.give", "consent", str(consent.id),
                 {"person": person.id, "scopes": asked.scopes,
                  "until": asked.until.isoformat()})
    notifications.queue_consent_started(person, consent)
    db.session.commit()
    return consent


# ── giving consent on paper, confirmed by the street officer ──────────────────────────────

def give_on_paper(worker: Account, *, full_name: str, id_number: str, scopes, until: date,
                  given_by: str, upload) -> Consent:
    """Keep the photographed form (the documents' checks and storage:
    portal.applications.documents) and a pending consent for the street officer to confirm.
    Raises ConsentError (nothing kept), or documents.UploadRefused. Audited; commits."""
    scopes = _check_terms(scopes, until, given_by)
    person = _person_by_hashes(id_number)
    document = documents.store(upload, kind=FORM_KIND, account_id=worker.id)
    consent = Consent(worker_account_id=worker.id, person_id=None, full_name=full_name.strip(),
                      id_number_hash=identity.lookup_hash(id_number),
                      id_number_encrypted=crypto.encrypt(id_number),
                      street=(person.street if person is not None and person.street
                              else worker.street) or "",
                      scopes=",".join(scopes), until=until, method="paper", given_by=given_by,
                      status="pending", document_id=document.id)
    db.session.add(consent)
    db.session.flush()
    audit.record(worker, "consent.paper", "consent", str(consent.id),
                 {"scopes": scopes, "until": until.isoformat()})
    db.session.commit()
    return consent


def worklist(officer: Account) -> list[Consent]:
    """Paper consents waiting for this street officer, oldest first."""
    if officer.role != "street_officer" or not officer.street:
        return []
    return list(db.session.scalars(select(Consent).where(
        Consent.status == "pending", Consent.street == officer.street).order_by(Consent.id)))


def find_for_officer(officer: Account, consent_id: int) -> Consent | None:
    """A consent of the officer's street (any state), else None."""
    consent = db.session.get(Consent, consent_id)
    if consent is None or officer.role != "street_officer" or consent.street != officer.street:
        return None
    return consent


def masked_id(consent: Consent) -> str:
    return identity.masked(identity.read(consent.id_number_encrypted))


def reveal_form(officer: Account, consent: Consent):
    """The photographed form, for the officer (audited)."""
    audit.record(officer, "consent.view_form", "consent", str(consent.id), {})
    db.session.commit()
    return db.session.get(Document, consent.document_id) if consent.document_id else None


def _person_for(consent: Consent) -> Person:
    """The person the form names; a record is made from the form when there is none yet."""
    person = db.session.scalar(select(Person).where(
        Person.id_number_hash.in_(identity.stored_hashes(consent.id_number_hash,
                                                         consent.id_number_encrypted))))
    if person is not None:
        return person
    number = identity.read(consent.id_number_encrypted)
    person = Person(full_name=consent.full_name, id_number_hash=consent.id_number_hash,
                    id_number_encrypted=consent.id_number_encrypted,
                    id_number_last4_hash=identity.last_four_hash(number.last_four)
                    if number else None, street=consent.street)
    db.session.add(person)
    db.session.flush()
    return person


def confirm(officer: Account, consent: Consent) -> None:
    """The officer checked the signed form: the consent is active. Audited; the person is
    texted (if they have a phone on record); commits."""
    if find_for_officer(officer, consent.id) is None or consent.status != "pending":
        raise ConsentError("not_allowed")
    person = _person_for(consent)
    consent.person_id = person.id
    consent.status = "active"
    consent.decided_at = utcnow()
    consent.decided_by_account_id = officer.id
    audit.record(officer, "consent.confirm", "consent", str(consent.id),
                 {"person": person.id, "worker": consent.worker_account_id})
    notifications.queue_consent_started(person, consent)
    db.session.commit()


def refuse(officer: Account, consent: Consent) -> None:
    if find_for_officer(officer, consent.id) is None or consent.status != "pending":
        raise ConsentError("not_allowed")
    consent.status = "refused"
    consent.decided_at = utcnow()
    consent.decided_by_account_id = officer.id
    audit.record(officer, "consent.refuse", "consent", str(consent.id),
                 {"worker": consent.worker_account_id})
    db.session.commit()


# ── ending ────────────────────────────────────────────────────────────────────────────────

def end(actor: Account, consent: Consent, by: str) -> None:
    """End a consent now (`by`: person, office, worker). The worker's access stops with the
    next request; their unsent drafts for the person are deleted (they hold the person's
    details). Audited; the person is told, and the worker with them; commits."""
    if consent.status not in ("active", "pending"):
        return
    consent.status = "ended"
    consent.ended_at = utcnow()
    consent.ended_by_account_id = actor.id
    consent.ended_by = by
    audit.record(actor, "consent.end", "consent", str(consent.id),
                 {"person": consent.person_id, "worker": consent.worker_account_id, "by": by})
    person = db.session.get(Person, consent.person_id) if consent.person_id else None
    notifications.queue_consent_ended(person, consent, consent.worker)
    db.session.commit()
    if consent.person_id is not None and not covers(consent.worker, consent.person_id, "act"):
        _delete_drafts(consent.worker_account_id, consent.person_id)


def _delete_drafts(worker_id: int, person_id: int) -> None:
    """The worker's unsent drafts for the person, and their files (as
    portal.applications.filing.delete_draft does)."""
    for draft in db.session.scalars(select(Draft).where(
            Draft.account_id == worker_id, Draft.person_id == person_id)).all():
        files = documents.delete_for_draft(draft.id)
        db.session.delete(draft)
        db.session.commit()
        for path in files:
            path.unlink(missing_ok=True)


def of_people(person_ids) -> list[Consent]:
    """Consents given by these people (a SELECT of ids: those an account is proven to be or to
    be the guardian of, portal.accounts.person_links.linked_person_ids), newest first."""
    return list(db.session.scalars(select(Consent).where(Consent.person_id.in_(person_ids))
                                   .order_by(Consent.id.desc())))


def find_among(person_ids, consent_id: int) -> Consent | None:
    return next((c for c in of_people(person_ids) if c.id == consent_id), None)


def standing_in_street(officer: Account) -> list[Consent]:
    """The active consents of the officer's street (to end one for a person at the office)."""
    if officer.role != "street_officer" or not officer.street:
        return []
    today = local_today()
    return [c for c in db.session.scalars(select(Consent).where(
        Consent.status == "active", Consent.street == officer.street)
        .order_by(Consent.id.desc())) if state(c, today) == "active"]


# ── the person's history ──────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class ConsentEvent:
    """One line of a person's history about consents and what a worker did under them."""
    at: datetime | date
    kind: str          # given, confirmed, refused, ended, expired, applied
    label: str
    worker_name: str
    consent_id: int
    reference: str | None = None


EVENT_LABELS = {
    "given": _l("同意代办员代办（%(scopes)s，到%(until)s为止）"),
    "paper": _l("代办员上传了书面同意书"),
    "confirmed": _l("街道确认了书面同意书（%(scopes)s，到%(until)s为止）"),
    "refused": _l("街道没有通过书面同意书"),
    "ended": _l("代办同意结束（%(by)s）"),
    "expired": _l("代办同意到期"),
    "applied": _l("代办员代您提交了申请（受理编号%(reference)s）"),
    "changed": _l("代办员代您报告了情况变化（编号%(reference)s）"),
    "reviewed": _l("代办员代您做了%(year)s年的年审"),
}


def consent_events(person_id: int) -> list[ConsentEvent]:
    """A person's consents and the applications their workers submitted for them, oldest
    first: when, what (kind and a label in the current language), which worker. For the
    person's own pages and the staff's person page."""
    consents = list(db.session.scalars(select(Consent).where(
        Consent.person_id == person_id).order_by(Consent.id)))
    workers = {a.id: a for a in db.session.scalars(select(Account).where(
        Account.id.in_({c.worker_account_id for c in consents} or {-1})))}
    today = local_today()
    events: list[ConsentEvent] = []

    def add(at, kind, consent, **values):
        worker = workers.get(consent.worker_account_id)
        name = worker.display_name if worker else ""
        text = str(EVENT_LABELS[kind]) % values if values else str(EVENT_LABELS[kind])
        events.append(ConsentEvent(at, kind, text, name, consent.id, values.get("reference")))

    for consent in consents:
        terms = {"scopes": scope_text(consent), "until": dates.date_text(consent.until)}
        if consent.method == "code":
            add(consent.created_at, "given", consent, **terms)
        else:
            add(consent.created_at, "paper", consent)
            if consent.decided_at is not None and consent.status != "refused":
                add(consent.decided_at, "confirmed", consent, **terms)
        if consent.status == "refused" and consent.decided_at is not None:
            add(consent.decided_at, "refused", consent)
        if consent.ended_at is not None:
            add(consent.ended_at, "ended", consent, by=str(ENDERS.get(consent.ended_by, "")))
        elif state(consent, today) == "expired":
            add(consent.until + timedelta(days=1), "expired", consent)
    by_worker = {c.worker_account_id: c for c in consents}
    if by_worker:
        _done_by_workers(person_id, by_worker, add)
    return sorted(events, key=lambda e: _moment(e.at))


def _done_by_workers(person_id: int, by_worker: dict, add) -> None:
    """What the person's workers did in their name: applications submitted, changes of
    circumstances reported, yearly reviews done."""
    workers = set(by_worker)
    for application in db.session.scalars(select(Application).where(
            Application.person_id == person_id,
            Application.applicant_account_id.in_(workers)).order_by(Application.id)):
        add(application.submitted_at, "applied", by_worker[application.applicant_account_id],
            reference=application.reference)
    of_person = (select(Recipient.id).join(Application, Application.id == Recipient.application_id)
                 .where(Application.person_id == person_id))
    for change in db.session.scalars(select(ChangeRequest).where(
            ChangeRequest.recipient_id.in_(of_person), ChangeRequest.account_id.in_(workers),
            ChangeRequest.submitted_at.is_not(None)).order_by(ChangeRequest.id)):
        add(change.submitted_at, "changed", by_worker[change.account_id],
            reference=change.reference)
    for review in db.session.scalars(select(Review).where(
            Review.recipient_id.in_(of_person), Review.completed_by_account_id.in_(workers),
            Review.completed_on.is_not(None)).order_by(Review.id)):
        add(review.completed_on, "reviewed", by_worker[review.completed_by_account_id],
            year=review.year)


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        return aware(value)
    return aware(datetime(value.year, value.month, value.day))
