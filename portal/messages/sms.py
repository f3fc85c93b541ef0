"""Sending text messages (SMS) through a pluggable backend named by SMS_BACKEND.

Every message is first recorded as an OutboxMessage (the queue and the record of what was sent).
The backend then delivers it. The development and default backend, "outbox", delivers nothing:
the message stays in the outbox, where `flask outbox` lists it. Never show the outbox on a page.

The cloud SMS gateways are "aliyun" (阿里云短信服务) and "tencent" (腾讯云短信) –
portal/messages/gateways/, registered when the app is made (create_app checks their
settings). A gateway is added by registering a backend class:

    @sms.backend("gateway-name")
    class Gateway:
        def __init__(self, app): ...
        def deliver(self, message: OutboxMessage) -> None: ...

`deliver` returns when the gateway took the message (setting `message.provider` and
`message.provider_message_id` for its delivery receipt), raises `Throttled` when the gateway
asks to slow down (tried again later), `Rejected` when this message can never be sent (marked
failed at once), and anything else for a failure worth another try.

A template backend sends `message.kind` with `readable_params(message)`; a plain one
`message.text`: the readable text. Both – for a message carrying a one-time code – exist only
while it is being delivered. `message.body` (what is stored) has ******
where the code goes; the code itself is kept sealed (encrypted) until it is delivered, fails
for good or expires, then removed (outbox.purge_codes).

portal.messages.outbox records the outcome (sent / retry later / failed).
"""
from __future__ import annotations

from flask import current_app

from portal.messages.models import CODE_MASK, OutboxMessage
from portal.people import crypto

BACKENDS: dict[str, type] = {}


class Throttled(Exception):
    """The gateway refused for now (a rate or daily limit): try again, not before
    `retry_after` seconds when it says how long."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Rejected(Exception):
    """The gateway will never send this message (a number it refuses, a template it does not
    know): it is marked failed at once."""


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


def readable_params(message: OutboxMessage) -> dict:
    """The template parameters to send: with the code unsealed (only the sender calls this)."""
    params = dict(message.params or {})
    if message.sealed_code:
        code = crypto.decrypt(message.sealed_code)
        params = {name: value.replace(CODE_MASK, code, 1) if isinstance(value, str) else value
                  for name, value in params.items()}
    return params
