"""`staff_required`: staff pages only for signed-in staff, optionally of given roles.

    from portal.staff_auth.access import staff_required

    @bp.get("/staff/queue")
    @staff_required("street_officer", "district_reviewer")
    def queue(): ...

    @staff_required()          # any staff role
    @staff_required            # the same

Not signed in → the staff sign-in page (then back here); a resident, or staff of another
role → 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.account.access import sign_in_redirect
from portal.accounts.models import STAFF_ROLES


def staff_required(*roles):
    if len(roles) == 1 and callable(roles[0]):  # used bare: @staff_required
        return staff_required()(roles[0])
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown:
        raise ValueError(f"unknown staff roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_redirect("staff_auth.sign_in")
            if not current_user.is_staff or (roles and current_user.role not in roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
