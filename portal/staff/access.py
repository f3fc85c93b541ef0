"""Who may open the staff pages. (A local check until the accounts area's `staff_required`
is merged; then this module re-exports theirs.)"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "street_officer": _l("街道工作人员"),
    "district_reviewer": _l("区残联审核人员"),
    "civil_affairs": _l("区民政审批人员"),
    "content_editor": _l("内容编辑"),
    "admin": _l("系统管理员"),
    "resident": _l("居民"),
}

QUEUE_ROLES = ("street_officer", "district_reviewer", "civil_affairs")


def staff_required(*roles: str):
    """Only signed-in, active staff with one of `roles` (any staff role when none given)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(403)
            if not current_user.is_staff or (roles and current_user.role not in roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
