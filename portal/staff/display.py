"""What the staff console's pages show besides the labels of codes (portal.labels): second
factors, audit rows, the console's own navigation."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal.applications.working_days import TimeLeft
from portal.dates import date_text
from portal.labels import programme_name, role_label, status_label, street_name
from portal.staff.access import QUEUE_ROLES
from portal.web.i18n import zh_text

SECOND_FACTOR_LABELS = {
    "totp": _l("验证器应用"),
    "sms": _l("短信验证码"),
    "recovery": _l("恢复码"),
}


def second_factor_label(method: str | None) -> str:
    return str(SECOND_FACTOR_LABELS.get(method, _l("还没有设置")))


def audit_action_label(code: str) -> str:
    from portal.audit.log import ACTIONS

    return str(ACTIONS.get(code, code))


def audit_detail(event) -> str:
    """One plain line about an audit row's detail (for the audit page: what was searched for
    is marked as Chinese on a page in another language)."""
    detail = event.detail or {}
    if "from" in detail and "to" in detail:
        return _("从“%(old)s”到“%(new)s”", old=status_label(detail["from"]),
                 new=status_label(detail["to"]))
    if "document_id" in detail:
        return _("材料编号 %(id)s（%(kind)s）", id=detail["document_id"],
                 kind=detail.get("kind", ""))
    if "search" in detail:
        return Markup(_("查找：%(value)s")) % {
            "value": zh_text(detail["search"].get("value", ""))}
    if event.action == "queue.export":
        return _("导出全部符合条件的申请")
    if "role" in detail:
        return role_label(detail["role"])
    if event.action in ("sign_in_failed", "second_factor.failed") and "failures" in detail:
        return _("连续输错 %(count)s 次", count=detail["failures"])
    if event.action.startswith("second_factor.") and "method" in detail:
        return second_factor_label(detail["method"])
    return ""


def helpers() -> dict:
    from portal.applications.casefile import INLINE_TYPES
    from portal.applications.working_days import time_left
    from portal.people import identity
    from portal.staff import case_view

    # Labels of codes (programmes, statuses, roles…) are every template's: portal.labels.
    return {"second_factor_label": second_factor_label,
            "time_left": time_left, "inline_types": INLINE_TYPES,
            "audit_action_label": audit_action_label, "audit_detail": audit_detail,
            # the person's ID number shown as its last four, age and sex (never the birth date)
            "person_id_number": identity.of, "age_text": identity.age_text,
            "sex_text": identity.sex_text,
            # what a decision recorded (the street check's visit, the approval's amount…)
            "decision_rows": case_view.decision_rows}


@dataclass(frozen=True)
class QueueLine:
    """One row of the queue page, worded: the template only places the words (a page has
    many rows, and each call from a template costs more than the same call here)."""
    reference: str
    href: str
    person_href: str              # the person's file (一人一档)
    name: Markup
    masked_id: str
    programme: str
    street: str
    status: str
    notes: tuple[str, ...]        # must be avoided, may be a second claim
    due: str                      # the due date, or "" without a deadline
    time_left: TimeLeft | None


def queue_lines(rows, conflicted: set[int], flagged: set[int]) -> list[QueueLine]:
    from portal.people import identity

    avoid = _("需回避：请由其他工作人员办理")
    duplicate = _("可能重复申请：待核实，暂不能批准")
    lines = []
    for row in rows:
        application = row.application
        notes = ((avoid,) if application.id in conflicted else ()) \
            + ((duplicate,) if application.id in flagged else ())
        lines.append(QueueLine(
            reference=application.reference,
            href=url_for("staff.application", reference=application.reference),
            person_href=url_for("staff_people.person", person_id=row.person.id),
            name=zh_text(row.person.full_name), masked_id=identity.masked_id(row.person),
            programme=programme_name(application.programme),
            street=street_name(application.street), status=status_label(application.status),
            notes=notes, due=date_text(row.time_left.due_date) if row.time_left else "",
            time_left=row.time_left))
    return lines


# The console's own navigation: (endpoint, label, roles – None for any member of staff).
STAFF_LINKS = (
    ("staff_auth.home", _l("工作台首页"), None),
    ("staff.queue", _l("申请队列"), QUEUE_ROLES),
    ("staff_people.search", _l("一人一档"), QUEUE_ROLES),
    ("payments.rolls_list", _l("发放名册"), ("civil_affairs", "street_officer")),
    ("staff_changes.worklist", _l("变更申报"), ("street_officer", "civil_affairs")),
    ("registries.worklist", _l("主动发现"), ("street_officer", "district_reviewer")),
    ("registries.imports_page", _l("导入共享数据"), ("admin",)),
    ("staff_reviews.worklist", _l("年审名单"), ("street_officer", "civil_affairs")),
    ("staff_reviews.reevaluations", _l("资格复核"), ("street_officer", "civil_affairs")),
    ("intermediary.workers", _l("代办员"), ("street_officer",)),
    ("intermediary.consent_worklist", _l("代办同意书"), ("street_officer",)),
    ("staff_questions.queue", _l("在线咨询"),
     ("street_officer", "district_reviewer", "civil_affairs", "content_editor")),
    ("follow_ups.worklist", _l("差评回访"),
     ("street_officer", "district_reviewer", "civil_affairs", "admin")),
    ("staff_data_requests.queue", _l("个人信息申请"),
     ("civil_affairs", "district_reviewer", "admin")),
    ("staff.audit_log", _l("操作记录"), ("admin",)),
    ("staff.accounts", _l("工作人员账号"), ("admin",)),
)


def staff_links() -> list[tuple[str, object]]:
    if not current_user.is_authenticated or not current_user.is_staff:
        return []
    return [(endpoint, label) for endpoint, label, roles in STAFF_LINKS
            if roles is None or current_user.role in roles]
