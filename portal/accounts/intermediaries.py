"""Village and community workers (代办员) as a street officer manages them: create, list,
deactivate – for the officer's own street only, audited.

A worker is not staff: they sign in on the staff sign-in page with a password and the second
factor staff have (portal.accounts.second_factor), and reach a person's records only through
an active consent (portal.accounts.consents). The officer never knows the worker's password:
the new account gets a random one nobody knows, and the worker is texted a one-time link to
set their own (the staff link, portal.accounts.staff.password_link_token).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts import consents
from portal.accounts import sign_in as accounts
from portal.accounts import staff as staff_accounts
from portal.accounts.models import INTERMEDIARY, Account, Consent
from portal.accounts.passwords import hash_password
from portal.applications.models import Application, Draft
from portal.audit import log as audit
from portal.benefits.models import Review
from portal.changes.models import ChangeRequest
from portal.database.columns import utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.people import phone_numbers
from portal.people.models import Person

MANAGERS = ("street_officer",)     # who makes and stops workers: their own street's


def of_street(officer: Account) -> list[Account]:
    if officer.role not in MANAGERS or not officer.street:
        return []
    return list(db.session.scalars(select(Account).where(
        Account.role == INTERMEDIARY, Account.street == officer.street)
        .order_by(Account.active.desc(), Account.village, Account.display_name, Account.id)))


def find(officer: Account, account_id: int) -> Account | None:
    """A worker of the officer's street, else None (the page answers 404)."""
    account = db.session.get(Account, account_id)
    if account is None or not account.is_intermediary or officer.role not in MANAGERS \
            or account.street != officer.street:
        return None
    return account


def create(officer: Account, *, display_name: str, phone: str, village: str) -> Account:
    """Raises accounts.AccountError (phone, name, village, exists, not_allowed). Audited; the
    worker is texted a link to set their password; commits."""
    if officer.role not in MANAGERS or not officer.street:
        raise accounts.AccountError("not_allowed")
    try:
        phone = phone_numbers.normalise(phone)
    except ValueError:
        raise accounts.AccountError("phone") from None
    display_name, village = (display_name or "").strip(), (village or "").strip()
    if not display_name or len(display_name) > 60:
        raise accounts.AccountError("name")
    if not village or len(village) > 60:
        raise accounts.AccountError("village")
    if accounts.find_by_phone(phone) is not None:
        raise accounts.AccountError("exists")
    account = Account(phone=phone, display_name=display_name, role=INTERMEDIARY,
                      street=officer.street, village=village,
                      password_hash=hash_password(secrets.token_urlsafe(32)),  # known to nobody
                      password_changed_at=utcnow())
    db.session.add(account)
    db.session.flush()
    audit.record(officer, "intermediary.create", "account", str(account.id),
                 {"street": officer.street, "village": village})
    db.session.commit()
    _send_password_link(account)
    return account


def _send_password_link(account: Account) -> None:
    staff_accounts.send_password_link(account, "account.worker_password_link",
                                      locale=account.preferred_locale or DEFAULT_LOCALE)


def deactivate(officer: Account, account: Account) -> None:
    """The worker can no longer sign in; every session ends now. Their consents stay (the
    people's history) but give no access: access needs an active worker. Audited; commits."""
    if find(officer, account.id) is None or not account.active:
        return
    account.active = False
    account.session_version += 1
    audit.record(officer, "intermediary.deactivate", "account", str(account.id),
                 {"street": account.street})
    db.session.commit()


def reset_password(officer: Account, account: Account) -> None:
    """A worker who forgot their password: the old one stops working and every session ends
    now; the worker is texted a new one-time link to set one (the officer never knows it).
    Audited; commits."""
    if find(officer, account.id) is None or not account.active:
        return
    staff_accounts.clear_password(account)
    audit.record(officer, "intermediary.password_reset", "account", str(account.id),
                 {"street": account.street})
    db.session.commit()
    _send_password_link(account)


# ── the worker's residents ────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Resident:
    """What the worker's page about one person shows: only while a consent stands."""
    consent: Consent
    applications: list[Application]       # what the consent lets the worker see
    drafts: list[Draft]                   # the worker's unsent applications for the person
    reviews: list[Review]                 # yearly reviews, when the consent covers them
    changes: list[ChangeRequest]          # changes reported, when the consent covers them
    may_apply: bool
    may_report: bool                      # changes
    may_review: bool


def resident(worker: Account, person_id: int) -> Resident | None:
    """The person's page for the worker, or None without a standing consent (404)."""
    from portal.accounts import access_grants
    from portal.benefits import recipients
    from portal.benefits import reviews as yearly
    from portal.changes import requests as changes

    consent = consents.standing_for(worker, person_id)
    if consent is None:
        return None
    seen = list(db.session.scalars(select(Application).where(
        Application.person_id == person_id, access_grants.visible_to(worker))
        .order_by(Application.id.desc())))
    drafts = list(db.session.scalars(select(Draft).where(
        Draft.account_id == worker.id, Draft.person_id == person_id)
        .order_by(Draft.id.desc())))
    may_report = consents.covers(worker, person_id, "changes")
    may_review = consents.covers(worker, person_id, "reviews")
    found_reviews, found_changes = [], []
    if may_report or may_review:
        for application in db.session.scalars(select(Application).where(
                Application.person_id == person_id).order_by(Application.id)):
            recipient = recipients.of_account_application(application.id)
            if recipient is None:
                continue
            if may_review and (review := yearly.current(recipient)) is not None:
                found_reviews.append(review)
            if may_report:
                found_changes.extend(changes.of_recipient(recipient))
    return Resident(consent, seen, drafts if consents.covers(worker, person_id, "act") else [],
                    found_reviews, found_changes,
                    consents.covers(worker, person_id, "act"), may_report, may_review)


def start_application(worker: Account, person_id: int, programme: str) -> Draft:
    """The worker's draft for the person and programme: the open one, or a new one filled in
    from the person's record (name, ID number, phone on record, address, street) with the
    relationship 村（社区）工作人员. Raises LookupError without a standing consent to apply,
    filing.DuplicateApplication when the worker may see an active one already."""
    from portal.applications import filing
    from portal.applications.answers import Answers, Personal

    if not consents.covers(worker, person_id, "act"):
        raise LookupError(person_id)
    existing = filing.active_application(person_id, programme, seen_by=worker)
    if existing is not None:
        raise filing.DuplicateApplication(existing)
    for draft in db.session.scalars(select(Draft).where(
            Draft.account_id == worker.id, Draft.person_id == person_id,
            Draft.programme == programme)):
        return draft
    person = db.session.get(Person, person_id)
    answers = Answers().with_(relationship="village_staff", personal=Personal(
        full_name=person.full_name or None, id_hash=person.id_number_hash or None,
        id_encrypted=person.id_number_encrypted or None, phone=person.phone or None,
        address=person.address or None, street=person.street or worker.street))
    draft = Draft(account_id=worker.id, programme=programme, person_id=person_id,
                  answers=answers.to_json())
    db.session.add(draft)
    db.session.commit()
    return draft
