"""Delivery receipts: the gateway tells whether a text it took reached the phone.

阿里云 pushes SmsReport (HTTP 批量推送: a JSON array of {biz_id, phone_number, success, err_code,
err_msg, …}); 腾讯云 pushes 短信下发状态回调 (a JSON array of {sid, mobile, report_status
SUCCESS|FAIL, errmsg, description, …}). Each report names the id the gateway gave when it took
the message (BizId / SerialNo, kept on the outbox row at sending); the row – of that gateway,
to that number, sent and not yet settled by a receipt – becomes "delivered" or "failed" with
the gateway's code in `last_error`. A report for no such row is ignored: the answer is the same
either way, and nothing is written about the number.

Neither gateway signs its pushes. What can be checked is checked: the address holds a secret
(SMS_RECEIPT_TOKEN, compared in constant time – portal/sms_receipts), a report must name a
message this portal sent through that gateway AND its number; a receipt can only settle a
message once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.messages.models import OutboxMessage
from portal.people import phone_numbers


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str
    phone: str | None
    delivered: bool
    code: str


class BadReport(ValueError):
    """The push is not a list of reports."""


def _reports(payload) -> list[dict]:
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise BadReport()
    return payload


def aliyun_receipts(payload) -> list[Receipt]:
    return [Receipt(str(item.get("biz_id") or ""), item.get("phone_number"),
                    item.get("success") is True,
                    f"{item.get('err_code') or ''} {item.get('err_msg') or ''}".strip())
            for item in _reports(payload)]


def tencent_receipts(payload) -> list[Receipt]:
    return [Receipt(str(item.get("sid") or ""), item.get("mobile"),
                    item.get("report_status") == "SUCCESS",
                    f"{item.get('errmsg') or ''} {item.get('description') or ''}".strip())
            for item in _reports(payload)]


PARSERS = {"aliyun": aliyun_receipts, "tencent": tencent_receipts}


def _same_number(recipient: str, reported: str | None) -> bool:
    """The report's number is the message's (a masked digit, "*", matches any)."""
    if not reported:
        return True
    reported = str(reported).strip().removeprefix("+").removeprefix("00")
    if len(reported) == 13 and reported.startswith("86"):
        reported = reported[2:]
    try:
        number = phone_numbers.normalise(recipient)
    except ValueError:
        return False
    return len(reported) == len(number) and all(
        shown in ("*", digit) for shown, digit in zip(reported, number))


def apply(provider: str, payload, now: datetime | None = None) -> int:
    """Settle the messages the push reports on. Commits; returns how many were settled.
    Raises BadReport for a push that is not the gateway's format."""
    receipts = PARSERS[provider](payload)
    now = now or datetime.now(timezone.utc)
    settled = 0
    for receipt in receipts:
        if not receipt.provider_message_id:
            continue
        message = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.provider == provider,
            OutboxMessage.provider_message_id == receipt.provider_message_id,
            OutboxMessage.status == "sent"))
        if message is None or not _same_number(message.recipient, receipt.phone):
            continue
        if receipt.delivered:
            message.status, message.delivered_at = "delivered", now
        else:
            message.status = "failed"
            message.last_error = f"{provider} receipt: {receipt.code}"[:1000]
        settled += 1
    db.session.commit()
    return settled
