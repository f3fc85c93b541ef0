"""Sending text messages (SMS) through a pluggable backend named by SMS_BACKEND.

Every message is first recorded as an OutboxMessage (the queue and the record of what was sent).
The backend then delivers it. The development and default backend, "outbox", delivers nothing:
the message stays in the outbox, where `flask outbox` lists it. Never show the outbox on a page.

A real gateway is added by registering a backend class:

    @sms.backend("gateway-name")
    class Gateway:
        def __init__(self, app): ...
        def deliver(self, message: OutboxMessage) -> None: ...   # raise when it was not sent

A backend sends `message.text`: the readable text, which – for a message carrying a one-time
code – exists only while it is being delivered. `message.body` (what is stored) has ******
where the code goes; the code itself is kept sealed (encrypted) until it is delivered, fails
for good or expires, then removed (outbox.purge_codes).

portal.messages.outbox records the outcome (sent / retry later / failed).
"""
from __future__ import annotations

from flask import current_app

from portal.messages.models import CODE_MASK, OutboxMessage
from portal.people import crypto

BACKENDS: dict[str, type] = {}


def backend(name: str):
    """Class decorator: make a backend available under SMS_BACKEND=`name`."""
    def register(cls):
        BACKENDS[name] = cls
        return cls
    return register


@backend("outbox")
class OutboxOnly:
    """Keeps messages in the outbox (status "pending"); nothing leaves the machine."""

    def __init__(self, app):
        self.app = app

    def deliver(self, message: OutboxMessage) -> None:
        return None


def current_backend():
    name = current_app.config.get("SMS_BACKEND", "outbox")
    if name not in BACKENDS:
        raise RuntimeError(f"Unknown SMS_BACKEND {name!r}; known: {sorted(BACKENDS)}")
    return BACKENDS[name](current_app)



def readable_text(message: OutboxMessage) -> str:
    """The text to send: the body with its code unsealed (only the sender calls this)."""
    if not message.sealed_code:
        return message.body
    return message.body.replace(CODE_MASK, crypto.decrypt(message.sealed_code), 1)
