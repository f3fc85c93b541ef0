"""One application as staff reach it, and the audited ways in: opening it (every view
recorded), revealing the full card or ID number (recorded first), its timeline and documents
(opening or downloading one recorded), the person's other claims for the same programme, the
rules' outcome as of the day it was submitted, and a page of the queue (a search for a person
recorded, by kind – never the full ID number).

Every way in checks visibility (portal.applications.queues) first; an application the actor may
not see is "not found" (werkzeug's NotFound, a 404), so its existence is not revealed either.
How the case page words it: portal.staff.case_view.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.utils import safe_join

from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import queues, references, status_machine, working_days
from portal.applications.models import Application, Document, StatusEvent
from portal.audit import log as audit
from portal.extensions import db
from portal.people import identity

# The export (CSV and .xlsx, streamed and audited by what was sent) is portal/staff/export.py.

# ------------------------------------------------------------------------- opening one

def reveal_card_number(actor: Account, application: Application) -> str | None:
    """The full card number, decrypted, for a role deciding payment. None if there is none."""
    from portal.people import crypto

    card_number = stored.read(application).payment.card_number
    return _reveal(actor, application, "payment.reveal", card_number, crypto.decrypt)


def reveal_id_number(actor: Account, application: Application) -> identity.IdNumber | None:
    """The person's full ID number with its birth date (identity.read), for a role that
    verifies identity – the only way either is shown. None if no encrypted number is on file
    (people recorded before it was kept)."""
    person = application.person
    encrypted = person.id_number_encrypted if person is not None else None
    return _reveal(actor, application, "identity.reveal", encrypted, identity.read,
                   {"person_id": person.id} if person is not None else None)


def _reveal(actor: Account, application: Application, action: str, encrypted: str | None,
            read, detail: dict | None = None):
    """`read(encrypted)` (decrypted), the viewing recorded (committed) first – the reference
    and `detail`, never the number."""
    if not encrypted:
        return None
    audit.record(actor, action, "application", application.reference, detail)
    db.session.commit()
    return read(encrypted)


def find_visible(actor: Account, reference: str) -> Application:
    """The application with this reference if `actor` may see it; else 404."""
    application = db.session.scalar(
        select(Application).where(Application.reference == references.normalise(reference)))
    if application is None or not queues.can_see(actor, application):
        raise NotFound()
    return application


def open_application(actor: Account, reference: str) -> Application:
    """Find the application and record that `actor` looked at it (committed at once)."""
    application = find_visible(actor, reference)
    audit.record(actor, "application.view", "application", application.reference,
                 {"status": application.status})
    db.session.commit()
    return application


def same_programme_applications(actor: Account, application: Application) -> list[Application]:
    """The person's other active applications for the same programme that `actor` may see –
    a possible second claim, for staff to check (the applicant is never told of one they
    could not see: portal.applications.filing._check_not_duplicate)."""
    active = [code for code, status in status_machine.STATUSES.items() if status.active]
    return [other for other in db.session.scalars(
        select(Application).where(Application.person_id == application.person_id,
                                  Application.programme == application.programme,
                                  Application.id != application.id,
                                  Application.status.in_(active))
        .order_by(Application.id)) if queues.can_see(actor, other)]


@dataclass(frozen=True)
class TimelineEntry:
    event: StatusEvent
    actor: Account | None


def timeline(application: Application) -> list[TimelineEntry]:
    rows = db.session.execute(
        select(StatusEvent, Account)
        .outerjoin(Account, Account.id == StatusEvent.actor_account_id)
        .where(StatusEvent.application_id == application.id)
        .order_by(StatusEvent.id)).all()
    return [TimelineEntry(event, account) for event, account in rows]


def current_documents(application: Application) -> list[Document]:
    return [d for d in application.documents if d.removed_at is None]


# ------------------------------------------------------------------------- the rules' view

def facts_for(application: Application, today: date | None = None) -> dict:
    """Eligibility facts from what the portal holds: what the person's record says (age, sex,
    category, grade), overridden by what the application journey derives from the answers –
    the same derivation the applicant's pre-check used (portal.apply.journey.Journey.facts),
    and the same reading of an ID number (journey.id_facts)."""
    from portal.apply.journey import Journey, id_facts
    from portal.eligibility import FACTS

    today = today or date.today()
    candidates: dict = {}
    person = application.person
    if person is not None:
        candidates.update(id_facts(identity.of(person), today))
        candidates["disability_category"] = person.disability_category
        candidates["disability_grade"] = person.disability_grade
    candidates.update(Journey.of_application(application, today=today).facts())
    facts = {}
    for name, value in candidates.items():
        if value is None or name not in FACTS:
            continue
        try:
            facts[name] = FACTS[name].check(value)
        except ValueError:
            continue
    return facts


def rules_date(application: Application) -> date:
    """The day the rules' check is made as of: the day the application was submitted (in the
    district's calendar), so a decision is re-explained by the rules it was made under."""
    if application.submitted_at is None:
        return date.today()
    return working_days.local_date(application.submitted_at)


def eligibility_outcome(application: Application):
    """The rules' outcome for this application's programme as of its submission day
    (:func:`rules_date`): the conditions in force that day and the person's age that day.
    None when not available (e.g. facts that contradict each other)."""
    from portal.eligibility import evaluate

    on = rules_date(application)
    try:
        outcomes = evaluate(facts_for(application, today=on), on=on)
    except ValueError:
        return None
    for outcome in outcomes:
        if outcome.programme == application.programme:
            return outcome
    return None


# ------------------------------------------------------------------------- documents

INLINE_TYPES = ("image/jpeg", "image/png", "application/pdf")


@dataclass(frozen=True)
class OpenedDocument:
    path: str
    document: Document
    inline: bool


def open_document(actor: Account, reference: str, document_id: int,
                  inline: bool) -> OpenedDocument:
    """Check, record (committed) and return where the file is. 404 when not allowed."""
    application = find_visible(actor, reference)
    document = db.session.get(Document, document_id)
    if (document is None or document.application_id != application.id
            or document.removed_at is not None):
        raise NotFound()
    path = safe_join(current_app.config["UPLOAD_FOLDER"], document.storage_name)
    if path is None or not os.path.isfile(path):
        raise NotFound()
    inline = inline and document.content_type in INLINE_TYPES
    audit.record(actor, "document.view" if inline else "document.download", "application",
                 application.reference,
                 {"document_id": document.id, "kind": document.kind})
    db.session.commit()
    return OpenedDocument(path, document, inline)


@dataclass(frozen=True)
class QueueView:
    page: queues.QueuePage
    summary: queues.Summary


def open_queue(actor: Account, filters: queues.QueueFilter,
               after: str | None = None) -> QueueView:
    """A page of the queue and the "waiting for you" count; a search is recorded first (its
    commit would otherwise expire the rows just read)."""
    record_search(actor, filters)
    return QueueView(queues.page(actor, filters, after=after), queues.summary(actor))


def filter_detail(filters: queues.QueueFilter, search) -> dict:
    detail = {"view": filters.view, "programme": filters.programme,
              "deadline": filters.deadline}
    if search is not None:
        shown = search.value
        if search.kind == "id_number":
            shown = identity.mask(search.value)
        detail["search"] = {"kind": search.kind, "value": shown}
    return {k: v for k, v in detail.items() if v}


def record_search(actor: Account, filters: queues.QueueFilter) -> None:
    """Searching for a person is recorded (what kind of search, never the full ID number)."""
    search = queues.parse_search(filters.q)
    if search is None:
        return
    audit.record(actor, "queue.search", "queue", None, filter_detail(filters, search))
    db.session.commit()


# ------------------------------------------------------------------------- the audit log

