"""腾讯云短信 (API 3.0, SendSms version 2021-01-11) – SMS_BACKEND=tencent.

One POST per message to TENCENT_SMS_ENDPOINT (https://sms.tencentcloudapi.com/), a JSON body,
signed with TC3-HMAC-SHA256 (签名方法 v3):

    CanonicalRequest = "POST\\n/\\n\\n"
                       + "content-type:…\\nhost:…\\nx-tc-action:sendsms\\n" + "\\n"
                       + "content-type;host;x-tc-action" + "\\n" + hex(SHA256(body))
    StringToSign     = "TC3-HMAC-SHA256\\n" + timestamp + "\\n" + date + "/sms/tc3_request\\n"
                       + hex(SHA256(CanonicalRequest))
    key              = HMAC(HMAC(HMAC("TC3" + SecretKey, date), "sms"), "tc3_request")
    Authorization    = "TC3-HMAC-SHA256 Credential=SecretId/date/sms/tc3_request,
                        SignedHeaders=content-type;host;x-tc-action, Signature=" + hex(HMAC(key,
                        StringToSign))

(date: the UTC day of the timestamp). Template parameters are a list, in the order the
variables {1}, {2}, … appear in the registered template (templates.order). SessionContext is
the outbox row's id; the SendStatus's SerialNo is kept for the delivery receipt (回执,
portal.messages.receipts).

Answers: Response.Error → an error of the whole request; else SendStatusSet[0].Code "Ok" is
accepted, any other Code an error of this number – in THROTTLED, in REJECTED, or retried.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests

from portal.messages import sms, templates
from portal.messages.gateways.common import DAY, Gateway, GatewayError, mainland_number
from portal.messages.models import OutboxMessage

SERVICE = "sms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"

THROTTLED = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30,
    "LimitExceeded.PhoneNumberOneHourLimit": 3600,
    "LimitExceeded.PhoneNumberDailyLimit": DAY,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": DAY,
    "LimitExceeded.DeliveryFrequencyLimit": 60,
    "LimitExceeded.AppDailyLimit": DAY,
    "LimitExceeded.DailyLimit": DAY,
    "LimitExceeded.AppCountryOrRegionDailyLimit": DAY,
    "LimitExceeded.AppGlobalDailyLimit": DAY,
    "RequestLimitExceeded": 60,
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded": 60,
    "RequestLimitExceeded.IPLimitExceeded": 60,
    "RequestLimitExceeded.UinLimitExceeded": 60,
}

REJECTED = frozenset({
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.ContainSensitiveWord",
    "InvalidParameterValue.TemplateParameterFormatError",
    "InvalidParameterValue.TemplateParameterLengthLimit",
    "InvalidParameterValue.ContentLengthLimit",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
    "UnsupportedOperation.UnsupportedRegion",
})


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def authorization(secret_id: str, secret_key: str, host: str, action: str, body: bytes,
                  timestamp: int) -> str:
    day = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    canonical = "\n".join([
        "POST", "/", "",
        f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{action.lower()}\n",
        SIGNED_HEADERS, _sha256(body)])
    scope = f"{day}/{SERVICE}/tc3_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), SERVICE), "tc3_request")
    signed = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, "
            f"Signature={signed}")


@sms.backend("tencent")
class Tencent(Gateway):
    name = "tencent"
    settings = ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID")

    def __init__(self, app):
        super().__init__(app)
        self.secret_id = app.config["TENCENT_SMS_SECRET_ID"]
        self.secret_key = app.config["TENCENT_SMS_SECRET_KEY"]
        self.app_id = str(app.config["TENCENT_SMS_SDK_APP_ID"])
        self.endpoint = app.config.get("TENCENT_SMS_ENDPOINT") or "https://sms.tencentcloudapi.com/"
        self.region = app.config.get("TENCENT_SMS_REGION") or "ap-guangzhou"

    def request(self, message: OutboxMessage, timestamp: int | None = None
                ) -> tuple[dict, bytes]:
        choice, values = self.prepared(message)
        body = json.dumps({
            "PhoneNumberSet": [mainland_number(message.recipient)],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": choice.template_id,
            "TemplateParamSet": [values[name]
                                 for name in templates.order(message.kind, choice.locale)],
            "SessionContext": str(message.id),
        }, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        host = urlsplit(self.endpoint).netloc
        headers = {
            "Authorization": authorization(self.secret_id, self.secret_key, host, "SendSms",
                                           body, timestamp),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": self.region,
        }
        return headers, body

    def deliver(self, message: OutboxMessage) -> None:
        headers, body = self.request(message)
        try:
            response = requests.post(self.endpoint, data=body, headers=headers,
                                     timeout=self.timeout)
            answer = response.json().get("Response") or {}
        except requests.RequestException as problem:
            raise GatewayError(f"tencent: {type(problem).__name__}") from None
        except (ValueError, AttributeError):
            raise GatewayError(f"tencent: HTTP {response.status_code}, not JSON") from None
        error = answer.get("Error")
        if error:
            self.refused(str(error.get("Code")), str(error.get("Message") or ""),
                         THROTTLED, REJECTED)
        statuses = answer.get("SendStatusSet") or [{}]
        status = statuses[0]
        code = str(status.get("Code") or "no SendStatus")
        if code == "Ok":
            self.accepted(message, status.get("SerialNo"))
            return
        self.refused(code, str(status.get("Message") or ""), THROTTLED, REJECTED)
