"""A person's requests to correct or delete their data (个人信息保护法 第四十六条、第四十七条).

Who may ask: an account with an active proven link to the person – "self" or "guardian"
(portal.accounts.person_links). Typing a name or an ID number proves nothing, so an account
without such a link cannot ask (its page says how to prove who it is). Each request names the
person through that link, never through what was typed.

Who handles them: the district's staff who see the whole person across programmes – 区民政
(civil_affairs), 区残联 (district_reviewer) and the admin (ROLES); a street officer sees only
their street's applications and does not. Every view is audited. The deadline is
DATA_REQUEST_WORKING_DAYS working days (portal.applications.working_days).

Deciding: a correction is "corrected" (the staff corrected the record with the tools they have
for it – the case file, the recipient's page – and say what they changed) or "refused"; a
deletion is carried out through portal.retention.erasure (the one place that deletes or
anonymises, as the retention task does) and becomes "deleted", or "partly_kept" when the law
keeps some of the person's records (the kinds kept, and why in plain words, are shown on the
person's page from portal/data/retention.yaml), or "refused". The person gets a text (the
outcome only) and reads the reason on their page. A supporting document is removed once the
request is decided: it has served its purpose (第四十七条第一款第（一）项).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts import person_links
from portal.accounts.models import Account, PersonLink
from portal.applications import documents, working_days
from portal.applications.models import Document
from portal.audit import log as audit
from portal.database.columns import aware
from portal.extensions import db
from portal.messages import notifications
from portal.people.models import Person
from portal.retention import erasure, policy
from portal.retention.models import DataRequest

MAX_TEXT = 2000
ROLES = ("civil_affairs", "district_reviewer", "admin")
PROVEN_ROLES = ("self", "guardian")

KIND_LABELS = {
    "correction": _l("更正个人信息"),
    "deletion": _l("删除个人信息"),
}
OUTCOME_LABELS = {
    "corrected": _l("已更正"),
    "deleted": _l("已删除"),
    "partly_kept": _l("能删除的已删除，依法需要保存的部分保留"),
    "refused": _l("没有按要求办理"),
}
# What staff choose when deciding; "delete" becomes deleted or partly_kept (what the law kept).
DECISIONS = {
    "correction": {"corrected": _l("已更正"), "refused": _l("不予更正")},
    "deletion": {"delete": _l("删除（法律要求保存的部分会保留，并告诉申请人原因）"),
                 "refused": _l("不予删除")},
}


class RequestRefused(Exception):
    """reason: not_proven | invalid | decided"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ── the person's side ─────────────────────────────────────────────────────────────────────

def proven_links(account: Account) -> list[PersonLink]:
    """The account's active links that prove it is the person or their guardian."""
    return [link for link in person_links.links_of(account) if link.role in PROVEN_ROLES]


def people_for(account: Account) -> list[tuple[PersonLink, Person]]:
    links = proven_links(account)
    people = {p.id: p for p in db.session.scalars(
        select(Person).where(Person.id.in_([link.person_id for link in links])))}
    return [(link, people[link.person_id]) for link in links if link.person_id in people]


def ask(account: Account, person_id: int, kind: str, what_is_wrong: str,
        should_be: str | None = None, upload=None, *, locale: str,
        now: datetime | None = None) -> DataRequest:
    """Record a request (commits). Raises RequestRefused("not_proven") without a proven link to
    the person; documents.UploadRefused for a file that is refused."""
    link = next((link for link in proven_links(account) if link.person_id == person_id), None)
    if link is None:
        raise RequestRefused("not_proven")
    what_is_wrong = (what_is_wrong or "").strip()[:MAX_TEXT]
    should_be = (should_be or "").strip()[:MAX_TEXT] or None
    if kind not in DECISIONS or (kind == "correction" and not (what_is_wrong and should_be)):
        raise RequestRefused("invalid")
    document = None
    if upload is not None and upload.filename:
        document = documents.store(upload, kind="data_request", account_id=account.id)
    now = now or datetime.now(timezone.utc)
    request = DataRequest(
        account_id=account.id, person_id=person_id, link_role=link.role, kind=kind,
        what_is_wrong=what_is_wrong or None, should_be=should_be,
        document_id=document.id if document else None, locale=locale, created_at=now,
        due_at=working_days.deadline(now, int(current_app.config["DATA_REQUEST_WORKING_DAYS"])))
    db.session.add(request)
    db.session.flush()
    audit.record(account, "data_request.submit", "data_request", str(request.id),
                 {"kind": kind})
    db.session.commit()
    return request


def of_account(account: Account) -> list[DataRequest]:
    return list(db.session.scalars(select(DataRequest).where(
        DataRequest.account_id == account.id).order_by(DataRequest.id.desc())))


def own(account: Account, request_id: int) -> DataRequest | None:
    """The account's own request, or None (a stranger's is as missing as none)."""
    return db.session.scalar(select(DataRequest).where(
        DataRequest.id == request_id, DataRequest.account_id == account.id))


def kept_explained(request: DataRequest, locale: str | None) -> list[str]:
    """Why each kept kind was kept, in plain words, in the reader's language."""
    rules = policy.rules()
    return [rules[kind].why_kept(locale) for kind in (request.kept or []) if kind in rules]


def erased_explained(request: DataRequest, locale: str | None) -> list[tuple[str, int]]:
    rules = policy.rules()
    return [(rules[kind].name.in_locale(locale), count)
            for kind, count in (request.erased or {}).items() if count and kind in rules]


# ── the staff's side ──────────────────────────────────────────────────────────────────────

def queue(actor: Account, *, decided: bool = False) -> list[DataRequest]:
    """Open requests, soonest deadline first (or the decided ones, newest first); audited."""
    query = select(DataRequest)
    if decided:
        query = query.where(DataRequest.decided_at.is_not(None)) \
            .order_by(DataRequest.decided_at.desc())
    else:
        query = query.where(DataRequest.decided_at.is_(None)) \
            .order_by(DataRequest.due_at, DataRequest.id)
    rows = list(db.session.scalars(query.limit(500)))
    audit.record(actor, "data_request.list", "data_request", None,
                 {"decided": decided, "rows": len(rows)})
    db.session.commit()
    return rows


def find(actor: Account, request_id: int) -> DataRequest | None:
    if getattr(actor, "role", None) not in ROLES:
        return None
    return db.session.get(DataRequest, request_id)


def viewed(actor: Account, request: DataRequest) -> None:
    audit.record(actor, "data_request.view", "data_request", str(request.id))
    db.session.commit()


def supporting_document(actor: Account, request: DataRequest) -> Document | None:
    """The request's supporting document for staff (audited), or None."""
    if request.document_id is None:
        return None
    document = db.session.get(Document, request.document_id)
    audit.record(actor, "data_request.document", "data_request", str(request.id))
    db.session.commit()
    return document


def person_of(request: DataRequest) -> Person:
    return db.session.get(Person, request.person_id)


def requester_of(request: DataRequest) -> Account:
    return db.session.get(Account, request.account_id)


def is_overdue(request: DataRequest, now: datetime | None = None) -> bool:
    end = aware(request.decided_at) or now or datetime.now(timezone.utc)
    return end > aware(request.due_at)


def decide(request: DataRequest, actor: Account, decision: str, reason: str,
           now: datetime | None = None) -> DataRequest:
    """Record the outcome, carry out a deletion (portal.retention.erasure), tell the person by
    text and on their page (commits). Raises RequestRefused("decided" | "invalid")."""
    reason = (reason or "").strip()[:MAX_TEXT]
    if request.decided_at is not None:
        raise RequestRefused("decided")
    if decision not in DECISIONS.get(request.kind, {}) or not reason:
        raise RequestRefused("invalid")
    now = now or datetime.now(timezone.utc)
    files = erasure.Files()
    outcome = decision
    if decision == "delete":
        requester = requester_of(request)
        result = erasure.for_person(requester, request.person_id, request.link_role, files, now)
        request.erased = result.done
        request.kept = result.kept
        outcome = "partly_kept" if [k for k in result.kept if k != "audit_event"] \
            else "deleted"
    if request.document_id is not None:
        erasure.delete_documents([request.document_id], files)
    request.outcome = outcome
    request.reason = reason
    request.decided_at = now
    request.decided_by_account_id = actor.id
    db.session.flush()
    audit.record(actor, "data_request.decide", "data_request", str(request.id),
                 {"outcome": outcome, "erased": request.erased or {},
                  "kept": request.kept or [], "late": is_overdue(request, now)})
    requester = requester_of(request)
    if requester is not None and requester.phone:
        notifications.queue_data_request_decided(requester, outcome)
    db.session.commit()
    files.remove()
    return request
