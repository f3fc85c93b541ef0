"""Service events: the finished steps a person experienced and may rate (一事一评).

A rating refers to its service event by (kind, id). Each kind is one line of KINDS: its code
and two functions – `load(id)` gives the ServiceEvent (or None: no such event, or not
finished), `of_application(application)` the application's events of that kind for its status
page (None when the kind belongs to no application): decisions, answered 补正, follow-ups,
questions, changes of circumstances decided (portal.changes) and yearly reviews done
(portal.benefits.reviews). A new kind is one line here, a label in
portal.labels.SERVICE_EVENTS – and, for a link in its text, a call to
portal.ratings.invitations.invite() where the text is queued.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timezone

from sqlalchemy import select

from portal.accounts import access_grants
from portal.accounts.models import Account
from portal.applications import status_machine
from portal.applications.models import Application, StatusEvent
from portal.benefits.models import Recipient, Review
from portal.changes.models import ChangeRequest
from portal.database.columns import aware
from portal.extensions import db
from portal.questions.models import Question
from portal.ratings.models import FollowUp

DECISION_STATES = ("approved", "rejected")


@dataclass(frozen=True)
class ServiceEvent:
    kind: str
    id: int
    programme: str | None
    office_role: str            # the role of the office that handled the step
    street: str | None          # its street, for a street office
    occurred_at: datetime
    application: Application | None = None
    rater_account_id: int | None = None   # who may rate an event of no application

    def may_rate(self, account: Account | None) -> bool:
        """The owner, the person or their guardian (proven link) – whoever may act on the
        application; for other events the one account they belong to."""
        if account is None or getattr(account, "is_staff", False):
            return False
        if self.application is not None:
            return access_grants.can_act(account, self.application)
        return self.rater_account_id is not None and account.id == self.rater_account_id

    @property
    def invitee_account_id(self) -> int | None:
        """Who the text's link is meant for (the account the text goes to)."""
        if self.application is not None:
            return self.application.applicant_account_id
        return self.rater_account_id


@dataclass(frozen=True)
class Kind:
    code: str
    load: Callable[[int], ServiceEvent | None]
    of_application: Callable[[Application], list[ServiceEvent]] | None = None


def _actor_role(account_id: int | None) -> str:
    actor = db.session.get(Account, account_id) if account_id else None
    return actor.role if actor is not None and actor.is_staff else "district_reviewer"


def _application_event(kind: str, event: StatusEvent, acted_by: int | None) -> ServiceEvent:
    application = event.application
    role = _actor_role(acted_by)
    return ServiceEvent(kind, event.id, application.programme, role,
                        application.street if role == "street_officer" else None,
                        aware(event.created_at), application)


def _decision(event_id: int) -> ServiceEvent | None:
    event = db.session.get(StatusEvent, event_id)
    if event is None or event.to_status not in DECISION_STATES:
        return None
    return _application_event("decision", event, event.actor_account_id)


def _decisions_of(application: Application) -> list[ServiceEvent]:
    return [_application_event("decision", e, e.actor_account_id) for e in application.events
            if e.to_status in DECISION_STATES]


def _is_answered_request(event: StatusEvent) -> bool:
    return event.from_status == "needs_info" and event.to_status in status_machine.REVIEW_STATES


def _requester(event: StatusEvent) -> int | None:
    """Who asked for what this resubmission answered: the latest move to needs_info before it."""
    return db.session.scalar(
        select(StatusEvent.actor_account_id)
        .where(StatusEvent.application_id == event.application_id,
               StatusEvent.to_status == "needs_info", StatusEvent.id < event.id)
        .order_by(StatusEvent.id.desc()).limit(1))


def _answered_request(event_id: int) -> ServiceEvent | None:
    event = db.session.get(StatusEvent, event_id)
    if event is None or not _is_answered_request(event):
        return None
    return _application_event("information_request", event, _requester(event))


def _answered_requests_of(application: Application) -> list[ServiceEvent]:
    return [_application_event("information_request", e, _requester(e))
            for e in application.events if _is_answered_request(e)]


def _follow_up(follow_up_id: int) -> ServiceEvent | None:
    found = db.session.get(FollowUp, follow_up_id)
    if found is None or found.closed_at is None:
        return None
    return ServiceEvent("follow_up", found.id, found.programme, found.office_role, found.street,
                        aware(found.closed_at), rater_account_id=found.rater_account_id)


def _question(question_id: int) -> ServiceEvent | None:
    question = db.session.get(Question, question_id)
    if question is None or question.answered_at is None:
        return None
    return ServiceEvent("question", question.id, question.programme,
                        question.answered_by_role or "district_reviewer",
                        question.street if question.answered_by_role == "street_officer"
                        else None, aware(question.answered_at),
                        rater_account_id=question.asker_account_id)


def _change_event(request: ChangeRequest) -> ServiceEvent:
    recipient = db.session.get(Recipient, request.recipient_id)
    role = _actor_role(request.decided_by_account_id)
    return ServiceEvent("change", request.id, recipient.programme, role,
                        recipient.street if role == "street_officer" else None,
                        aware(request.decided_at), recipient.application)


def _change(request_id: int) -> ServiceEvent | None:
    """A change of circumstances decided (approved or refused; portal.changes)."""
    request = db.session.get(ChangeRequest, request_id)
    if request is None or request.decided_at is None:
        return None
    return _change_event(request)


def _changes_of(application: Application) -> list[ServiceEvent]:
    return [_change_event(request) for request in db.session.scalars(
        select(ChangeRequest).join(Recipient, Recipient.id == ChangeRequest.recipient_id)
        .where(Recipient.application_id == application.id,
               ChangeRequest.decided_at.is_not(None)).order_by(ChangeRequest.id))]


def _review_event(review: Review) -> ServiceEvent:
    """A yearly review done – online or on a visit; the office is the recipient's street (its
    officer runs the reviews: portal.benefits.reviews)."""
    recipient = db.session.get(Recipient, review.recipient_id)
    done = datetime.combine(review.completed_on, time(12), tzinfo=timezone.utc)
    return ServiceEvent("review", review.id, recipient.programme, "street_officer",
                        recipient.street, done, recipient.application)


def _review(review_id: int) -> ServiceEvent | None:
    review = db.session.get(Review, review_id)
    if review is None or review.status != "done" or review.completed_on is None:
        return None
    return _review_event(review)


def _reviews_of(application: Application) -> list[ServiceEvent]:
    return [_review_event(review) for review in db.session.scalars(
        select(Review).join(Recipient, Recipient.id == Review.recipient_id)
        .where(Recipient.application_id == application.id, Review.status == "done",
               Review.completed_on.is_not(None)).order_by(Review.id))]


KINDS = {k.code: k for k in (
    Kind("decision", _decision, _decisions_of),
    Kind("information_request", _answered_request, _answered_requests_of),
    Kind("follow_up", _follow_up),
    Kind("question", _question),
    Kind("change", _change, _changes_of),
    Kind("review", _review, _reviews_of),
)}


def load(kind: str, event_id: int) -> ServiceEvent | None:
    found = KINDS.get(kind)
    return found.load(event_id) if found is not None else None


def of_application(application: Application) -> list[ServiceEvent]:
    """Every finished step of `application` a person may rate, oldest first."""
    events = []
    for kind in KINDS.values():
        if kind.of_application is not None:
            events.extend(kind.of_application(application))
    return sorted(events, key=lambda e: e.occurred_at)
