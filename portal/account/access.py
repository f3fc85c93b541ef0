"""Who may open a page. For residents' pages:

    from portal.account.access import resident_required

    @bp.get("/apply/...")
    @resident_required
    def view(): ...

Not signed in → the residents' sign-in page (then back here); signed in as staff → 403.
Flask-Login's `login_required` also sends people to the residents' sign-in page, but lets
staff accounts through; use `resident_required` on pages that act for a resident.
Staff pages use portal.staff_auth.access.staff_required.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, url_for
from flask_login import current_user

from portal.account.session import current_path


def sign_in_redirect(endpoint: str = "account.sign_in"):
    return redirect(url_for(endpoint, next=current_path()), 303)


def resident_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return sign_in_redirect()
        if current_user.is_staff:   # village workers pass: what they reach is by consent
            abort(403)
        return view(*args, **kwargs)
    return wrapped
