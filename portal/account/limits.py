"""What the account pages' rate limits count by, besides the client address: the phone a
code would go to – as a keyed hash, never the number itself (Flask-Limiter writes the key
into its log line when a limit is reached, and into the counters' store). The limits
themselves are made by portal/web/rate_limits.py."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request, session
from flask_limiter.util import get_remote_address

from portal.people import phone_numbers


def per_phone() -> str:
    """The number a code would go to: typed on the page, or remembered from the first step."""
    try:
        return _phone_key(phone_numbers.normalise(request.form.get("phone")))
    except ValueError:
        pass
    for purpose in ("register", "reset"):
        phone = (session.get(purpose) or {}).get("phone")
        if phone and request.endpoint and purpose in request.endpoint:
            return _phone_key(phone)
    return "ip:" + get_remote_address()


def _phone_key(phone: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"rate-limit:{phone}".encode(), hashlib.sha256).hexdigest()
    return "phone:" + digest[:32]
