"""The one operation that moves an application through the status machine.

    apply_action(application, action_code, actor, message=None, note=None,
                 expected_version=None) -> StatusEvent

In ONE transaction it changes the status (and its deadline), adds the StatusEvent, the
AuditEvent and a text message to the applicant (OutboxMessage; its words come from
portal.messages.notifications), then commits. Anything the
caller has already put in the session (e.g. the answers of a resubmission) is committed with it.
The street check and the approval record their details (portal.applications.decisions: the visit;
the amount, its rate and first month), refused unless they keep the rules (DetailsRequired);
approval is held while a possible second claim stands unresolved (portal.applications.duplicates).
Starting payment of a programme that pays monthly cash makes the recipient record (在册,
portal.benefits.recipients.enrol) in the same transaction.

Who may act is asked of portal.applications.status_machine (roles, and per programme who owns
each stage) and portal.applications.queues (which applications a member of staff may see). A
member of staff never decides on an application they submitted, about themselves, or about a
person they are related to (portal.applications.conflicts.conflict_of, the one place for that
rule): they may look, another officer must act, and an attempt is refused and audited. The
applicant – or a family member they have granted access – acts as the role "applicant"
(resubmit, withdraw).

Two people acting at once: the Application's version column is SQLAlchemy's version_id_col,
so the second UPDATE finds no row and the whole transaction is rolled back; the form also
carries the version it was built from (`expected_version`). Either way: StaleApplication.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import access_grants, person_links
from portal.accounts.models import Account
from portal.applications import (
    conflicts,
    decisions,
    duplicates,
    queues,
    status_machine,
    working_days,
)
from portal.applications.models import Application, StatusEvent
from portal.audit import log as audit
from portal.benefits import recipients
from portal.extensions import db
from portal.messages import notifications


class ActionError(Exception):
    """Base class: the action was not taken and nothing was saved."""


class ActionNotAllowed(ActionError):
    """This actor may not take this action on this application in its present state."""


class MessageRequired(ActionError):
    """The action needs a message to the applicant (request for information, rejection)."""


class DetailsRequired(ActionError):
    """The street check and the approval of a programme that pays money record their details,
    within the rules (portal.applications.decisions); `problem` says what is wrong."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


class StaleApplication(ActionError):
    """Someone else changed the application since the actor looked at it."""


class ConflictOfInterest(ActionNotAllowed):
    """The actor is too close to the application (`reason`: submitted | self | family)."""

    def __init__(self, reference: str, reason: str):
        super().__init__(f"{reference}: {reason}")
        self.reason = reason



def refuse_conflict(actor: Account, application: Application, action_code: str,
                    reason: str) -> None:
    """Record an attempt to act despite a conflict (a forged or stale form). Commits."""
    db.session.rollback()
    audit.record(actor, "application.conflict_refused", "application", application.reference,
                 {"action": action_code, "reason": reason})
    db.session.commit()


def role_of(actor: Account, application: Application) -> str | None:
    """The role `actor` acts in on `application`, or None when they may not act on it at all."""
    if actor is None:
        return None
    if actor.is_staff:
        return actor.role if queues.can_see(actor, application) else None
    # The account that applied, or the person or guardian with a proven link, acts for the
    # applicant. A family member with an access grant may only look, never act.
    return "applicant" if access_grants.can_act(actor, application) else None


def available_actions(application: Application, actor: Account,
                      now: datetime | None = None) -> list[status_machine.Action]:
    """What `actor` may do with `application` now (for the buttons a view offers)."""
    role = role_of(actor, application)
    if role is None or conflicts.conflict_of(actor, application):
        return []
    held = application.status in status_machine.ACTIONS["approve"].sources \
        and duplicates.is_held(application)
    actions = status_machine.allowed_actions(application.status, role, application.programme,
                                             held=held)
    if application.status == "public_notice" and not notice_period_over(application, now):
        # Payment starts only when the public notice has run its full period without objection.
        actions = [a for a in actions if a.code != "start_payment"]
    return actions


def notice_period_over(application: Application, now: datetime | None = None) -> bool:
    """Has the 公示 of this application (published when it entered public_notice) ended?"""
    now = now or datetime.now(timezone.utc)
    published = application.status_changed_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return now >= published + timedelta(days=status_machine.public_notice_days())


def apply_action(application: Application, action_code: str, actor: Account,
                 message: str | None = None, note: str | None = None,
                 expected_version: int | None = None,
                 details: dict | None = None) -> StatusEvent:
    """Take the action and commit. Raises an ActionError (nothing saved) when it cannot.
    `details`: what the decision records (the street check's visit, the approval's amount and
    first month – portal.applications.decisions), required for those two."""
    if expected_version is not None and expected_version != application.version:
        raise StaleApplication(application.reference)
    reason = conflicts.conflict_of(actor, application)
    if reason:
        refuse_conflict(actor, application, action_code, reason)
        raise ConflictOfInterest(application.reference, reason)
    action = status_machine.ACTIONS.get(action_code)
    if action is None or action not in available_actions(application, actor):
        raise ActionNotAllowed(f"{action_code} on {application.reference} ({application.status})")
    message = (message or "").strip() or None
    note = (note or "").strip() or None
    if action.needs_message and not message:
        raise MessageRequired(action_code)
    if action_code in ("street_check", "approve"):
        from portal.applications.casefile import facts_for

        problem = decisions.details_problem(application, action_code, details,
                                            facts_for(application))
        if problem:
            raise DetailsRequired(problem)
    else:
        details = None

    previous = _status_before_needs_info(application) if action.target is None else None
    try:
        target = status_machine.target_of(action_code, application.status, previous)
    except status_machine.TransitionNotAllowed as error:
        raise ActionNotAllowed(str(error)) from error

    recipient = application.applicant.phone if application.applicant is not None else None
    now = datetime.now(timezone.utc)
    from_status = application.status
    try:
        application.status = target
        application.status_changed_at = now
        application.due_at = working_days.due_at_for(target, now)
        event = StatusEvent(
            application=application, from_status=from_status, to_status=target,
            actor_account_id=actor.id, message_to_applicant=message, internal_note=note,
            details=details, created_at=now,
        )
        db.session.add(event)
        if action_code == "accept":   # identity documents checked: the phone on record
            person_links.record_phone(application)
        audit.record(actor, f"application.{action_code}", "application",
                     application.reference,
                     {"from": from_status, "to": target, "version": application.version,
                      "message": bool(message), "note": bool(note),
                      **_audited_details(details)})
        if recipient:
            notifications.queue_status_change(application, from_status, target,
                                              rating_link=_rating_link(event))
        if action_code == "start_payment":   # a monthly cash benefit: the recipient (在册)
            recipients.enrol(application, actor, now)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleApplication(application.reference) from None
    except recipients.NoAmount:
        db.session.rollback()
        raise DetailsRequired("amount") from None
    return event


def _rating_link(event: StatusEvent) -> str | None:
    """A decision's text invites its rating (好差评) by a link that rates that decision only
    (portal.ratings.invitations)."""
    from portal.ratings import invitations, service_events

    if event.to_status not in service_events.DECISION_STATES:
        return None
    db.session.flush()
    found = service_events.load("decision", event.id)
    token = invitations.invite(found) if found is not None else None
    return invitations.link(token) if token else None


def _audited_details(details: dict | None) -> dict:
    """What the audit row keeps of a decision's details: the approval's amount and month."""
    if not details or details.get("kind") != "approval":
        return {}
    return {"amount": details["amount"], "rate": details["rate"],
            "first_month": details["first_month"]}


def _status_before_needs_info(application: Application) -> str | None:
    return db.session.scalar(
        select(StatusEvent.from_status)
        .where(StatusEvent.application_id == application.id,
               StatusEvent.to_status == "needs_info")
        .order_by(StatusEvent.id.desc()).limit(1))
