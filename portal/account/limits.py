"""Rate limits on sign-in, registration, reset and sending codes (Flask-Limiter).

The limits are configuration (RATE_LIMIT_* in portal/config.py), counted on POST only. Limits
that several pages share – sending a code – are counted together across those pages.
"""
from __future__ import annotations

from flask import current_app, request, session
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..services import phone_numbers

# Counted together wherever they are used.
SHARED = {"RATE_LIMIT_SEND_CODE", "RATE_LIMIT_SEND_CODE_PER_PHONE", "RATE_LIMIT_VERIFY_CODE"}


def limit(config_key: str, *, key_func=None):
    def value() -> str:
        return current_app.config[config_key]

    if config_key in SHARED:
        return limiter.shared_limit(value, scope=config_key.lower(), key_func=key_func,
                                    methods=["POST"])
    return limiter.limit(value, key_func=key_func, methods=["POST"])


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
