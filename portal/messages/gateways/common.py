"""What the cloud SMS gateways share (portal/messages/gateways/__init__.py says how they
work): settings, the template to send, and the outcome of an answer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Flask

from portal.messages import sms, templates
from portal.messages.models import OutboxMessage
from portal.people import phone_numbers

DAY = "day"   # a daily limit: wait for the next day in the district


class NotConfigured(RuntimeError):
    """A gateway is chosen but a setting it needs is missing (refused at start-up)."""


@dataclass(frozen=True)
class Choice:
    template_id: str
    locale: str          # the language of the template that is sent


def template_ids(raw: str | None) -> dict[str, str]:
    """SMS_TEMPLATE_IDS: "kind=ID,kind@en=ID,…" (whitespace and newlines allowed) →
    {"kind": ID, "kind@en": ID}. A kind without "@en" is its Chinese template."""
    found = {}
    for item in (raw or "").replace("\n", ",").split(","):
        if not item.strip():
            continue
        key, separator, value = item.partition("=")
        if not separator or not key.strip() or not value.strip():
            raise NotConfigured(f"SMS_TEMPLATE_IDS: {item.strip()!r} is not kind=ID")
        if key.strip().split("@")[0] not in templates.TEMPLATES:
            raise NotConfigured(f"SMS_TEMPLATE_IDS: no template {key.strip()!r}")
        found[key.strip()] = value.strip()
    return found


def choose(ids: dict[str, str], message: OutboxMessage) -> Choice:
    """The template to send: the one for the message's language, else the Chinese one (the
    whole message then goes out in Chinese). Rejected when the kind has none."""
    if not message.kind:
        raise sms.Rejected("the message has no template (queued before templates)")
    if (message.locale or "").startswith("en") and f"{message.kind}@en" in ids:
        return Choice(ids[f"{message.kind}@en"], "en")
    if message.kind in ids:
        return Choice(ids[message.kind], "zh_Hans_CN")
    raise sms.Rejected(f"no template id for {message.kind!r} in SMS_TEMPLATE_IDS")


def mainland_number(recipient: str) -> str:
    """+8613912345678 (both gateways take E.164)."""
    try:
        return "+86" + phone_numbers.normalise(recipient)
    except ValueError:
        raise sms.Rejected("not a mainland mobile number") from None


def seconds_until(period: str | int | None, app: Flask, now: datetime | None = None
                  ) -> float | None:
    """How long a throttled message waits: a number of seconds, or DAY (until 00:05 of the
    next day in the district)."""
    if period != DAY:
        return float(period) if period else None
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    here = (now or datetime.now(timezone.utc)).astimezone(zone)
    tomorrow = (here + timedelta(days=1)).replace(hour=0, minute=5, second=0, microsecond=0)
    return (tomorrow - here).total_seconds()


class Gateway:
    """What both gateways share: settings read at start, the template, the outcome."""

    name = ""
    settings: tuple[str, ...] = ()

    def __init__(self, app: Flask):
        self.app = app
        missing = [key for key in (*self.settings, "SMS_SIGN_NAME", "SMS_TEMPLATE_IDS")
                   if not app.config.get(key)]
        if missing:
            raise NotConfigured(f"SMS_BACKEND={self.name} needs {', '.join(missing)}")
        self.ids = template_ids(app.config["SMS_TEMPLATE_IDS"])
        self.sign_name = app.config["SMS_SIGN_NAME"]
        self.timeout = float(app.config.get("SMS_TIMEOUT_SECONDS") or 10)

    def prepared(self, message: OutboxMessage) -> tuple[Choice, dict[str, str]]:
        """The template to send and its values (the code unsealed: never stored)."""
        choice = self.choose(message)
        return choice, templates.values(message.kind, sms.readable_params(message),
                                        choice.locale)

    def choose(self, message: OutboxMessage) -> Choice:
        return choose(self.ids, message)

    def accepted(self, message: OutboxMessage, provider_id: str | None) -> None:
        message.provider = self.name
        message.provider_message_id = (provider_id or "")[:64] or None

    def refused(self, code: str, text: str, throttled: dict, rejected: frozenset) -> None:
        """Raise what the outbox needs to know about the gateway's error `code`."""
        reason = f"{self.name} {code}: {text}"[:500]
        if code in throttled:
            raise sms.Throttled(reason, seconds_until(throttled[code], self.app))
        if code in rejected:
            raise sms.Rejected(reason)
        raise GatewayError(reason)


class GatewayError(Exception):
    """The gateway did not take the message this time (tried again later)."""
