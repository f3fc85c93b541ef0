"""阿里云短信服务 (Dysmsapi 2017-05-25, SendSms) – SMS_BACKEND=aliyun.

One POST per message to ALIYUN_SMS_ENDPOINT (https://dysmsapi.aliyuncs.com/), the parameters
form-encoded and signed with 阿里云's RPC signature (签名机制, SignatureVersion 1.0):

    StringToSign = "POST" + "&" + enc("/") + "&" + enc(sorted "k=v" joined by "&", each enc())
    Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))

where enc() is RFC 3986 percent-encoding (UTF-8; only A–Z a–z 0–9 - _ . ~ left as they are;
a space is %20). OutId is the outbox row's id; the answer's BizId is kept for the delivery
receipt (SmsReport, portal.messages.receipts).

Answers: {"Code": "OK", "BizId": …} is accepted; any other Code is an error – in THROTTLED
(isv.BUSINESS_LIMIT_CONTROL: the minute/hour/day limit its Message names), in REJECTED, or
retried.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

import requests

from portal.messages import sms
from portal.messages.gateways.common import DAY, Gateway, GatewayError, mainland_number
from portal.messages.models import OutboxMessage

VERSION = "2017-05-25"

# Code → how long to wait (seconds, or DAY). isv.BUSINESS_LIMIT_CONTROL's period is read from
# its Message ("触发分钟级流控" / "触发小时级流控" / "触发天级流控"): LIMIT_PERIODS.
THROTTLED = {
    "isv.BUSINESS_LIMIT_CONTROL": 60,
    "isv.DAY_LIMIT_CONTROL": DAY,
    "Throttling": 60,
    "Throttling.User": 60,
    "Throttling.Api": 60,
}
LIMIT_PERIODS = (("天级", DAY), ("小时级", 3600), ("分钟级", 60))

# This message can never be sent as it is: the number, the template or its parameters.
REJECTED = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.PARAM_NOT_SUPPORT_URL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL",
    "isv.INVALID_JSON_PARAM",
    "isv.INVALID_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_CONTENT_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    "isv.EXTEND_CODE_ERROR",
})


def percent_encode(value: str) -> str:
    return quote(str(value), safe="~")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(key)}={percent_encode(params[key])}"
                         for key in sorted(params))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(secret: str, method: str, params: dict[str, str]) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@sms.backend("aliyun")
class Aliyun(Gateway):
    name = "aliyun"
    settings = ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET")

    def __init__(self, app):
        super().__init__(app)
        self.key_id = app.config["ALIYUN_SMS_ACCESS_KEY_ID"]
        self.secret = app.config["ALIYUN_SMS_ACCESS_KEY_SECRET"]
        self.endpoint = app.config.get("ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com/"
        self.region = app.config.get("ALIYUN_SMS_REGION") or "cn-hangzhou"

    def request_params(self, message: OutboxMessage, now: datetime | None = None) -> dict:
        choice, values = self.prepared(message)
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": str(message.id),
            "PhoneNumbers": mainland_number(message.recipient)[3:],
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": choice.template_id,
            "TemplateParam": json.dumps(values, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": VERSION,
        }
        params["Signature"] = signature(self.secret, "POST", params)
        return params

    def deliver(self, message: OutboxMessage) -> None:
        try:
            response = requests.post(self.endpoint, data=self.request_params(message),
                                     timeout=self.timeout)
        except requests.RequestException as problem:
            raise GatewayError(f"aliyun: {type(problem).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            raise GatewayError(f"aliyun: HTTP {response.status_code}, not JSON") from None
        code = str(answer.get("Code") or f"HTTP {response.status_code}")
        if code == "OK":
            self.accepted(message, answer.get("BizId"))
            return
        text = str(answer.get("Message") or "")
        throttled = dict(THROTTLED)
        if code == "isv.BUSINESS_LIMIT_CONTROL":
            throttled[code] = next((period for word, period in LIMIT_PERIODS if word in text),
                                   THROTTLED[code])
        self.refused(code, text, throttled, REJECTED)
