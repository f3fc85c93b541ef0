"""在线咨询: asking in writing, the staff's queue, answering (on the portal and by text), and
publishing a frequent question on its programme's guide.

Who asks: anyone. A question about an application is asked signed in, about an application the
account may see (portal.accounts.access_grants – the caller finds it so); it is then visible to
the asker and to the staff who may see that application (portal.applications.queues.can_see),
nobody else. Every question has a private link (a random token, kept as its digest and, sealed,
for the answer's text): the way back for whoever asked without signing in.

Whose queue: a question about an application – the staff who may see the application (its
street's officers first: "per street"); about a programme – 区残联's reviewers, and 区民政's for
两项补贴 ("per programme"); about the portal's accessibility or anything else – 区残联's reviewers
and the content editors. Answered within QUESTION_ANSWER_WORKING_DAYS working days.

A sign-language video may come with the question: checked like every video
(portal.content.media.validation: the type from its first bytes, the size limit
QUESTION_VIDEO_MAX_BYTES), stored under a random name (portal.content.media.storage), served
only to the staff who may see the question. Answers are written.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import ColumnElement, false, select, true

from portal import eligibility
from portal.accounts.models import Account
from portal.applications import queues, status_machine, working_days
from portal.applications.models import Application
from portal.audit import log as audit
from portal.content.media import storage, validation
from portal.extensions import db
from portal.labels import QUESTION_TOPICS
from portal.languages import DEFAULT_LOCALE
from portal.messages import notifications
from portal.people import crypto, phone_numbers
from portal.questions.models import Question

MAX_TEXT = 2000
PATH = "/ask/q/"            # the private link's route (portal/ask/routes.py)
GENERAL_TOPICS = ("accessibility", "other")


class QuestionRefused(Exception):
    """Nothing saved. `reason`: text, topic, programme, application, phone, video (with the
    video check's own words in `message`)."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Asked:
    question: Question
    token: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ask(*, about: str, text: str, programme: str | None = None,
        application: Application | None = None, account: Account | None = None,
        phone: str | None = None, video=None, locale: str | None = None,
        now: datetime | None = None) -> Asked:
    """Keep a question (commits). `application`: one `account` may see (the caller found it
    through access_grants); `video`: a file-like upload or None. Raises QuestionRefused."""
    now = now or datetime.now(timezone.utc)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise QuestionRefused("text")
    if about not in QUESTION_TOPICS:
        raise QuestionRefused("topic")
    if about == "application":
        if application is None or account is None:
            raise QuestionRefused("application")
        programme = application.programme
    else:
        application = None
    if programme is not None:
        try:
            eligibility.programme(programme)
        except KeyError:
            raise QuestionRefused("programme") from None
    if about == "programme" and programme is None:
        raise QuestionRefused("programme")
    if phone:
        try:
            phone = phone_numbers.normalise(phone)
        except ValueError:
            raise QuestionRefused("phone") from None
    video_name = video_type = None
    if video is not None:
        stream = getattr(video, "stream", video)
        try:
            video_type = validation.check_video(
                stream, int(current_app.config["QUESTION_VIDEO_MAX_BYTES"]))
        except validation.MediaProblem as problem:
            raise QuestionRefused("video", problem.message) from None
        video_name = storage.save(stream, validation.VIDEO_TYPES[video_type])
    token = secrets.token_urlsafe(16)
    question = Question(
        token_hash=digest(token), token_sealed=crypto.encrypt(token),
        asker_account_id=account.id if account is not None else None, about=about,
        programme=programme, application_id=application.id if application else None,
        street=application.street if application else None, text=text,
        phone_encrypted=crypto.encrypt(phone) if phone else None,
        locale=locale or DEFAULT_LOCALE, video_name=video_name, video_type=video_type,
        created_at=now, due_at=working_days.deadline(
            now, int(current_app.config["QUESTION_ANSWER_WORKING_DAYS"])),
        published=False)
    db.session.add(question)
    db.session.commit()
    return Asked(question, token)


def by_token(token: str) -> Question | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Question).where(Question.token_hash == digest(token)))


def of_account(account: Account) -> list[Question]:
    return list(db.session.scalars(select(Question).where(
        Question.asker_account_id == account.id).order_by(Question.id.desc()).limit(200)))


def link(question: Question) -> str:
    """The private link's whole address, for the answer's text."""
    return notifications.portal_link(PATH + crypto.decrypt(question.token_sealed))


# ── the staff's queue ─────────────────────────────────────────────────────────────────────

def visible(actor: Account) -> ColumnElement[bool]:
    role = getattr(actor, "role", None)
    if role == "street_officer":
        return (Question.application_id.is_not(None) & (Question.street == actor.street)) \
            if actor.street else false()
    if role == "district_reviewer":
        return true()
    if role == "civil_affairs":
        return Question.programme.in_(status_machine.TWO_SUBSIDIES)
    if role == "content_editor":
        return Question.application_id.is_(None)
    return false()


def can_see(actor: Account, question: Question) -> bool:
    if not db.session.scalar(select(Question.id).where(Question.id == question.id,
                                                       visible(actor))):
        return False
    if question.application_id is not None:    # and the application itself, by the same rule
        return queues.can_see(actor, db.session.get(Application, question.application_id))
    return True


def find_for_staff(actor: Account, question_id: int) -> Question | None:
    question = db.session.get(Question, question_id)
    return question if question is not None and can_see(actor, question) else None


def queue(actor: Account, answered: bool = False) -> list[Question]:
    query = select(Question).where(visible(actor))
    if answered:
        query = query.where(Question.answered_at.is_not(None)).order_by(
            Question.answered_at.desc())
    else:
        query = query.where(Question.answered_at.is_(None)).order_by(Question.due_at,
                                                                      Question.id)
    return [q for q in db.session.scalars(query.limit(500)) if can_see(actor, q)]


def application_of(question: Question) -> Application | None:
    return db.session.get(Application, question.application_id) \
        if question.application_id is not None else None


def viewed(actor: Account, question: Question) -> None:
    audit.record(actor, "question.view", "question", str(question.id))
    db.session.commit()


def phone_of(question: Question) -> str | None:
    return crypto.decrypt(question.phone_encrypted) if question.phone_encrypted else None


def answer(question: Question, actor: Account, text: str,
           now: datetime | None = None) -> Question:
    """Answer in writing (commits); by text too when a number was given – the text says only
    that there is an answer, with the private link. Raises QuestionRefused."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise QuestionRefused("text")
    if question.answered_at is not None:
        raise QuestionRefused("answered")
    question.answer = text
    question.answered_at = now or datetime.now(timezone.utc)
    question.answered_by_account_id = actor.id
    question.answered_by_role = actor.role
    audit.record(actor, "question.answer", "question", str(question.id),
                 {"text_sent": bool(question.phone_encrypted)})
    phone = phone_of(question)
    if phone:
        notifications.queue_question_answered(phone, question.locale, link(question))
    db.session.commit()
    return question


# ── frequent questions on the guides ──────────────────────────────────────────────────────

def publish(question: Question, editor: Account, asked: str, answered: str) -> Question:
    """Publish an answered question on its programme's guide, in the editor's words (nothing
    of the asker). Commits. Raises QuestionRefused."""
    asked, answered = (asked or "").strip(), (answered or "").strip()
    if question.answered_at is None or question.programme is None:
        raise QuestionRefused("not_publishable")
    if not asked or not answered or len(asked) > MAX_TEXT or len(answered) > MAX_TEXT:
        raise QuestionRefused("text")
    question.published = True
    question.published_question = asked
    question.published_answer = answered
    audit.record(editor, "question.publish", "question", str(question.id))
    db.session.commit()
    return question


def publishable(limit: int = 200) -> list[Question]:
    """Answered questions about a programme (never one about an application: those are the
    asker's and the responsible staff's only), for the content editor."""
    return list(db.session.scalars(select(Question).where(
        Question.answered_at.is_not(None), Question.programme.is_not(None),
        Question.about == "programme")
        .order_by(Question.published, Question.answered_at.desc()).limit(limit)))


def published_for(programme: str) -> list[Question]:
    return list(db.session.scalars(select(Question).where(
        Question.programme == programme, Question.published.is_(True))
        .order_by(Question.id)))
