"""Cloud SMS gateways: 阿里云短信服务 (SMS_BACKEND=aliyun) and 腾讯云短信 (SMS_BACKEND=tencent).

Both send one outbox message per call: the template id configured for the message's kind and
language (SMS_TEMPLATE_IDS), the registered signature (SMS_SIGN_NAME) and the template's values
(portal.messages.templates.values). They sign their requests themselves – 阿里云's RPC
signature (HMAC-SHA1) and 腾讯云's TC3-HMAC-SHA256 – with `requests`, rather than through the
providers' SDKs: README "Text messages through a cloud SMS gateway" says why.

What the gateway answers decides what the outbox does (portal.messages.outbox):

- accepted: the message is sent; the gateway's id for it (BizId / SerialNo) is kept for its
  delivery receipt (portal.messages.receipts);
- a code in the gateway's THROTTLED table: `sms.Throttled` – tried again later, not before the
  limit's period has passed (a daily limit: the next day in the district);
- a code in its REJECTED table (a number, template or parameter the gateway refuses): the
  message is marked failed at once (`sms.Rejected`);
- anything else – an unknown code, a key or balance problem, a time-out, a 5xx – is an
  ordinary failed try, retried up to SMS_MAX_ATTEMPTS.

Codes as the providers document them (阿里云 SendSms 错误码; 腾讯云 短信 API 3.0 错误码).
"""
from __future__ import annotations

from flask import Flask

from portal.messages import sms
from portal.messages.gateways import aliyun, tencent  # noqa: F401  (registers them)
from portal.messages.gateways.common import (  # noqa: F401  (the gateways' shared names)
    DAY,
    Gateway,
    GatewayError,
    NotConfigured,
    choose,
    template_ids,
)


def check_config(app: Flask) -> None:
    """At start-up: a chosen gateway has every setting it needs (refused otherwise)."""
    name = app.config.get("SMS_BACKEND", "outbox")
    if name in sms.BACKENDS and issubclass(sms.BACKENDS[name], Gateway):
        sms.BACKENDS[name](app)
