"""The one place that deletes or anonymises records: the retention sweep (what is past its
period, portal.retention.sweep) and a person's deletion request (what the law does not keep,
portal.retention.requests) both come here.

Each kind (portal/data/retention.yaml) has one operation over a set of row ids, in the caller's
transaction; it returns the files to remove once the transaction has committed (`Files`), so a
rolled-back run removes none. What is deleted or anonymised:

- draft: the row and its documents (rows and files).
- refused_application (refused, withdrawn, merged): anonymised – the answers emptied, the status
  events' messages, notes and details cleared, its documents deleted (rows and files); the row
  stays for the counts (programme, street, status, dates), recorded in `anonymised_record`.
- document: the row and the file.
- outbox_message, one_time_code, kept_answers: the rows.
- question: anonymised – the words, the answer, the number, the asker and the video (file) go;
  a published 常见问题 (staff's own words) stays; recorded in `anonymised_record`.
- rating: anonymised – the comment and who gave it go, the level stays for the public figures.
  Ratings are otherwise append-only: this is the one UPDATE the PostgreSQL trigger lets through
  (migration 0028_retention), done with a Core statement (the ORM still refuses any change).
- audit_event, approved_application, payment_record, open_application: never touched ("keep").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update

from portal.accounts.models import OneTimeCode
from portal.applications import answers as stored
from portal.applications import documents
from portal.applications.models import Application, Document, Draft, KeptAnswers, StatusEvent
from portal.applications.status_machine import REVIEW_STATES
from portal.benefits.models import Recipient
from portal.content.media import storage
from portal.extensions import db
from portal.messages.models import OutboxMessage
from portal.questions.models import Question
from portal.ratings.models import Rating
from portal.retention.models import AnonymisedRecord, DataRequest

# Statuses of an application that is over without approval.
CLOSED_STATUSES = ("rejected", "withdrawn", "merged")


@dataclass
class Files:
    """Files to remove after the commit."""
    paths: list[Path] = field(default_factory=list)

    def remove(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)


def _ids(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids))


def anonymised(kind: str):
    """A SELECT of the ids of `kind` already anonymised."""
    return select(AnonymisedRecord.record_id).where(AnonymisedRecord.kind == kind)


def is_anonymised(kind: str, record_id: int) -> bool:
    return db.session.scalar(anonymised(kind).where(
        AnonymisedRecord.record_id == record_id)) is not None


def _mark(kind: str, ids: list[int], now: datetime) -> None:
    done = set(db.session.scalars(anonymised(kind).where(AnonymisedRecord.record_id.in_(ids))))
    db.session.add_all([AnonymisedRecord(kind=kind, record_id=i, anonymised_at=now)
                        for i in ids if i not in done])


def _document_paths(where) -> list[Path]:
    return [documents.path_of(d) for d in db.session.scalars(select(Document).where(where))]


def delete_drafts(ids: Iterable[int], files: Files) -> int:
    ids = _ids(ids)
    if not ids:
        return 0
    files.paths += _document_paths(Document.draft_id.in_(ids))
    db.session.execute(delete(Document).where(Document.draft_id.in_(ids)))
    db.session.execute(delete(KeptAnswers).where(KeptAnswers.draft_id.in_(ids)))
    return db.session.execute(delete(Draft).where(Draft.id.in_(ids))).rowcount


def delete_documents(ids: Iterable[int], files: Files) -> int:
    ids = _ids(ids)
    if not ids:
        return 0
    files.paths += _document_paths(Document.id.in_(ids))
    db.session.execute(update(DataRequest).where(DataRequest.document_id.in_(ids))
                       .values(document_id=None))
    return db.session.execute(delete(Document).where(Document.id.in_(ids))).rowcount


def anonymise_applications(ids: Iterable[int], files: Files, now: datetime) -> int:
    ids = _ids(ids)
    if not ids:
        return 0
    delete_documents(db.session.scalars(select(Document.id).where(
        Document.application_id.in_(ids))), files)
    db.session.execute(update(StatusEvent).where(StatusEvent.application_id.in_(ids))
                       .values(message_to_applicant=None, internal_note=None, details=None))
    empty = stored.Answers.from_json({}).to_json()
    for application in db.session.scalars(select(Application).where(Application.id.in_(ids))):
        application.answers = dict(empty)
    _mark("refused_application", ids, now)
    db.session.flush()
    return len(ids)


def delete_outbox_messages(ids: Iterable[int]) -> int:
    ids = _ids(ids)
    return db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))).rowcount \
        if ids else 0


def delete_one_time_codes(ids: Iterable[int]) -> int:
    ids = _ids(ids)
    return db.session.execute(delete(OneTimeCode).where(OneTimeCode.id.in_(ids))).rowcount \
        if ids else 0


def delete_kept_answers(ids: Iterable[int]) -> int:
    ids = _ids(ids)
    return db.session.execute(delete(KeptAnswers).where(KeptAnswers.id.in_(ids))).rowcount \
        if ids else 0


def anonymise_questions(ids: Iterable[int], files: Files, now: datetime) -> int:
    ids = _ids(ids)
    if not ids:
        return 0
    for name in db.session.scalars(select(Question.video_name).where(
            Question.id.in_(ids), Question.video_name.is_not(None))):
        path = storage.path_for(name)
        if path is not None:
            files.paths.append(path)
    _mark("question", ids, now)
    return db.session.execute(
        update(Question).where(Question.id.in_(ids))
        .values(text="", answer=None, phone_encrypted=None, asker_account_id=None,
                video_name=None, video_type=None)).rowcount


def anonymise_ratings(ids: Iterable[int]) -> int:
    ids = _ids(ids)
    if not ids:
        return 0
    table = Rating.__table__
    return db.session.execute(update(table).where(table.c.id.in_(ids))
                              .values(comment=None, rater_account_id=None)).rowcount


def apply(kind: str, ids: Iterable[int], files: Files, now: datetime) -> int:
    """Delete or anonymise the rows `ids` of `kind` (in the caller's transaction)."""
    operations = {
        "draft": lambda: delete_drafts(ids, files),
        "refused_application": lambda: anonymise_applications(ids, files, now),
        "document": lambda: delete_documents(ids, files),
        "outbox_message": lambda: delete_outbox_messages(ids),
        "one_time_code": lambda: delete_one_time_codes(ids),
        "kept_answers": lambda: delete_kept_answers(ids),
        "question": lambda: anonymise_questions(ids, files, now),
        "rating": lambda: anonymise_ratings(ids),
    }
    if kind not in operations:
        raise ValueError(f"{kind!r} is kept: nothing deletes or anonymises it")
    return operations[kind]()


# Kinds in the order they are applied (documents before the applications that hold them, so
# each is counted under its own kind).
ORDER = ("draft", "kept_answers", "one_time_code", "outbox_message", "document",
         "refused_application", "question", "rating")


# ── a person's deletion request ───────────────────────────────────────────────────────────

@dataclass
class PersonErasure:
    done: dict[str, int]     # kind → rows deleted or anonymised
    kept: list[str]          # kinds the law keeps, of which this person has rows


def for_person(account, person_id: int, role: str, files: Files, now: datetime) -> PersonErasure:
    """Delete or anonymise what is the person's and no law keeps, through the same operations
    as the retention task; name the kinds kept (in the caller's transaction).

    The requester is `account`, proven to be the person ("self") or their guardian. What is
    the account's own (drafts, kept answers, codes, questions, ratings) goes when the account
    is the person; a guardian's request reaches the drafts and questions about that person."""
    own = role == "self"
    done = set(db.session.scalars(anonymised("refused_application")))
    applications = list(db.session.execute(
        select(Application.id, Application.status).where(Application.person_id == person_id)))
    application_ids = [row.id for row in applications]
    drafts = select(Draft.id).where(Draft.account_id == account.id)
    if not own:
        drafts = drafts.where(Draft.person_id == person_id)
    questions = select(Question.id).where(Question.asker_account_id == account.id,
                                          Question.id.not_in(anonymised("question")))
    if not own:
        questions = questions.where(Question.application_id.in_(application_ids))
    selections = {
        "draft": drafts,
        "kept_answers": select(KeptAnswers.id).where(KeptAnswers.account_id == account.id)
        if own else None,
        "one_time_code": select(OneTimeCode.id).where(OneTimeCode.phone == account.phone)
        if own else None,
        "question": questions,
        "rating": select(Rating.id).where(Rating.rater_account_id == account.id)
        if own else None,
    }
    done = {}
    for kind in ORDER:
        selection = selections.get(kind)
        if selection is None:
            continue
        done[kind] = apply(kind, list(db.session.scalars(selection)), files, now)

    kept = []
    closed = [row.id for row in applications if row.status in CLOSED_STATUSES
              and row.id not in done]
    if closed:
        kept.append("refused_application")
        if db.session.scalar(select(Document.id).where(
                Document.application_id.in_(closed)).limit(1)) is not None:
            kept.append("document")
    if any(row.status in (*REVIEW_STATES, "needs_info") for row in applications):
        kept.append("open_application")
    if any(row.status in ("approved", "public_notice", "paying") for row in applications):
        kept.append("approved_application")
    if db.session.scalar(select(Recipient.id).where(Recipient.person_id == person_id)
                         .limit(1)) is not None:
        kept.append("payment_record")
    texts = select(OutboxMessage.id).where(
        (OutboxMessage.recipient == account.phone) if own
        else OutboxMessage.application_id.in_(application_ids)).limit(1)
    if db.session.scalar(texts) is not None:
        kept.append("outbox_message")
    kept.append("audit_event")   # at the least, the rows of this request's own handling
    return PersonErasure(done=done, kept=kept)
