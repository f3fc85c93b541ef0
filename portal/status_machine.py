"""The application status machine – the one place that says what may happen next.

Views ask `allowed_actions(status, role)`; services call `transition(...)`.
Time limits are in working days and come from configuration (STEP_TIME_LIMITS).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Status:
    code: str
    label: object          # lazy string: what the applicant reads
    explanation: object    # one plain sentence on what it means for them
    active: bool           # still being handled (counts for "one active application")


STATUSES = {s.code: s for s in (
    Status("submitted", _l("已提交"), _l("您的申请已提交，正在等待街道受理。"), True),
    Status("accepted", _l("已受理"), _l("街道已受理您的申请，正在初审。"), True),
    Status("street_checked", _l("街道初审通过"), _l("街道初审已通过，已报区残联审核。"), True),
    Status("district_reviewed", _l("区残联审核通过"), _l("区残联审核已通过，正在等待审批。"), True),
    Status("needs_info", _l("需补充材料"), _l("工作人员需要您补充材料，请按要求补充后重新提交。"), True),
    Status("approved", _l("已批准"), _l("您的申请已获批准，将进行公示。"), False),
    Status("public_notice", _l("公示中"), _l("您的申请已批准，正在公示。"), False),
    Status("paying", _l("发放中"), _l("补贴或服务正在发放。"), False),
    Status("rejected", _l("不予批准"), _l("您的申请未获批准，原因见下方说明。"), False),
    Status("withdrawn", _l("已撤回"), _l("您已撤回这份申请。"), False),
)}

REVIEW_STATES = ("submitted", "accepted", "street_checked", "district_reviewed")


@dataclass(frozen=True)
class Action:
    code: str
    label: object
    sources: tuple[str, ...]
    target: str | None          # None: back to the state before needs_info
    roles: tuple[str, ...]
    needs_message: bool = False  # a message to the applicant is required


ACTIONS = {a.code: a for a in (
    Action("accept", _l("受理"), ("submitted",), "accepted", ("street_officer",)),
    Action("street_check", _l("初审通过，报区残联"), ("accepted",), "street_checked",
           ("street_officer",)),
    Action("district_review", _l("审核通过，报审批"), ("street_checked",), "district_reviewed",
           ("district_reviewer",)),
    Action("approve", _l("批准"), ("district_reviewed",), "approved",
           ("civil_affairs", "district_reviewer")),
    Action("publish", _l("进入公示"), ("approved",), "public_notice",
           ("civil_affairs", "district_reviewer")),
    Action("start_payment", _l("开始发放"), ("public_notice",), "paying",
           ("civil_affairs", "district_reviewer")),
    Action("request_info", _l("要求补充材料"), REVIEW_STATES, "needs_info",
           ("street_officer", "district_reviewer", "civil_affairs"), needs_message=True),
    Action("reject", _l("不予批准"), REVIEW_STATES, "rejected",
           ("street_officer", "district_reviewer", "civil_affairs"), needs_message=True),
    Action("resubmit", _l("补充后重新提交"), ("needs_info",), None, ("applicant",)),
    Action("withdraw", _l("撤回申请"), (*REVIEW_STATES, "needs_info"), "withdrawn",
           ("applicant",)),
)}

# Working days allowed in each state before it is overdue (configurable per deployment).
DEFAULT_TIME_LIMITS = {
    "submitted": 3,
    "accepted": 10,
    "street_checked": 10,
    "district_reviewed": 10,
    "needs_info": 30,
}


class TransitionNotAllowed(Exception):
    pass


def allowed_actions(status: str, role: str) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources and role in a.roles]


def target_of(action_code: str, status: str, previous_status: str | None = None) -> str:
    """The status an action leads to from `status`; raises TransitionNotAllowed."""
    action = ACTIONS.get(action_code)
    if action is None or status not in action.sources:
        raise TransitionNotAllowed(f"{action_code} is not allowed from {status}")
    if action.target is None:
        if previous_status not in REVIEW_STATES:
            raise TransitionNotAllowed("resubmit needs the status before needs_info")
        return previous_status
    return action.target
