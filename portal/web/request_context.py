"""What the domain needs of the web request it serves, handed over without Flask (as context
variables, set for the request and reset after it):

- the client's address, which audit rows record (portal.audit.log.CLIENT_ADDRESS); behind
  trusted proxies it is the visitor's (portal/web/rate_limits.py, trust_proxies);
- a memo that lives as long as the request (portal.applications.conflicts.RELATED_MEMO)."""
from __future__ import annotations

from flask import Flask, g, request

from portal.applications import conflicts
from portal.audit import log as audit


def init_app(app: Flask) -> None:
    @app.before_request
    def hand_over():
        g.request_context_tokens = (audit.CLIENT_ADDRESS.set(request.remote_addr),
                                    conflicts.RELATED_MEMO.set({}))

    @app.teardown_request
    def take_back(_error=None):
        tokens = g.pop("request_context_tokens", None)
        if tokens is not None:
            audit.CLIENT_ADDRESS.reset(tokens[0])
            conflicts.RELATED_MEMO.reset(tokens[1])
