"""What a member of staff sees of one application, and the audited ways to see it:
opening it, opening or downloading its documents, exporting a queue as CSV.

Every way in checks visibility (portal.services.queues) first; an application the actor may
not see is "not found" (404), so its existence is not revealed either.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import abort, current_app
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import safe_join

from .. import dates, status_machine
from ..extensions import db
from ..models import Account, Application, Document, StatusEvent
from ..services import audit, identity, queues, references, working_days
from ..streets import by_code as street_by_code
from . import programmes

# ------------------------------------------------------------------------- opening one

def reveal_card_number(actor: Account, application: Application) -> str | None:
    """The full card number, decrypted, for a role deciding payment. None if there is none."""
    from ..services import crypto

    stored = ((application.answers or {}).get("payment") or {}).get("card_number")
    return _reveal(actor, application, "payment.reveal", stored, crypto.decrypt)


def reveal_id_number(actor: Account, application: Application) -> identity.IdNumber | None:
    """The person's full ID number with its birth date (identity.read), for a role that
    verifies identity – the only way either is shown. None if no encrypted number is on file
    (people recorded before it was kept)."""
    person = application.person
    stored = person.id_number_encrypted if person is not None else None
    return _reveal(actor, application, "identity.reveal", stored, identity.read,
                   {"person_id": person.id} if person is not None else None)


def _reveal(actor: Account, application: Application, action: str, stored: str | None,
            read, detail: dict | None = None):
    """`read(stored)` (decrypted), the viewing recorded (committed) first – the reference and
    `detail`, never the number."""
    if not stored:
        return None
    audit.record(actor, action, "application", application.reference, detail)
    db.session.commit()
    return read(stored)


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
    could not see: portal.services.applications._check_not_duplicate)."""
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
    the same derivation the applicant's pre-check used (portal.apply.journey.Journey.facts)."""
    from ..apply.journey import Journey
    from ..eligibility import FACTS

    today = today or date.today()
    candidates: dict = {}
    person = application.person
    if person is not None:
        number = identity.of(person)
        if number is not None:
            candidates["age"] = number.age(today)
            candidates["sex"] = number.sex
        candidates["disability_category"] = person.disability_category
        candidates["disability_grade"] = person.disability_grade
    candidates.update(Journey(application, today=today).facts())
    facts = {}
    for name, value in candidates.items():
        if value is None or name not in FACTS:
            continue
        try:
            facts[name] = FACTS[name].check(value)
        except ValueError:
            continue
    return facts


def eligibility_outcome(application: Application):
    """The rules' outcome for this application's programme, or None when not available."""
    from ..eligibility import evaluate

    for outcome in evaluate(facts_for(application)):
        if outcome.programme == application.programme:
            return outcome
    return None


# The sections of the answers as the application journey stores them, in the order shown.
SECTIONS = {
    "relationship": _l("与申请对象的关系"),
    "personal": _l("申请对象的基本信息"),
    "certificate": _l("残疾人证"),
    "household": _l("家庭情况"),
    "payment": _l("补贴发放账户"),
    "questions": _l("本事项需要了解的情况"),
    "consent": _l("声明和同意"),
}
FIELD_LABELS = {
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
PAYMENT_METHODS = {"bank_card": _l("银行卡"), "social_security_card": _l("社会保障卡（社保卡）")}
# Never shown: look-up hashes, a journey flag, the card's last four (shown as the card number),
# the encrypted ID number – except in its own section, as its last four (MASKED; the full one
# only by reveal_id_number).
HIDDEN = {"id_hash", "id_encrypted", "documents_done", "card_hash", "card_last4"}
MASKED = {"id_encrypted"}


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: list[tuple[str, str]]


def answer_sections(application: Application) -> list[AnswerSection]:
    """Every answer, in sections, labelled; look-up hashes left out, card numbers masked."""
    from .display import relationship_label

    answers = dict(application.answers or {})
    sections = []
    if "relationship" in answers:
        sections.append(AnswerSection(str(SECTIONS["relationship"]), [
            (str(SECTIONS["relationship"]), relationship_label(answers.pop("relationship")))]))
    for key, title in SECTIONS.items():
        value = answers.pop(key, None)
        if key == "relationship" or value is None:
            continue
        if key == "questions" and isinstance(value, dict):
            rows = [(fact_label(name), _answer_text(v, name)) for name, v in value.items()]
        elif isinstance(value, dict):
            rows = [(str(FIELD_LABELS.get(k, k)), _field_text(k, v)) for k, v in value.items()
                    if k not in HIDDEN or k in MASKED]
        else:
            rows = [(str(title), _answer_text(value, None))]
        sections.append(AnswerSection(str(title), rows))
    other = [(fact_label(name), _answer_text(value, name)) for name, value in answers.items()
             if name not in HIDDEN]
    if other:
        sections.append(AnswerSection(_("其他内容"), other))
    return sections


def fact_label(name: str) -> str:
    try:
        from ..eligibility import FACTS
    except ImportError:
        return name
    fact = FACTS.get(name)
    return fact.label.in_locale(str(get_locale())) if fact else name


def _field_text(key: str, value) -> str:
    from .display import street_name

    if value is None or value == "":
        return _("（未填写）")
    if key == "id_encrypted":  # only the last four, like everywhere (identity.masked)
        return identity.masked(identity.read(value))
    if key == "card_number":  # stored encrypted; only the last four digits are shown
        from ..services import crypto

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
    from .display import fact_value

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
        return "；".join(f"{k}：{_answer_text(v, None)}" for k, v in value.items()
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


# ------------------------------------------------------------------------- CSV export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> str:
    """A cell a spreadsheet will not run as a formula: ' before = + - @ (and tab, CR)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def time_limit_text(time_left) -> str:
    if time_left is None:
        return _("无时限")
    if time_left.state == working_days.OVERDUE:
        return _("已超期 %(days)s 个工作日", days=time_left.working_days)
    if time_left.state == working_days.DUE_TODAY:
        return _("今天到期")
    return _("还剩 %(days)s 个工作日", days=time_left.working_days)


def export_csv(actor: Account, filters: queues.QueueFilter) -> Iterator[str]:
    """Record the export (committed), then yield the CSV: UTF-8 with BOM, masked ID numbers."""
    search = queues.parse_search(filters.q)
    audit.record(actor, "queue.export", "queue", None, _filter_detail(filters, search))
    db.session.commit()
    now = datetime.now(timezone.utc)
    locale = str(get_locale())

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([_("受理编号"), _("项目"), _("申请对象"), _("身份证号码（已隐去部分）"),
                         _("街道"), _("状态"), _("提交时间"), _("办理期限"), _("时限情况")])
        yield "\ufeff" + buffer.getvalue()
        for row in queues.every_row(actor, filters, now=now):
            application, person = row.application, row.person
            street = street_by_code(application.street)
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([neutralise(cell) for cell in (
                application.reference,
                programmes.name(application.programme),
                person.full_name,
                identity.masked_id(person),
                street.name(locale) if street else application.street,
                str(status_machine.STATUSES[application.status].label),
                format_datetime(application.submitted_at, "yyyy-MM-dd HH:mm"),
                row.time_left.due_date.isoformat() if row.time_left else "",
                time_limit_text(row.time_left),
            )])
            yield buffer.getvalue()

    return generate()


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


def _filter_detail(filters: queues.QueueFilter, search) -> dict:
    detail = {"view": filters.view, "programme": filters.programme,
              "deadline": filters.deadline}
    if search is not None:
        shown = search.value
        if search.kind == "id_number":
            shown = identity.mask(search.value)
        detail["search"] = {"kind": search.kind, "value": shown}
    return {k: v for k, v in detail.items() if v}


# ------------------------------------------------------------------------- the audit log

def search_audit(actor: Account, query: audit.AuditQuery,
                 before_id: int | None = None) -> audit.AuditPage:
    """Search the audit log; the search itself is recorded (committed)."""
    results = audit.search(query, before_id=before_id)
    audit.record(actor, "audit.search", "audit", None,
                 {key: str(value) for key, value in vars(query).items() if value})
    db.session.commit()
    return results
