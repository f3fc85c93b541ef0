"""Answering a request for more information (补正).

When staff set an application to needs_info, their message to the applicant (on that
StatusEvent) says exactly what is needed. The applicant answers online: uploads documents
(kind "supplement", stored and checked by content by portal.applications.documents) and/or writes
an answer, then resubmits. Resubmitting is the status machine's "resubmit" action through
portal.applications.status_changes – back to the state before needs_info – and the written answer
is that StatusEvent's message (from the applicant). So the timeline holds both sides: the
request (staff's event and message) and the answer (the applicant's event, message and the
documents uploaded between the two).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications import documents, status_changes
from portal.applications.models import Application, Document, StatusEvent
from portal.database.columns import aware
from portal.extensions import db

SUPPLEMENT = "supplement"
MAX_ANSWER = 2000


class NothingToSend(Exception):
    """Neither a written answer nor a document: there is nothing to resubmit."""


def open_request(application: Application) -> StatusEvent | None:
    """The request being answered: the latest move to needs_info, while it is still open."""
    if application.status != "needs_info":
        return None
    return db.session.scalar(
        select(StatusEvent)
        .where(StatusEvent.application_id == application.id,
               StatusEvent.to_status == "needs_info")
        .order_by(StatusEvent.id.desc()).limit(1))


def _supplements(application: Application) -> list[Document]:
    return list(db.session.scalars(
        select(Document).where(Document.application_id == application.id,
                               Document.kind == SUPPLEMENT, Document.removed_at.is_(None))
        .order_by(Document.id)))


def uploaded_since(application: Application, request: StatusEvent | None,
                   until: datetime | None = None) -> list[Document]:
    """The supplements uploaded after `request` (and not after `until`)."""
    if request is None:
        return []
    start = aware(request.created_at)
    end = aware(until) if until is not None else None
    return [d for d in _supplements(application)
            if aware(d.created_at) >= start and (end is None or aware(d.created_at) <= end)]


def answered_documents(application: Application) -> dict[int, list[Document]]:
    """For each resubmission event (id): the documents sent with it."""
    found: dict[int, list[Document]] = {}
    request = None
    for event in application.events:
        if event.to_status == "needs_info":
            request = event
        elif event.from_status == "needs_info" and request is not None:
            found[event.id] = uploaded_since(application, request, event.created_at)
            request = None
    return found


def add_document(application: Application, upload, account: Account) -> Document:
    """Keep an uploaded file as part of the answer (commits). Raises
    documents.UploadRefused (empty, too large, not a photo or PDF, or one file more than
    MAX_FILES_PER_ANSWER for this answer)."""
    limit = int(current_app.config["MAX_FILES_PER_ANSWER"])
    if len(uploaded_since(application, open_request(application))) >= limit:
        raise documents.UploadRefused("too_many_files_answer")
    return documents.store(upload, kind=SUPPLEMENT, account_id=account.id,
                           application_id=application.id)


def removable(application: Application, document_id: int) -> Document | None:
    """A document of the answer still being prepared (it can be taken out before sending)."""
    return next((d for d in uploaded_since(application, open_request(application))
                 if d.id == document_id), None)


def remove_document(document: Document) -> None:
    documents.remove(document)


def answer(application: Application, account: Account, text: str | None,
           expected_version: int | None = None) -> StatusEvent:
    """Resubmit with the written answer and the documents uploaded since the request.
    Raises NothingToSend, or status_changes.ActionError (not allowed now, or stale)."""
    text = (text or "").strip()[:MAX_ANSWER] or None
    request = open_request(application)
    if request is None:
        raise status_changes.ActionNotAllowed(application.reference)
    if text is None and not uploaded_since(application, request):
        raise NothingToSend(application.reference)
    return status_changes.apply_action(application, "resubmit", account, message=text,
                                       expected_version=expected_version)
