"""Applications in progress (drafts) and their submission.

A draft belongs to one account, one programme and one person. Every page of the journey saves
into it, so an application can be finished on another day or another device. Submitting turns
the draft into an Application in one transaction: the draft is consumed there, so a second
submit (refresh, back button, double click) finds nothing and creates nothing.

What the draft holds (Draft.answers) is typed: portal.applications.answers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts import access_grants, consent_rules, person_links
from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import documents, duplicates, working_days
from portal.applications.answers import (
    Agreement,
    Answers,
    Certificate,
    Personal,
    SectionKey,
)
from portal.applications.models import Application, Draft, StatusEvent
from portal.applications.references import new_reference
from portal.applications.status_machine import DEFAULT_TIME_LIMITS, STATUSES
from portal.database.columns import utcnow
from portal.extensions import db
from portal.messages import notifications
from portal.messages.models import OutboxMessage
from portal.messages.notifications import queue_status_change
from portal.people import crypto, identity
from portal.people.models import Person
from portal.registries import checks as registry_checks

REFERENCE_ATTEMPTS = 5


class DuplicateApplication(Exception):
    """The person already has an active application for the programme that this account may
    see (one it may not see is never revealed: see _check_not_duplicate)."""

    def __init__(self, application: Application):
        super().__init__(application.reference)
        self.application = application


class DraftExists(Exception):
    """This account already has a draft for the same person and programme."""

    def __init__(self, draft: Draft):
        super().__init__(draft.id)
        self.draft = draft


class NotConsented(Exception):
    """A village worker submitted for someone whose consent does not (or no longer) let them
    apply (portal.accounts.consents). Said the same whether or not the person has a record."""


class DraftGone(Exception):
    """The draft is no longer there – already submitted or deleted."""


# ── Reading ───────────────────────────────────────────────────────────────────────────────

def drafts_of(account_id: int) -> list[Draft]:
    return list(db.session.scalars(select(Draft).where(Draft.account_id == account_id)
                                   .order_by(Draft.updated_at.desc(), Draft.id.desc())))


def draft_of(account_id: int, draft_id: int) -> Draft | None:
    draft = db.session.get(Draft, draft_id)
    return draft if draft is not None and draft.account_id == account_id else None


def application_of(account: Account, reference: str) -> Application | None:
    """An application the account submitted and may still see (access_grants.own_submission)."""
    return db.session.scalar(select(Application).where(
        Application.reference == reference, access_grants.own_submission(account)))


def submitted_from_draft(account_id: int, draft_id: int) -> Application | None:
    """The application a draft became (for a repeated submit of the same draft)."""
    recent = db.session.scalars(select(Application).where(
        Application.applicant_account_id == account_id).order_by(Application.id.desc())
        .limit(50))
    return next((a for a in recent if stored.read(a).draft_id == draft_id), None)


@dataclass(frozen=True)
class KnownPerson:
    """Someone this account applied for before, as the account itself described them (its
    own latest application's answers) – never what others recorded about the person."""
    id: int
    full_name: str
    id_number_encrypted: str | None   # shown masked (identity.masked_id), like a Person's


def known_people(account: Account) -> list[KnownPerson]:
    """People this account has applied for before (not the account holder), newest first."""
    me = person_links.self_person_id(account)
    rows = db.session.scalars(
        select(Application).where(Application.applicant_account_id == account.id,
                                  Application.relationship_to_person != "self")
        .order_by(Application.id.desc()))
    people: dict[int, KnownPerson] = {}
    for application in rows:
        if application.person_id in people or application.person_id == me:
            continue
        personal = stored.read(application).personal
        people[application.person_id] = KnownPerson(
            application.person_id, personal.full_name or "", personal.id_encrypted)
    return list(people.values())


_NO_ROW = -1        # an id no row has (ids start at 1)


def active_application(person_id: int | None, programme: str,
                       seen_by: Account | None = None) -> Application | None:
    """The person's newest active application for the programme; with `seen_by`, only one
    that account may see (portal.accounts.access_grants).

    The query runs even for no person (`person_id` None, matching no row): the answer takes
    as long whether or not the typed ID number has a record behind it."""
    active = [code for code, status in STATUSES.items() if status.active]
    query = select(Application).where(
        Application.person_id == (person_id if person_id is not None else _NO_ROW),
        Application.programme == programme, Application.status.in_(active))
    if seen_by is not None:
        query = query.where(access_grants.visible_to(seen_by))
    return db.session.scalar(query.order_by(Application.id.desc()).limit(1))


def _check_not_duplicate(person_id: int | None, programme: str, account: Account) -> None:
    """Tell the account about an active application only when it may see that application
    anyway. One it may not see is never revealed – not by words, nor by the time taken (the
    same one query runs either way): the new application is accepted, and both are flagged
    for staff, held from approval until an officer resolves it (portal.applications.duplicates –
    over every state where a second claim matters, not only those still in progress)."""
    existing = active_application(person_id, programme, seen_by=account)
    if existing is not None:
        raise DuplicateApplication(existing)


# ── Starting and saving drafts ────────────────────────────────────────────────────────────

def start_draft(account: Account, programme: str, who: str | int) -> Draft:
    """Open the draft for `who` ("self", the id of a person from known_people(), or "other"):
    the existing one if there is one, else a new one pre-filled with what is already known.

    Raises DuplicateApplication when the person already has an active application."""
    answers = Answers()
    person_id = None
    if who == "self":
        person_id = person_links.self_person_id(account)
        _check_not_duplicate(person_id, programme, account)
        for draft in _drafts_for(account.id, programme):
            if stored.read(draft).relationship == "self":
                return draft
        answers = _known_about_self(account).with_(relationship="self")
    elif who != "other":
        person = next((p for p in known_people(account) if p.id == who), None)
        if person is None:
            raise LookupError(who)
        person_id = person.id
        _check_not_duplicate(person_id, programme, account)
        for draft in _drafts_for(account.id, programme):
            if draft.person_id == person_id:
                return draft
        answers = _known_from_applications(account.id, person_id)
    draft = Draft(account_id=account.id, programme=programme, person_id=person_id,
                  answers=answers.to_json())
    db.session.add(draft)
    db.session.commit()
    return draft


def _drafts_for(account_id: int, programme: str) -> list[Draft]:
    return list(db.session.scalars(select(Draft).where(
        Draft.account_id == account_id, Draft.programme == programme)))


def _latest_application(account_id: int, person_id: int | None,
                        relationship: str | None = None) -> Application | None:
    query = select(Application).where(Application.applicant_account_id == account_id)
    if person_id is not None:
        query = query.where(Application.person_id == person_id)
    if relationship is not None:
        query = query.where(Application.relationship_to_person == relationship)
    return db.session.scalar(query.order_by(Application.id.desc()).limit(1))


def _known_from_applications(account_id: int, person_id: int | None,
                             relationship: str | None = None) -> Answers:
    """What this account told us about the person in its latest application for them."""
    earlier = _latest_application(account_id, person_id, relationship)
    if earlier is None:
        return Answers()
    return stored.read(earlier).known().with_(relationship=earlier.relationship_to_person)


def _known_about_self(account: Account) -> Answers:
    """What the account told us about its holder before; for a proven link (only), what the
    person's record holds."""
    person_id = person_links.self_person_id(account)
    known = _known_from_applications(account.id, person_id, "self").with_(relationship=None)
    person = db.session.get(Person, person_id) if person_id is not None else None
    if not known.personal and person is not None:
        known = known.with_(personal=Personal(
            full_name=person.full_name or None, id_hash=person.id_number_hash or None,
            id_encrypted=person.id_number_encrypted or None, phone=account.phone or None,
            address=person.address or None, street=person.street or None))
    return known


def _save(draft: Draft, **sections) -> None:
    stored.write(draft, stored.read(draft).with_(**sections))
    draft.updated_at = utcnow()
    db.session.commit()


def save_relationship(draft: Draft, relationship: str) -> None:
    _save(draft, relationship=relationship)


def save_personal(draft: Draft, *, full_name: str, id_number: str | None, phone: str,
                  address: str, street: str) -> None:
    """Save the personal details. `id_number` empty: keep the number on file.

    Raises DraftExists (another draft of this account is for the same person and programme)
    or DuplicateApplication (the person already has an active application for it)."""
    personal = stored.read(draft).personal
    if id_number:
        parsed = identity.parse_id_number(id_number)
        digest = identity.lookup_hash(parsed.value)
        digests = identity.lookup_hashes(parsed.value)   # records of an older key too
        for other in _drafts_for(draft.account_id, draft.programme):
            if other.id != draft.id and stored.read(other).personal.id_hash in digests:
                raise DraftExists(other)
        # Only the id: loading (and decrypting) the record would take longer for a number
        # that has one than for one that has none.
        person_id = db.session.scalar(
            select(Person.id).where(Person.id_number_hash.in_(digests)))
        _check_not_duplicate(person_id, draft.programme, db.session.get(Account, draft.account_id))
        draft.person_id = person_id
        personal = replace(personal, id_hash=digest, id_encrypted=crypto.encrypt(parsed.value))
    _save(draft, personal=replace(personal, full_name=full_name, phone=phone,
                                  address=address.strip(), street=street))


def save_certificate(draft: Draft, *, has_certificate: bool, certificate=None,
                     category: str | None = None, grade: int | None = None,
                     valid_until: date | None = None) -> None:
    """`certificate`: a checked portal.web.validators.Certificate, or None to keep the number
    on file. Only the hash of its ID part is kept (with the category and grade its last two
    digits show), never the number nor any part of it readable."""
    if not has_certificate:
        _save(draft, certificate=Certificate(has_certificate=False))
        return
    answers = stored.read(draft)
    value = Certificate(has_certificate=True, id_hash=answers.certificate.id_hash,
                        category=category, grade=grade,
                        valid_until=valid_until.isoformat() if valid_until else None)
    if certificate is not None:
        value = replace(value, id_hash=identity.lookup_hash_like(
                            certificate.id_number, answers.personal.id_hash),
                        category=certificate.category, grade=certificate.grade)
    _save(draft, certificate=value)


def save_section(draft: Draft, section: SectionKey, value) -> None:
    """Save one section's answers as they are (household, payment, questions, documents_done
    …): a typed record (portal.applications.answers) or the section's plain value; the card
    number of the payment section is encrypted."""
    if section == SectionKey.PAYMENT:
        value = value.sealed()
    _save(draft, **{SectionKey(section).value: value})


def give_consent(draft: Draft) -> None:
    _save(draft, consent=Agreement(given=True, at=utcnow().isoformat()))


def note_step(draft: Draft, step: str) -> None:
    """Remember the page the applicant is on, to bring them back to it next time."""
    step = str(step)   # a section's key (SectionKey) is stored as its plain text
    if draft.current_step != step:
        draft.current_step = step
        db.session.commit()


def delete_draft(draft: Draft) -> None:
    files = documents.delete_for_draft(draft.id)
    db.session.delete(draft)
    db.session.commit()
    for path in files:
        path.unlink(missing_ok=True)


# ── Submitting ────────────────────────────────────────────────────────────────────────────

def submit(draft_id: int, account: Account, *, locale: str) -> Application:
    """Turn the draft into a submitted application, in one transaction: the person (found by
    ID number or created), the application with a new reference, its first status event, its
    documents, the text message – and the draft is consumed.

    Raises DraftGone when the draft is no longer there (already submitted: the caller shows
    the confirmation) and DuplicateApplication when the person already has an active
    application for the programme. The caller checks that the draft is complete first."""
    try:
        # Claim the draft: the row lock makes a concurrent second submit wait, and then find
        # the draft gone.
        claimed = db.session.execute(
            update(Draft).where(Draft.id == draft_id, Draft.account_id == account.id)
            .values(updated_at=utcnow())).rowcount
        if not claimed:
            raise DraftGone(draft_id)
        draft = db.session.get(Draft, draft_id, populate_existing=True)
        answers = stored.read(draft)
        person = _person_for(answers.personal, answers.certificate)
        if account.is_intermediary and not consent_rules.covers(account, person.id, "act"):
            raise NotConsented()
        _check_not_duplicate(person.id, draft.programme, account)

        now = utcnow()
        answers = answers.with_(draft_id=draft.id,
                                declaration=Agreement(given=True, at=now.isoformat()))
        application = _insert_application(
            programme=draft.programme, person_id=person.id, applicant_account_id=account.id,
            relationship_to_person=answers.relationship, answers=answers.to_json(),
            status="submitted", street=answers.personal.street, locale=locale,
            submitted_at=now, status_changed_at=now,
            due_at=working_days.due_at_for("submitted", now),
        )
        db.session.add(StatusEvent(application_id=application.id, from_status=None,
                                   to_status="submitted", actor_account_id=account.id))
        documents.move_to_application(draft.id, application.id)
        registry_checks.record(application, answers)   # declared facts vs the registries
        db.session.delete(draft)
        notify_submitted(application)
        # A second claim for the person (any state that matters) is flagged for staff on both
        # cases and held from approval; the submitter is told nothing of it (no oracle).
        duplicates.flag_new_claim(application)
        notifications.queue_filed_in_name(application)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return application


def _insert_application(**values) -> Application:
    """Insert with a new reference; on the unlikely collision, try another one."""
    for attempt in range(REFERENCE_ATTEMPTS):
        application = Application(reference=new_reference(), **values)
        try:
            with db.session.begin_nested():
                db.session.add(application)
                db.session.flush()
            return application
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _person_for(personal: Personal, certificate: Certificate) -> Person:
    """The person with this ID number; created from the answers if new. An existing person's
    record is only completed, never overwritten: the application keeps what was entered.
    Nothing the submitter learns depends on whether the person existed."""
    person = db.session.scalar(select(Person).where(
        Person.id_number_hash.in_(identity.stored_hashes(personal.id_hash,
                                                         personal.id_encrypted))))
    number = identity.read(personal.id_encrypted)
    values = {
        "full_name": personal.full_name, "id_number_hash": personal.id_hash,
        "id_number_encrypted": personal.id_encrypted,
        "id_number_last4_hash": identity.last_four_hash(number.last_four) if number else None,
        "street": personal.street, "address": personal.address,
        # Not the phone: the phone on record comes only from an application staff accepted
        # (person_links.record_phone), never from what someone typed.
        "disability_category": certificate.category,
        "disability_grade": certificate.grade,
    }
    if person is None:
        person = Person(**values)
        db.session.add(person)
        db.session.flush()
        return person
    for field, value in values.items():
        if value is not None and getattr(person, field) in (None, ""):
            setattr(person, field, value)
    return person


# ── Time limits ───────────────────────────────────────────────────────────────────────────

def time_limits() -> dict[str, int]:
    """Working days allowed in each state (portal/data/time_limits.yaml, via the status machine)."""
    return dict(DEFAULT_TIME_LIMITS)


# ── Messages ──────────────────────────────────────────────────────────────────────────────

def notify_submitted(application: Application) -> OutboxMessage:
    """The text message that confirms a submission – the reference and where to follow it,
    nothing about the person, their disability or the programme (the SMS backend adds the
    registered sender signature). Recorded in the outbox within the caller's transaction;
    its delivery is queued once that has committed (portal/tasks/after_commit.py). The
    words are portal.messages.notifications' (one place for every status text)."""
    return queue_status_change(application, None, "submitted")


@dataclass(frozen=True)
class Stage:
    status: str
    working_days: int


def stages_after_submission() -> list[Stage]:
    """The review stages an application goes through, with their time limits."""
    limits = time_limits()
    return [Stage(code, limits[code]) for code in
            ("submitted", "accepted", "street_checked", "district_reviewed") if code in limits]
