"""What the account pages' rate limits count by, besides the client address: the phone a
code would go to. The limits themselves are made by portal/web/rate_limits.py."""
from __future__ import annotations

from flask import request, session
from flask_limiter.util import get_remote_address

from portal.people import phone_numbers


def per_phone() -> str:
    """The number a code would go to: typed on the page, or remembered from the first step."""
    try:
        return "phone:" + phone_numbers.normalise(request.form.get("phone"))
    except ValueError:
        pass
    for purpose in ("register", "reset"):
        phone = (session.get(purpose) or {}).get("phone")
        if phone and request.endpoint and purpose in request.endpoint:
            return "phone:" + phone
    return "ip:" + get_remote_address()
