"""Text messages about applications and family access – the one place their words are written.

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
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import dates
from portal.accounts.models import AccessGrant, Account
from portal.applications import answers as stored
from portal.applications import status_machine
from portal.applications.models import Application
from portal.database.columns import aware
from portal.extensions import db
from portal.labels import follow_up_outcome_label, programme_name
from portal.languages import DEFAULT_LOCALE
from portal.messages.models import OutboxMessage
from portal.people import phone_numbers
from portal.people.models import Person

# One whole message per situation. Placeholders: programme (the programme's name), ref (受理编号),
# due (a date: the end of the step's time limit in working days), until (the last day of the
# public notice), status.
STATUS_TEXTS = {
    "submitted": _l("您的“%(programme)s”申请已提交，受理编号%(ref)s。街道将在%(due)s前受理，"
                    "您现在不需要做什么。可以登录平台查看进度，咨询请拨打12385，也可以在平台上在线咨询。"),
    "accepted": _l("您的“%(programme)s”申请（受理编号%(ref)s）已受理，街道正在初审，"
                   "预计%(due)s前完成。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "street_checked": _l("您的“%(programme)s”申请（受理编号%(ref)s）已通过街道初审，已报区里审核，"
                         "预计%(due)s前完成。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "district_reviewed": _l("您的“%(programme)s”申请（受理编号%(ref)s）已通过审核，正在等待审批，"
                            "预计%(due)s前作出决定。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "needs_info": _l("您的“%(programme)s”申请（受理编号%(ref)s）需补充材料。请在%(due)s前登录平台，"
                     "在“我的申请”中查看要补充什么，补充后重新提交。咨询请拨打12385，也可以在平台上在线咨询。"),
    "approved": _l("您的“%(programme)s”申请（受理编号%(ref)s）已获批准，"
                   "预计%(due)s前开始发放或提供服务。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "approved_with_notice": _l("您的“%(programme)s”申请（受理编号%(ref)s）已获批准，"
                               "预计%(due)s前进行公示。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "public_notice": _l("您的“%(programme)s”申请（受理编号%(ref)s）已批准，正在公示，"
                        "公示到%(until)s。公示结束后开始发放，您现在不需要做什么。"
                        "咨询请拨打12385，也可以在平台上在线咨询。"),
    "paying": _l("您的“%(programme)s”申请（受理编号%(ref)s）已开始发放。请留意到账或服务安排。"
                 "咨询请拨打12385，也可以在平台上在线咨询。"),
    "rejected": _l("您的“%(programme)s”申请（受理编号%(ref)s）未获批准。原因请登录平台，"
                   "在“我的申请”中查看。如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    "withdrawn": _l("您的“%(programme)s”申请（受理编号%(ref)s）已撤回。如需再次申请，"
                    "可以登录平台重新提交。咨询请拨打12385，也可以在平台上在线咨询。"),
    "merged": _l("您的“%(programme)s”申请（受理编号%(ref)s）与申请对象的另一份同一事项的申请重复，"
                 "已并入那一份一起办理，您不需要再做什么。详情请登录平台查看，咨询请拨打12385，也可以在平台上在线咨询。"),
    "resubmitted": _l("我们已收到您补充的材料（“%(programme)s”，受理编号%(ref)s），"
                      "申请回到“%(status)s”环节，预计%(due)s前办完这一步。您现在不需要做什么。"
                      "咨询请拨打12385，也可以在平台上在线咨询。"),
    # A status without its own text, or without a deadline where its text needs one.
    "other": _l("您的“%(programme)s”申请（受理编号%(ref)s）有新进展：%(status)s。"
                "请登录平台查看详情，咨询请拨打12385，也可以在平台上在线咨询。"),
}

ACCESS_TEXTS = {
    "granted_to_grantee": _l("手机尾号%(tail)s的用户已授权您查看一位家人的申请办理进度。"
                             "请用本手机号码登录平台（还没有账户的请先注册），在“我的申请”中查看。"
                             "如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    "granted_to_granter": _l("您已授权手机尾号%(tail)s的用户查看家人的申请办理进度。"
                             "如需取消，请登录平台，在“授权家人查看”中操作。"),
    "revoked_to_grantee": _l("您查看一位家人申请办理进度的授权已取消。如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    "revoked_to_granter": _l("手机尾号%(tail)s的用户查看家人申请办理进度的授权已取消。"
                             "如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    # To the phone on record of a person: never their name, the programme or the account.
    "person_linked": _l("有一个账户已经通过验证，可以在网上办事平台查看以您名义办理的所有申请。"
                        "如果不是您本人或您的监护人办理的，请拨打12385，也可以在平台上在线咨询。"),
    "unlinked": _l("工作人员已解除您的账户与一位申请对象的关联，您的账户不能再查看这个人的所有申请了。"
                   "如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    # To the person's phone on record (portal.accounts.consents): the worker's name and
    # village, what the consent covers and until when; never the person's own details.
    "consent_started": _l("【鄠邑区残疾人服务】您已同意代办员%(worker)s（%(village)s）"
                          "帮您办理：%(scopes)s，到%(until)s为止。您可以随时结束：登录平台，或到街道办事处说一声。"
                          "如果您没有同意过，请拨打12385，也可以在平台上在线咨询。"),
    "consent_ended": _l("【鄠邑区残疾人服务】代办员%(worker)s（%(village)s）"
                        "帮您办事的同意已经结束，他不能再查看或办理您的事情了。如有疑问，请拨打12385，也可以在平台上在线咨询。"),
    "consent_ended_worker": _l("【鄠邑区残疾人服务】您代一位居民办事的同意已经结束（%(name)s）。"
                               "您不能再查看或办理这个人的事情了。"),
    "filed_in_name": _l("有人在网上办事平台以您的名义提交了一份申请（受理编号%(ref)s）。"
                        "如果您不知道这件事，请拨打12385，也可以在平台上在线咨询。"),
}

# A recipient's payment (portal.benefits.lifecycle): the programme and the reference, what
# happened, what to do. Never why (a hospital stay or an investigation is nobody's business on
# a lock screen) – except a lapsed certificate and a missed yearly review, which are what the
# person must act on.
BENEFIT_TEXTS = {
    "suspended": _l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起暂停发放。"
                    "原因和需要做什么，请登录平台在“我的申请”中查看，或拨打12385，也可以在平台上在线咨询。"),
    "suspended_certificate": _l("您的“%(programme)s”（受理编号%(ref)s）因残疾人证已过有效期，"
                                "从%(month)s起暂停发放。请尽快到区残联换领残疾人证，"
                                "换领后恢复发放并补发暂停的月份。咨询请拨打12385，也可以在平台上在线咨询。"),
    "resumed": _l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起恢复发放。"
                  "您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "resumed_back_pay": _l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起恢复发放，"
                           "暂停期间的月份将一并补发。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
    "ended": _l("“%(programme)s”（受理编号%(ref)s）发放到%(month)s为止，之后停止发放。"
                "如有疑问，请登录平台查看或拨打12385，也可以在平台上在线咨询。"),
    # The yearly review (portal.benefits.reviews): %(date)s is the window's last day.
    "review_opened": _l("“%(programme)s”（受理编号%(ref)s）今年的年审（资格复核）开始了。"
                        "请在%(date)s前登录平台，在“我的申请”中确认您的情况，只需填写有变化的内容；"
                        "也可以请街道上门核实。咨询请拨打12385，也可以在平台上在线咨询。"),
    "review_reminder": _l("提醒：“%(programme)s”（受理编号%(ref)s）的年审还没有完成。"
                          "请在%(date)s前登录平台，在“我的申请”中确认您的情况，或联系街道上门核实。"
                          "咨询请拨打12385，也可以在平台上在线咨询。"),
    "review_last_notice": _l("最后提醒：“%(programme)s”（受理编号%(ref)s）的年审"
                             "请在%(date)s前完成，逾期未完成的将暂停发放。请登录平台，在“我的申请”中确认您的情况，"
                             "或联系街道上门核实。咨询请拨打12385，也可以在平台上在线咨询。"),
    "suspended_review": _l("“%(programme)s”（受理编号%(ref)s）因未按时完成年审，"
                           "从%(month)s起暂停发放。请登录平台，在“我的申请”中完成年审，或联系街道上门核实；"
                           "完成后恢复发放，并补发暂停的月份。咨询请拨打12385，也可以在平台上在线咨询。"),
    "review_done": _l("“%(programme)s”（受理编号%(ref)s）今年的年审已完成。您现在不需要做什么。"
                      "咨询请拨打12385，也可以在平台上在线咨询。"),
    "certificate_reminder": _l("您的残疾人证将于%(date)s到期（“%(programme)s”，受理编号%(ref)s）。"
                               "请在到期前到区残联换领，以免暂停发放。咨询请拨打12385，也可以在平台上在线咨询。"),
    # A change of circumstances (portal.changes): never which change (a death, a hospital stay).
    "change_submitted": _l("您就“%(programme)s”（受理编号%(ref)s）报告的变更已提交，"
                           "变更编号%(change)s。街道工作人员将核实办理，结果会短信告诉您。"
                           "咨询请拨打12385，也可以在平台上在线咨询。"),
    "change_approved": _l("您就“%(programme)s”（受理编号%(ref)s）报告的变更（变更编号%(change)s）"
                          "已核实办理。详情请登录平台在“我的申请”中查看。咨询请拨打12385，也可以在平台上在线咨询。"),
    "change_refused": _l("您就“%(programme)s”（受理编号%(ref)s）报告的变更（变更编号%(change)s）"
                         "未能核实通过。原因请登录平台在“我的申请”中查看，或拨打12385，也可以在平台上在线咨询。"),
}


# 好差评 and 在线咨询 (portal.ratings, portal.questions). The link is the whole address.
RATING_TEXT = _l("欢迎您评价这次服务（好差评，可不评）：%(link)s")
FEEDBACK_TEXTS = {
    "follow_up_done": _l("您对平台服务的差评，工作人员已回访处理，结果是：%(outcome)s。"
                         "详情请登录平台查看。欢迎您评价这次处理：%(link)s"),
    "follow_up_done_no_link": _l("您对平台服务的差评，工作人员已回访处理，结果是：%(outcome)s。"
                                 "详情请登录平台查看。"),
    "question_answered": _l("您在网上办事平台提出的咨询已经答复，请打开以下链接查看答复："
                            "%(link)s"),
}


def portal_link(path: str) -> str:
    """The whole address of `path` for a text message: PORTAL_URL, or the address of the
    request that queues the text."""
    base = current_app.config.get("PORTAL_URL")
    if not base and has_request_context():
        base = request.host_url
    return (base or "").rstrip("/") + path


# ── what the texts say ────────────────────────────────────────────────────────────────────

def _date(moment: datetime | None) -> str | None:
    """2026年11月28日 / 28 November 2026 (the district's day, the current language)."""
    return None if moment is None else dates.date_text(aware(moment))


def status_text_key(application: Application, from_status: str | None, to_status: str) -> str:
    if from_status == "needs_info" and to_status in status_machine.REVIEW_STATES:
        return "resubmitted"
    if to_status == "approved" and application.programme in \
            status_machine.PUBLIC_NOTICE_PROGRAMMES:
        return "approved_with_notice"
    return to_status if to_status in STATUS_TEXTS else "other"


def status_text(application: Application, from_status: str | None, to_status: str,
                locale: str | None = None) -> str:
    """The text message for a change of `application` to `to_status`, in `locale` (default:
    the application's language). Reads the deadline from the application as it is now."""
    key = status_text_key(application, from_status, to_status)
    with force_locale(locale or application.locale or DEFAULT_LOCALE):
        values = {
            "programme": programme_name(application.programme),
            "ref": application.reference,
            "status": str(status_machine.STATUSES[to_status].label)
            if to_status in status_machine.STATUSES else to_status,
            "due": _date(application.due_at),
        }
        if key == "public_notice":
            changed = application.status_changed_at or datetime.now(timezone.utc)
            values["until"] = _date(aware(changed) + timedelta(
                days=status_machine.public_notice_days()))
        text = str(STATUS_TEXTS[key])
        if "%(due)s" in text and values["due"] is None:
            text = str(STATUS_TEXTS["other"])
        return text % values


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
    body = status_text(application, from_status, to_status, locale)
    if rating_link:
        with force_locale(locale):
            body += str(RATING_TEXT) % {"link": rating_link}
    return [OutboxMessage(channel="sms", recipient=number, locale=locale, body=body,
                          application_id=application.id)
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
    locale = application.locale or DEFAULT_LOCALE
    with force_locale(locale):
        words = {"programme": programme_name(application.programme),
                 "ref": application.reference}
        if "month" in values:
            words["month"] = dates.month_label(values["month"])
        if "date" in values:
            words["date"] = dates.date_text(values["date"])
        if "change_ref" in values:
            words["change"] = values["change_ref"]
        body = str(BENEFIT_TEXTS[key]) % words
    messages = [OutboxMessage(channel="sms", recipient=number, locale=locale, body=body,
                              application_id=application.id)
                for number in recipients(application)]
    db.session.add_all(messages)
    return messages


def _tail(phone: str) -> str:
    return phone[-4:]


def _locale_of(account: Account, fallback: str | None = None) -> str:
    return account.preferred_locale or fallback or DEFAULT_LOCALE


def _queue(recipient: str, key: str, locale: str, **values) -> OutboxMessage:
    with force_locale(locale):
        body = str(ACCESS_TEXTS[key]) % values
    message = OutboxMessage(channel="sms", recipient=recipient, locale=locale, body=body)
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
    locale = _locale_of(account)
    with force_locale(locale):
        key = "follow_up_done" if link else "follow_up_done_no_link"
        body = str(FEEDBACK_TEXTS[key]) % {"outcome": follow_up_outcome_label(outcome),
                                           "link": link}
    message = OutboxMessage(channel="sms", recipient=account.phone, locale=locale, body=body)
    db.session.add(message)
    return message


def queue_question_answered(phone: str, locale: str | None, link: str) -> OutboxMessage:
    """Tell whoever asked (the number they gave) that the answer is on the portal, by its
    private link – never the question or the answer themselves."""
    locale = locale or DEFAULT_LOCALE
    with force_locale(locale):
        body = str(FEEDBACK_TEXTS["question_answered"]) % {"link": link}
    message = OutboxMessage(channel="sms", recipient=phone, locale=locale, body=body)
    db.session.add(message)
    return message


def queue_consent_started(person: Person | None, values: dict) -> OutboxMessage | None:
    """Tell the person, on their phone on record, that a consent to a village worker began
    (portal.accounts.consents: `values` – worker, village, scopes, until)."""
    if person is None or not person.phone:
        return None
    return _queue(person.phone, "consent_started", _locale_of_phone(person.phone), **values)


def queue_consent_ended(person: Person | None, values: dict, worker: Account,
                        name: str) -> OutboxMessage | None:
    """Tell the person (phone on record) that a consent ended; the worker too, but only when the
    person is told (never only the worker). `name`: the person's name as the worker typed it."""
    if person is None or not person.phone:
        return None
    message = _queue(person.phone, "consent_ended", _locale_of_phone(person.phone), **values)
    if worker is not None and worker.phone != person.phone:
        _queue(worker.phone, "consent_ended_worker", _locale_of(worker), name=name)
    return message
