"""What a member of staff sees of one application, and the audited ways to see it:
opening it, opening or downloading its documents, exporting a queue as CSV.

Every way in checks visibility (portal.applications.queues) first; an application the actor may
not see is "not found" (404), so its existence is not revealed either.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.utils import safe_join

from portal import dates
from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import queues, references, status_machine, working_days
from portal.applications.answers import Questions
from portal.applications.answers import SectionKey as K
from portal.applications.models import Application, Document, StatusEvent
from portal.audit import log as audit
from portal.extensions import db
from portal.labels import (
    PAYMENT_METHODS,
    fact_label,
    fact_value,
    relationship_label,
    section_title,
    street_name,
)
from portal.people import identity

# The export (CSV and .xlsx, streamed and audited by what was sent) is portal/staff/export.py.
from portal.staff.export import filter_detail as _filter_detail

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
        abort(404)
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


# The sections of the answers are shown in the order they are stored
# (portal.applications.answers.RECORDS), after the relationship (the journey's "who" section);
# each named as the journey names it (portal.labels.SECTIONS).
# Labels that differ by section: the declaration's "given" is the declaration the applicant
# ticked on the check-answers page (the form's own label, portal.apply.forms.DeclarationForm).
SECTION_FIELD_LABELS = {K.DECLARATION: {"at": _l("声明时间")}}
FIELD_LABELS = {
    K.RELATIONSHIP: _l("与申请对象的关系"),
    "full_name": _l("姓名"), "id_encrypted": _l("身份证号码（已隐去部分）"),
    "phone": _l("联系电话"), "address": _l("住址"), "street": _l("街道、镇"),
    "has_certificate": _l("有残疾人证"),
    "category": _l("残疾类别"), "grade": _l("残疾等级"), "valid_until": _l("有效期至"),
    "household": _l("家庭情况"), "method": _l("发放方式"), "bank_name": _l("开户银行"),
    "account_holder": _l("户名"), "card_number": _l("卡号"),
    "given": _l("已同意"), "at": _l("同意时间"),
}
FIELD_FACTS = {"category": "disability_category", "grade": "disability_grade",
               "household": "household"}
# Never shown: look-up hashes, the card's last four (shown as the card number), the encrypted
# ID number – except in its own section, as its last four (MASKED; the full one only by
# reveal_id_number). The journey's flag (documents_done) and the draft the application came
# from (draft_id) are the portal's own bookkeeping: typed fields of no section, never listed.
HIDDEN = {"id_hash", "id_encrypted", "card_hash", "card_last4"}
MASKED = {"id_encrypted"}


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: list[tuple[str, str]]


def answer_sections(application: Application) -> list[AnswerSection]:
    """Every answer, in sections, labelled; look-up hashes left out, card numbers masked."""
    answers = stored.read(application)
    sections = []
    if answers.relationship is not None:
        sections.append(AnswerSection(section_title(K.WHO), [
            (str(FIELD_LABELS[K.RELATIONSHIP]), relationship_label(answers.relationship))]))
    for key in answers.present():
        value = answers.section(key)
        if isinstance(value, Questions):
            rows = [(fact_label(name), _answer_text(v, name)) for name, v in value.values.items()]
        else:
            rows = [(_field_label(key, k), _field_text(k, v)) for k, v in value.to_json().items()
                    if k not in HIDDEN or k in MASKED]
        sections.append(AnswerSection(section_title(key), rows))
    other = [(fact_label(name), _answer_text(value, name)) for name, value in answers.extra.items()
             if name not in HIDDEN]
    if other:
        sections.append(AnswerSection(_("其他内容"), other))
    return sections


def _field_label(section: str, key: str) -> str:
    """A field's label: the section's own, the common one, the eligibility fact's – never
    the key (an unknown one is "other information")."""
    if section == K.DECLARATION and key == "given":
        from portal.apply.forms import DeclarationForm

        return str(DeclarationForm.declaration.args[0])
    label = SECTION_FIELD_LABELS.get(section, {}).get(key) or FIELD_LABELS.get(key)
    return str(label) if label else fact_label(key)


def _field_text(key: str, value) -> str:
    if value is None or value == "":
        return _("（未填写）")
    if key == "id_encrypted":  # only the last four, like everywhere (identity.masked)
        return identity.masked(identity.read(value))
    if key == "card_number":  # stored encrypted; only the last four digits are shown
        from portal.people import crypto

        digits = str(crypto.decrypt(value)).replace(" ", "")
        return _("尾号%(last)s", last=digits[-4:])
    if key == "street":
        return street_name(value)
    if key == "method":
        return str(PAYMENT_METHODS.get(value, value))
    if key == "valid_until":
        try:
            return dates.date_text(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if key == "at":
        try:
            return dates.date_time_text(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return _answer_text(value, FIELD_FACTS.get(key))


def _answer_text(value, fact_name: str | None) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "":
        return _("（未填写）")
    if fact_name:
        return fact_value(fact_name, value)
    if isinstance(value, list):
        return "、".join(_answer_text(v, None) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{_field_label('', k)}：{_field_text(k, v)}" for k, v in value.items()
                        if k not in HIDDEN)
    return str(value)


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
        abort(404)
    path = safe_join(current_app.config["UPLOAD_FOLDER"], document.storage_name)
    if path is None or not os.path.isfile(path):
        abort(404)
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


def record_search(actor: Account, filters: queues.QueueFilter) -> None:
    """Searching for a person is recorded (what kind of search, never the full ID number)."""
    search = queues.parse_search(filters.q)
    if search is None:
        return
    audit.record(actor, "queue.search", "queue", None, _filter_detail(filters, search))
    db.session.commit()


# ------------------------------------------------------------------------- the audit log

def search_audit(actor: Account, query: audit.AuditQuery,
                 before_id: int | None = None) -> audit.AuditPage:
    """Search the audit log; the search itself is recorded (committed)."""
    results = audit.search(query, before_id=before_id)
    audit.record(actor, "audit.search", "audit", None,
                 {key: str(value) for key, value in vars(query).items() if value})
    db.session.commit()
    return results
