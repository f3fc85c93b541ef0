"""Text messages about applications and family access: who gets which, with what parameters.
Their words are in portal/messages/templates.py (the one place every text is written).

Texts
-----
Every status change queues a text message to the applicant's account and to the mobile number
given in the application's 个人信息 ("用于接收办理进度的短信" – often a family member's), once
per number, in the language of the application (Application.locale). It names the programme
and the reference and says what happened, what to do and by when. Nothing else: never the
person's name, ID number or address, and never the staff's own words – those can be about
health, money or family, and a text is read on a lock screen, by whoever holds the phone (the
applicant reads them signed in, and the staff form says so). Only the number typed for this
application gets its texts: never a number from another application. The SMS backend adds the
registered sender signature.

    status_change_message(application, from_status, to_status) -> OutboxMessage  (not added)
    queue_status_change(application, from_status, to_status)   -> added to the session
    queue_access_granted(grant, granter) / queue_access_revoked(grant, granter)
    queue_person_linked(person) / queue_filed_in_name(application)   – to the phone on record
    queue_follow_up_done(account, outcome, link)   – a 差评's follow-up is done (portal.ratings)
    queue_question_answered(phone, locale, link)   – a written question is answered

A decision's text carries a link to rate it (portal.ratings.invitations: a token that rates
that one decision and shows nothing of the person); so does the text that a 差评's follow-up
is done. Neither text carries the staff's words – only the outcome's label.

Queued messages are added to the caller's transaction: a status change and its message are
saved together or not at all, and nothing is sent before the change is committed: the commit
queues the task that sends them (portal/tasks/after_commit.py).

Sending: portal/messages/outbox.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app, has_request_context, request
from sqlalchemy import select

from portal.accounts.models import AccessGrant, Account
from portal.applications import answers as stored
from portal.applications import status_machine
from portal.applications.models import Application
from portal.database.columns import aware
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import outbox, templates
from portal.messages.models import OutboxMessage
from portal.people import phone_numbers
from portal.people.models import Person


def queue_data_request_decided(account: Account, outcome: str) -> OutboxMessage:
    """Tell the person who asked (their account's number) that their request to correct or
    delete their data is decided (portal.retention.requests): the outcome only – the staff's
    reason and what was kept are on the person's page, never in a text."""
    message = outbox.compose(account.phone, f"account.data_request_{outcome}", {},
                             locale=_locale_of(account))
    db.session.add(message)
    return message


def portal_link(path: str) -> str:
    """The whole address of `path` for a text message: PORTAL_URL, or the address of the
    request that queues the text."""
    base = current_app.config.get("PORTAL_URL")
    if not base and has_request_context():
        base = request.host_url
    return (base or "").rstrip("/") + path


# ── what the texts say ────────────────────────────────────────────────────────────────────

def _day(moment: datetime | None) -> str | None:
    """A day as a template parameter (its words come later, in the message's language)."""
    return None if moment is None else aware(moment).isoformat()


def status_text_key(application: Application, from_status: str | None, to_status: str) -> str:
    if from_status == "needs_info" and to_status in status_machine.REVIEW_STATES:
        return "resubmitted"
    if to_status == "approved" and application.programme in \
            status_machine.PUBLIC_NOTICE_PROGRAMMES:
        return "approved_with_notice"
    return to_status if to_status in templates.STATUS_TEXTS else "other"


def status_template(application: Application, from_status: str | None, to_status: str,
                    rating_link: str | None = None) -> tuple[str, dict]:
    """The template (kind, params) for a change of `application` to `to_status`. Reads the
    deadline from the application as it is now."""
    key = status_text_key(application, from_status, to_status)
    due = _day(application.due_at)
    if "due" in templates.STATUS_TEXTS[key][1] and due is None:
        key = "other"
    wanted = templates.STATUS_TEXTS[key][1]
    values = {"programme": application.programme, "ref": application.reference,
              "status": to_status, "due": due}
    if "until" in wanted:
        changed = application.status_changed_at or datetime.now(timezone.utc)
        days = timedelta(days=status_machine.public_notice_days())
        values["until"] = _day(aware(changed) + days)
    params = {name: values[name] for name in wanted}
    kind = f"status.{key}"
    if rating_link and f"{kind}.rate" in templates.TEMPLATES:
        kind, params["link"] = f"{kind}.rate", rating_link
    return kind, params


def status_text(application: Application, from_status: str | None, to_status: str,
                locale: str | None = None) -> str:
    """The text message for a change of `application` to `to_status`, in `locale` (default:
    the application's language)."""
    kind, params = status_template(application, from_status, to_status)
    return templates.render(kind, params, locale or application.locale or DEFAULT_LOCALE)


def _recipient(application: Application) -> str | None:
    account = application.applicant or db.session.get(Account, application.applicant_account_id)
    return account.phone if account is not None else None


def recipients(application: Application) -> list[str]:
    """Who gets the status texts: the applicant's account, and the number given in the
    application's 个人信息 for them – each number once. A village worker who applied
    (an intermediary) is texted only besides the person (their phone on record or the number
    given), and only while the person's consent lets them follow it (portal.accounts.consents)."""
    numbers = []
    given = stored.read(application).personal.phone
    applicant = application.applicant or db.session.get(Account, application.applicant_account_id)
    first = _recipient(application)
    if applicant is not None and applicant.is_intermediary:
        from portal.accounts import consent_rules

        person = application.person or db.session.get(Person, application.person_id)
        person_numbers = [n for n in (person.phone if person else None, given)
                          if n and n != applicant.phone]
        first = applicant.phone if person_numbers and consent_rules.may_see_application(
            applicant, application) else None
        given = None
        for number in person_numbers:
            if number not in numbers:
                numbers.append(number)
    for number in (first, given):
        if not number:
            continue
        try:
            number = phone_numbers.normalise(number)
        except ValueError:
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers


def status_change_messages(application: Application, from_status: str | None,
                           to_status: str, rating_link: str | None = None
                           ) -> list[OutboxMessage]:
    """The outbox messages for a status change (not yet added), one per recipient; with
    `rating_link`, the invitation to rate it at the end."""
    locale = application.locale or DEFAULT_LOCALE
    kind, params = status_template(application, from_status, to_status, rating_link)
    return [outbox.compose(number, kind, params, locale=locale, application_id=application.id)
            for number in recipients(application)]


def status_change_message(application: Application, from_status: str | None,
                          to_status: str) -> OutboxMessage | None:
    """The applicant's own outbox message for a status change (not yet added), or None."""
    messages = status_change_messages(application, from_status, to_status)
    return messages[0] if messages else None


def queue_status_change(application: Application, from_status: str | None,
                        to_status: str, rating_link: str | None = None) -> OutboxMessage | None:
    """Add the messages for a status change to the caller's transaction; returns the first
    (the applicant's)."""
    messages = status_change_messages(application, from_status, to_status, rating_link)
    db.session.add_all(messages)
    return messages[0] if messages else None


def queue_benefit_text(application: Application, key: str, **values) -> list[OutboxMessage]:
    """Add a text about the recipient's payment (BENEFIT_TEXTS[key]) to every number that gets
    the application's status texts, in the application's language. `values`: month (a date,
    the first of a month), date (a day) or change_ref (a change request's reference)."""
    params = {"programme": application.programme, "ref": application.reference}
    if "month" in values:
        month = values["month"]
        params["month"] = month if isinstance(month, str) else month.strftime("%Y-%m")
    if "date" in values:
        params["date"] = values["date"].isoformat()
    if "change_ref" in values:
        params["change"] = values["change_ref"]
    kind = f"benefit.{key}"
    wanted = templates.get(kind).params
    messages = [outbox.compose(number, kind, {k: v for k, v in params.items() if k in wanted},
                               locale=application.locale or DEFAULT_LOCALE,
                               application_id=application.id)
                for number in recipients(application)]
    db.session.add_all(messages)
    return messages


def _tail(phone: str) -> str:
    return phone[-4:]


def _locale_of(account: Account, fallback: str | None = None) -> str:
    return account.preferred_locale or fallback or DEFAULT_LOCALE


def _queue(recipient: str, key: str, locale: str, **values) -> OutboxMessage:
    message = outbox.compose(recipient, f"access.{key}", values, locale=locale)
    db.session.add(message)
    return message


def _locale_of_phone(phone: str) -> str:
    """The language of the resident's account registered with `phone`, if any."""
    account = db.session.scalar(select(Account).where(Account.phone == phone))
    return _locale_of(account) if account is not None else DEFAULT_LOCALE


def queue_access_granted(grant: AccessGrant, granter: Account,
                         locale: str | None = None) -> None:
    """Tell both sides that `granter` let the holder of the grant's number see a family
    member's applications (the number gets the text whether or not it is registered)."""
    _queue(grant.grantee_phone, "granted_to_grantee", _locale_of_phone(grant.grantee_phone),
           tail=_tail(granter.phone))
    _queue(granter.phone, "granted_to_granter", _locale_of(granter, locale),
           tail=_tail(grant.grantee_phone))


def queue_access_revoked(grant: AccessGrant, granter: Account,
                         locale: str | None = None) -> None:
    """Tell both sides that the access has ended (whoever ended it)."""
    _queue(grant.grantee_phone, "revoked_to_grantee", _locale_of_phone(grant.grantee_phone))
    _queue(granter.phone, "revoked_to_granter", _locale_of(granter, locale),
           tail=_tail(grant.grantee_phone))


def queue_person_linked(person: Person, locale: str | None = None) -> None:
    """Tell the person, on their phone on record, that an account was linked to them."""
    if person.phone:
        _queue(person.phone, "person_linked", locale or DEFAULT_LOCALE)


def queue_person_unlinked(account: Account) -> None:
    """Tell an account holder that staff ended their link to a person."""
    _queue(account.phone, "unlinked", _locale_of(account))


def queue_filed_in_name(application: Application) -> OutboxMessage | None:
    """Tell the person, on their phone on record, that an application was filed in their name
    – unless it was filed from that very number (it gets the submission text anyway). The
    phone on record is the person's (set when staff accept an application), or else the number
    given in the person's latest other application that staff accepted and that is still
    handled, approved, in public notice or being paid (one accepted before the phone on record
    was kept): a second claim against such an application is exactly what the person must hear
    of."""
    person = application.person or db.session.get(Person, application.person_id)
    if person is None:
        return None
    phone = person.phone or _accepted_phone(application)
    if not phone or phone == _recipient(application):
        return None
    return _queue(phone, "filed_in_name", application.locale or DEFAULT_LOCALE,
                  ref=application.reference)


# The states of an application that staff accepted (受理 checked the identity documents).
ACCEPTED_STATES = tuple(s for s in status_machine.CLAIM_STATES if s != "submitted")


def _accepted_phone(application: Application) -> str | None:
    """The mobile number of the person's latest other application that staff accepted."""
    for other in db.session.scalars(
            select(Application).where(Application.person_id == application.person_id,
                                      Application.id != application.id,
                                      Application.status.in_(ACCEPTED_STATES))
            .order_by(Application.id.desc()).limit(5)):
        if other.status == "needs_info" and _never_accepted(other):
            continue
        phone = stored.read(other).personal.phone
        if phone:
            return phone
    return None


def _never_accepted(application: Application) -> bool:
    """An application asked for more information before staff accepted it."""
    from portal.applications.models import StatusEvent

    return db.session.scalar(select(StatusEvent.id).where(
        StatusEvent.application_id == application.id,
        StatusEvent.to_status == "accepted").limit(1)) is None


def queue_follow_up_done(account: Account, outcome: str, link: str | None) -> OutboxMessage:
    """Tell the rater that their 差评 was followed up: the outcome's label and the link to rate
    the follow-up (portal.ratings.follow_ups)."""
    params = {"outcome": outcome, "link": link} if link else {"outcome": outcome}
    kind = "feedback.follow_up_done" if link else "feedback.follow_up_done_no_link"
    message = outbox.compose(account.phone, kind, params, locale=_locale_of(account))
    db.session.add(message)
    return message


def queue_question_answered(phone: str, locale: str | None, link: str) -> OutboxMessage:
    """Tell whoever asked (the number they gave) that the answer is on the portal, by its
    private link – never the question or the answer themselves."""
    message = outbox.compose(phone, "feedback.question_answered", {"link": link},
                             locale=locale or DEFAULT_LOCALE)
    db.session.add(message)
    return message


WORKER_NAME_MAX = 20      # a name in a text (the template variable allows 35)


def queue_consent_started(person: Person | None, consent) -> OutboxMessage | None:
    """Tell the person, on their phone on record, that a consent to a village worker began
    (portal.accounts.consents): the worker's name and the consent's last day."""
    if person is None or not person.phone:
        return None
    return _queue(person.phone, "consent_started", _locale_of_phone(person.phone),
                  worker=_worker_name(consent), until=consent.until.isoformat())


def queue_consent_ended(person: Person | None, consent, worker: Account | None
                        ) -> OutboxMessage | None:
    """Tell the person (phone on record) that a consent ended; the worker too, but only when the
    person is told (never only the worker), by the consent's number – never the person's name."""
    if person is None or not person.phone:
        return None
    message = _queue(person.phone, "consent_ended", _locale_of_phone(person.phone),
                     worker=_worker_name(consent))
    if worker is not None and worker.phone != person.phone:
        _queue(worker.phone, "consent_ended_worker", _locale_of(worker),
               consent=str(consent.id))
    return message


def _worker_name(consent) -> str:
    worker = consent.worker or db.session.get(Account, consent.worker_account_id)
    return (worker.display_name or "")[:WORKER_NAME_MAX]
