"""Every rate limit of the portal is made here (Flask-Limiter), from configuration.

The values are configuration (RATE_LIMIT_* in portal/config.py) and count POSTs only: what
costs – sign-in attempts, codes sent, look-ups, reports – is always a form sent. Limits that
several pages share (sending a code) are counted together across those pages. Because no
limit counts anything else, other requests are exempt through Flask-Limiter's own request
filter (`not_counted`): the limiter then evaluates no limit for them.
"""
from __future__ import annotations

import os
import shlex
import sys

from flask import Flask, current_app, request

from portal.extensions import limiter

# Counted together wherever they are used.
SHARED = {"RATE_LIMIT_SEND_CODE", "RATE_LIMIT_SEND_CODE_PER_PHONE", "RATE_LIMIT_VERIFY_CODE"}
COUNTED = ("POST",)


@limiter.request_filter
def not_counted() -> bool:
    """Flask-Limiter's request filter: requests of other methods are exempt from every limit."""
    return request.method not in COUNTED


def limit(config_key: str, *, key_func=None):
    """A decorator: the limit in `config_key`, per client address unless `key_func` says."""
    def value() -> str:
        return current_app.config[config_key]

    if config_key in SHARED:
        return limiter.shared_limit(value, scope=config_key.lower(), key_func=key_func,
                                    methods=list(COUNTED))
    return limiter.limit(value, key_func=key_func, methods=list(COUNTED))


class SharedStorageRequired(RuntimeError):
    """Production with per-worker counters and (possibly) several workers."""


def gunicorn_workers(argv: list[str] | None = None, environ=None) -> int | None:
    """The worker count gunicorn was started with, as far as this process can tell: its
    command line (-w/--workers), GUNICORN_CMD_ARGS, or WEB_CONCURRENCY (gunicorn's default
    for --workers). None when there is no sign of one."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    words = list(argv[1:]) if argv and "gunicorn" in os.path.basename(argv[0]) else []
    words += shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    found = None
    for index, word in enumerate(words):
        if word in ("-w", "--workers") and index + 1 < len(words):
            found = words[index + 1]
        elif word.startswith("--workers="):
            found = word.split("=", 1)[1]
        elif word.startswith("-w") and word[2:].isdigit():
            found = word[2:]
    if found is None:
        found = environ.get("WEB_CONCURRENCY")
    try:
        return int(found) if found is not None else None
    except ValueError:
        return None


def check_storage(app: Flask) -> None:
    """Production counts in a shared store (RATELIMIT_STORAGE_URI=redis://…), unless it is
    declared to run one worker (PORTAL_WORKERS=1) and nothing says otherwise."""
    if app.config.get("ENV_NAME") != "production" or not app.config.get("RATELIMIT_ENABLED", True):
        return
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not uri.startswith("memory://"):
        return
    declared, detected = app.config.get("PORTAL_WORKERS"), gunicorn_workers()
    if declared == 1 and (detected is None or detected == 1):
        return
    raise SharedStorageRequired(
        "RATELIMIT_STORAGE_URI is memory:// (each worker counts alone, so every limit "
        "multiplies by the number of workers). Set RATELIMIT_STORAGE_URI=redis://host:6379/0, "
        "or, for exactly one worker process, PORTAL_WORKERS=1"
        + (f" (gunicorn was started with {detected} workers)" if detected else "") + ".")


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, take the client's address and scheme from
    the X-Forwarded-For/-Proto they add (werkzeug's ProxyFix), so that limits and the audit
    log see the visitor, not the proxy. With 0 (the default) the headers are ignored."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
