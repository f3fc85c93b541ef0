"""Every rate limit of the portal is made here (Flask-Limiter), from configuration.

The values are configuration (RATE_LIMIT_* in portal/config.py) and count POSTs only: what
costs – sign-in attempts, codes sent, look-ups, reports – is always a form sent. Limits that
several pages share (sending a code) are counted together across those pages. Because no
limit counts anything else, other requests skip the limiter altogether (init_app), which
was about a tenth of the time of serving a kept page to a visitor.
"""
from __future__ import annotations

from functools import partial

from flask import Flask, current_app, request

from .extensions import limiter

# Counted together wherever they are used.
SHARED = {"RATE_LIMIT_SEND_CODE", "RATE_LIMIT_SEND_CODE_PER_PHONE", "RATE_LIMIT_VERIFY_CODE"}
COUNTED = ("POST",)


def limit(config_key: str, *, key_func=None):
    """A decorator: the limit in `config_key`, per client address unless `key_func` says."""
    def value() -> str:
        return current_app.config[config_key]

    if config_key in SHARED:
        return limiter.shared_limit(value, scope=config_key.lower(), key_func=key_func,
                                    methods=list(COUNTED))
    return limiter.limit(value, key_func=key_func, methods=list(COUNTED))


def init_app(app: Flask) -> None:
    """Let the limiter see requests of the counted methods only. Flask-Limiter checks every
    request before its view and looks for limit headers to add after it, even where no limit
    applies (its request filters skip the counting, not this bookkeeping): for a kept page
    that was about a tenth of its time. Limited views still check their own limits."""
    before = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit not in before:
        return                                    # limits are off (RATELIMIT_ENABLED)

    def check_counted_methods():
        if request.method in COUNTED:
            return limiter._check_request_limit()
        return None

    before[before.index(limiter._check_request_limit)] = check_counted_methods
    after = app.after_request_funcs[None]
    inject = next(hook for hook in after if isinstance(hook, partial) and hook.args == (limiter,))

    def limit_headers_for_counted_methods(response):
        return inject(response) if request.method in COUNTED else response

    after[after.index(inject)] = limit_headers_for_counted_methods
