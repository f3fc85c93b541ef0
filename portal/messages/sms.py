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
for good or expires, then removed (notifications.purge_codes).

portal.messages.notifications records the outcome (sent / retry later / failed).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from portal.extensions import db
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


def send(recipient: str, body: str, *, locale: str | None = None,
         application_id: int | None = None, code: str | None = None,
         code_expires_at=None) -> OutboxMessage:
    """Record a text message to `recipient` and hand it to the backend. Commits.

    With `code`: `body` has CODE_MASK where the code goes; the code is stored only sealed,
    until `code_expires_at` at the latest."""
    if code is not None and CODE_MASK not in body:
        raise ValueError("a message carrying a code needs CODE_MASK in its body")
    message = OutboxMessage(
        channel="sms", recipient=recipient, body=body,
        locale=locale or str(get_locale() or "zh_Hans_CN"), application_id=application_id,
        sealed_code=crypto.encrypt(code) if code is not None else None,
        code_expires_at=code_expires_at if code is not None else None,
    )
    db.session.add(message)
    db.session.commit()
    from portal.messages.notifications import (
        deliver_now,  # the one place that delivers and records it
    )

    deliver_now(message.id)
    return message


def readable_text(message: OutboxMessage) -> str:
    """The text to send: the body with its code unsealed (only the sender calls this)."""
    if not message.sealed_code:
        return message.body
    return message.body.replace(CODE_MASK, crypto.decrypt(message.sealed_code), 1)


def recent(limit: int = 20, recipient: str | None = None) -> list[OutboxMessage]:
    """The newest messages first (for `flask outbox` and tests)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))
