"""The application status machine – the one place that says what may happen next.

Views ask `allowed_actions(status, role, programme)`; the one operation that moves an
application is `portal.applications.status_changes.apply_action`.
Who handles each stage depends on the programme: 两项补贴 (living and nursing allowance) are
decided by 区民政 (civil_affairs), every other programme by 区残联 (district_reviewer).
Time limits are in working days and come from configuration (data/time_limits.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml
from flask_babel import lazy_gettext as _l

from portal.config import DATA


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
    Status("merged", _l("已合并"),
           _l("申请对象已经有一份同一事项的申请，这份申请已并入那一份办理，您不需要再做什么。"),
           False),
)}

REVIEW_STATES = ("submitted", "accepted", "street_checked", "district_reviewed")
# Where a second claim for the same person and programme matters (portal.applications.duplicates):
# still being handled, approved, in public notice, being paid. Not refused, withdrawn, merged.
CLAIM_STATES = (*REVIEW_STATES, "needs_info", "approved", "public_notice", "paying")
# An open duplicate flag holds these actions on both of its applications until an officer
# resolves it (merge, reject as duplicate, or confirm as legitimate).
HELD_BY_DUPLICATE = ("approve",)
# A flagged (newer) application may be closed by the resolution from these states.
RESOLVABLE_STATES = (*REVIEW_STATES, "needs_info")
RESOLUTION_TARGETS = {"merged": "merged", "rejected": "rejected"}


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
    # From approved only for programmes without a public notice (see _fits_programme).
    Action("start_payment", _l("开始发放"), ("approved", "public_notice"), "paying",
           ("civil_affairs", "district_reviewer")),
    Action("request_info", _l("要求补充材料"), REVIEW_STATES, "needs_info",
           ("street_officer", "district_reviewer", "civil_affairs"), needs_message=True),
    Action("reject", _l("不予批准"), REVIEW_STATES, "rejected",
           ("street_officer", "district_reviewer", "civil_affairs"), needs_message=True),
    Action("resubmit", _l("补充后重新提交"), ("needs_info",), None, ("applicant",)),
    Action("withdraw", _l("撤回申请"), (*REVIEW_STATES, "needs_info"), "withdrawn",
           ("applicant",)),
)}

STAFF_ACTING_ROLES = ("street_officer", "district_reviewer", "civil_affairs")

# 两项补贴: decided by 区民政 and published in the 公示 before payment.
TWO_SUBSIDIES = ("living_allowance", "nursing_allowance")
PUBLIC_NOTICE_PROGRAMMES = TWO_SUBSIDIES
# The states in which the decider (区民政 or 区残联, by programme) holds the application.
DECISION_STATES = ("district_reviewed", "approved", "public_notice")
# Whose turn it is in each state (the decider's states are filled in per programme).
STAGE_ROLES = {
    "submitted": "street_officer",
    "accepted": "street_officer",
    "street_checked": "district_reviewer",
    "needs_info": "applicant",
}

TIME_LIMITS_FILE = DATA / "time_limits.yaml"


@cache
def time_limit_settings() -> dict:
    return yaml.safe_load(TIME_LIMITS_FILE.read_text(encoding="utf-8"))


def time_limit(status: str) -> int | None:
    """Working days allowed in `status` before it is overdue; None: no time limit."""
    return time_limit_settings()["working_days"].get(status)


def due_soon_working_days() -> int:
    """An application is "due soon" with this many working days left or fewer."""
    return int(time_limit_settings()["due_soon_working_days"])


def public_notice_days() -> int:
    """Calendar days a 公示 stays on the public notice page after publication."""
    return int(time_limit_settings()["public_notice_days"])


# Working days allowed in each state before it is overdue (kept for callers of the old name).
DEFAULT_TIME_LIMITS = dict(time_limit_settings()["working_days"])


class TransitionNotAllowed(Exception):
    pass


def decider_role(programme: str) -> str:
    """Who approves or rejects an application for `programme` after the district review."""
    return "civil_affairs" if programme in TWO_SUBSIDIES else "district_reviewer"


# The body behind each deciding role, as residents are told (program-facts.md, 两项补贴:
# "county 民政 decides"; the other programmes: the district 残联).
DECIDING_BODIES = {"civil_affairs": _l("鄠邑区民政局"),
                   "district_reviewer": _l("鄠邑区残疾人联合会")}


def decider_body(programme: str) -> str:
    """The body that approves `programme`'s applications, by name (e.g. on the consent page)."""
    return str(DECIDING_BODIES[decider_role(programme)])


def stage_role(status: str, programme: str) -> str | None:
    """The role whose turn it is: whose queue an application in `status` sits in."""
    if status in DECISION_STATES:
        return decider_role(programme)
    return STAGE_ROLES.get(status)


def allowed_actions(status: str, role: str, programme: str | None = None,
                    held: bool = False) -> list[Action]:
    """The actions `role` may take in `status`. With `programme`, staff may act only on the
    stage they own (street, district review, decision by programme). `held`: an unresolved
    duplicate flag stands on the application – no approval until an officer resolves it."""
    actions = [a for a in ACTIONS.values() if status in a.sources and role in a.roles
               and not (held and a.code in HELD_BY_DUPLICATE)]
    if programme is None:
        return actions
    return [a for a in actions if _fits_programme(a, status, role, programme)]


def _fits_programme(action: Action, status: str, role: str, programme: str) -> bool:
    if role in STAFF_ACTING_ROLES and role != stage_role(status, programme):
        return False
    if action.code == "publish" and programme not in PUBLIC_NOTICE_PROGRAMMES:
        return False
    if action.code == "start_payment" and status == "approved":
        return programme not in PUBLIC_NOTICE_PROGRAMMES
    return True


def statuses_handled_by(role: str) -> list[tuple[str, tuple[str, ...] | None, bool]]:
    """The states whose queue belongs to `role`, as (status, programmes, include):
    programmes None – any programme; include False – every programme except those listed."""
    found: list[tuple[str, tuple[str, ...] | None, bool]] = []
    for status, owner in STAGE_ROLES.items():
        if owner == role:
            found.append((status, None, True))
    for status in DECISION_STATES:
        if role == "civil_affairs":
            found.append((status, TWO_SUBSIDIES, True))
        elif role == "district_reviewer":
            found.append((status, TWO_SUBSIDIES, False))
    return found


def resolution_target(resolution: str, status: str) -> str | None:
    """The status a duplicate's resolution closes the newer application with (None: it stays
    as it is – "legitimate"); raises TransitionNotAllowed when it is no longer open."""
    if resolution == "legitimate":
        return None
    if resolution not in RESOLUTION_TARGETS or status not in RESOLVABLE_STATES:
        raise TransitionNotAllowed(f"{resolution} is not allowed from {status}")
    return RESOLUTION_TARGETS[resolution]


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
