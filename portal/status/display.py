"""How an application reads to the applicant: the timeline in plain words, the next step and
its deadline, the names of its documents.

The timeline shows every StatusEvent: its date, what happened and the message to the applicant
(or, for a resubmission, the applicant's answer and the documents sent with it). It never shows
an internal note.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import dates
from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import (
    information_requests,
    status_machine,
    working_days,
)
from portal.applications.models import Application, Document, StatusEvent
from portal.apply import programmes
from portal.extensions import db
from portal.labels import status_label
from portal.web.i18n import own_language

STAFF, APPLICANT = "staff", "applicant"


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str                         # what happened, one short sentence
    message: str | None = None        # the words shown with it
    said_by: str | None = None        # STAFF (to the applicant) | APPLICANT (their answer)
    documents: list[Document] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)   # e.g. the amount approved


def _what(event: StatusEvent) -> str:
    kind = (event.details or {}).get("kind")
    if kind == "merged_in":
        return _("工作人员核实后，把同一申请对象同一事项的另一份申请并入了这份申请，一起办理。")
    if kind == "duplicate" and event.to_status == "merged":
        return _("这份申请已并入申请对象的另一份同一事项的申请。")
    if event.from_status is None and event.to_status == "submitted":
        return _("提交了申请。")
    if event.to_status == "needs_info":
        return _("工作人员请申请人补充材料。")
    if event.from_status == "needs_info" and event.to_status in status_machine.REVIEW_STATES:
        return _("申请人补充了材料，申请已重新提交。")
    if event.to_status == "withdrawn":
        return _("申请人撤回了申请。")
    return _("办理状态变为“%(status)s”。", status=status_label(event.to_status))


def timeline(application: Application, with_messages: bool = True) -> list[Entry]:
    """Every status event, oldest first. `with_messages` False: dates and what happened only
    (for the family look-up, where free text cannot be masked)."""
    rows = db.session.execute(
        select(StatusEvent, Account)
        .outerjoin(Account, Account.id == StatusEvent.actor_account_id)
        .where(StatusEvent.application_id == application.id)
        .order_by(StatusEvent.id)).all()
    answered = information_requests.answered_documents(application) if with_messages else {}
    entries = []
    for event, actor in rows:
        by_staff = actor is None or actor.is_staff
        entry = Entry(event.created_at, _what(event))
        if with_messages:
            answer = event.from_status == "needs_info" and not by_staff
            entry = Entry(event.created_at, entry.what, event.message_to_applicant,
                          APPLICANT if answer else STAFF if event.message_to_applicant else None,
                          answered.get(event.id, []),
                          decision_rows(event.details))
        entries.append(entry)
    return entries


def typed_text(text) -> str:
    """Free text someone typed, marked with its own language (it may not be the page's)."""
    return own_language(str(text or ""))


def bilingual(value, locale: str) -> str:
    """A stored {zh, en} pair (or {"typed": …}) in the page's language."""
    if isinstance(value, dict):
        if "typed" in value:
            return typed_text(value["typed"])
        return value.get("en" if locale.startswith("en") else "zh") or value.get("zh") or ""
    return str(value or "")


def decision_rows(details: dict | None) -> list[tuple[str, str]]:
    """(label, value) rows of what a decision recorded that the resident sees, in the page's
    language: the approval's rate, amount, first month and its source. Staff see more
    (portal.staff.case_view.decision_rows)."""
    if not details or details.get("kind") != "approval":
        return []
    locale = str(get_locale())
    amount = f"{details.get('amount')} {bilingual(details.get('unit'), locale)}"
    return [(_("发放标准"), bilingual(details.get("rate_label"), locale)),
            (_("发放金额"), amount),
            (_("从哪个月开始发放"), dates.month_label(details.get("first_month"))),
            (_("标准的依据"), bilingual(details.get("source"), locale))]


# ── the next step ─────────────────────────────────────────────────────────────────────────

NEXT_STEPS = {
    "submitted": _l("街道会先受理您的申请。您现在不需要做什么。"),
    "accepted": _l("街道正在初审。您现在不需要做什么。"),
    "street_checked": _l("区残联正在审核。您现在不需要做什么。"),
    "district_reviewed": _l("正在等待审批。您现在不需要做什么。"),
    "needs_info": _l("请按工作人员的要求补充材料，然后重新提交。"),
    "approved": _l("申请已批准，接下来进行公示或开始发放。您现在不需要做什么。"),
    "public_notice": _l("公示结束后开始发放。您现在不需要做什么。"),
    "paying": _l("补贴或服务正在发放，您不需要再做什么。"),
    "rejected": _l("申请已办结。如果对结果有疑问，请拨打12385咨询。"),
    "withdrawn": _l("申请已撤回。如果需要，您可以重新申请。"),
    "merged": _l("这份申请已并入申请对象的另一份同一事项的申请，您不需要再做什么。如有疑问，请拨打12385。"),
}


@dataclass(frozen=True)
class NextStep:
    text: str
    due: working_days.TimeLeft | None   # the deadline of this step, in working days
    yours: bool                          # the applicant has to do something


def next_step(application: Application) -> NextStep:
    text = NEXT_STEPS.get(application.status, "")
    return NextStep(str(text), working_days.time_left(application.due_at),
                    application.status == "needs_info")


def deadline_text(step: NextStep) -> str | None:
    """"请在2026年11月28日前完成（还有3个工作日）" – or None without a deadline."""
    left = step.due
    if left is None:
        return None
    day = dates.date_text(left.due_date)
    if step.yours:
        if left.is_overdue:
            return _("补充材料的期限是%(date)s，已经过了。请尽快补充，或拨打12385说明情况。",
                     date=day)
        if left.state == working_days.DUE_TODAY:
            return _("请在今天（%(date)s）内补充。", date=day)
        return _("请在%(date)s前补充（还有%(days)s个工作日）。", date=day, days=left.working_days)
    if left.is_overdue:
        return _("这一步本应在%(date)s前办完，已经超过期限。如需了解情况，请拨打12385。", date=day)
    if left.state == working_days.DUE_TODAY:
        return _("这一步预计今天（%(date)s）办完。", date=day)
    return _("这一步预计在%(date)s前办完（还有%(days)s个工作日）。", date=day,
             days=left.working_days)


# ── names ─────────────────────────────────────────────────────────────────────────────────

def document_labels(application: Application) -> dict[str, str]:
    """The kinds of the application's documents → their names in the reader's language
    (portal.apply.programmes.document_label; a kind it does not know is left out)."""
    labels = {information_requests.SUPPLEMENT: _("补充提交的材料")}
    for document in application.documents:
        if document.kind not in labels:
            label = programmes.document_label(application.programme, document.kind)
            if label is not None:
                labels[document.kind] = label
    return labels


def person_name(application: Application) -> str:
    return stored.read(application).personal.full_name or application.person.full_name



def helpers() -> dict:
    # Labels of codes (programmes, statuses, relationships…) are every template's: portal.labels.
    return {"person_name": person_name, "deadline_text": deadline_text}
