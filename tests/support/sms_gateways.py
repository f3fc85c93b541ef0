"""Local stand-ins for 阿里云短信 (SendSms) and 腾讯云短信 (SendSms, API 3.0): real HTTP servers on
127.0.0.1 (werkzeug's make_server in a thread) that check each request's signature the way the
providers document it – written here again from the documentation, not taken from the
portal's gateways, and proven against the documentation's own worked examples
(tests/test_sms_gateways.py) – and answer in the provider's format: accepted, throttled, or
refused, as the test sets `answer`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import datetime, timezone

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


# ── 阿里云: RPC signature, HMAC-SHA1 (签名机制) ─────────────────────────────────────────────

def aliyun_encode(text: str) -> str:
    """RFC 3986: unreserved characters as they are, every other UTF-8 byte as %XY."""
    return "".join(char if char in UNRESERVED else
                   "".join(f"%{byte:02X}" for byte in char.encode("utf-8")) for char in text)


def aliyun_sign(secret: str, method: str, params: dict[str, str]) -> str:
    pairs = sorted((aliyun_encode(k), aliyun_encode(v)) for k, v in params.items()
                   if k != "Signature")
    canonical = "&".join(f"{k}={v}" for k, v in pairs)
    to_sign = method + "&" + aliyun_encode("/") + "&" + aliyun_encode(canonical)
    mac = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


# ── 腾讯云: TC3-HMAC-SHA256 (签名方法 v3) ──────────────────────────────────────────────────

def tencent_sign(secret_key: str, service: str, method: str, headers: dict[str, str],
                 signed_headers: str, body: bytes, timestamp: int) -> str:
    day = datetime.fromtimestamp(timestamp, tz=timezone.utc).date().isoformat()
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n"
                                for name in signed_headers.split(";"))
    canonical = (f"{method}\n/\n\n{canonical_headers}\n{signed_headers}\n"
                 f"{hashlib.sha256(body).hexdigest()}")
    to_sign = ("TC3-HMAC-SHA256\n" + str(timestamp) + "\n" + f"{day}/{service}/tc3_request\n"
               + hashlib.sha256(canonical.encode()).hexdigest())
    key = ("TC3" + secret_key).encode()
    for part in (day, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class FakeGateway:
    """A gateway on 127.0.0.1. `answer`: "ok", "throttled", "throttled_day", "refused".
    `received`: each request's parameters and whether its signature was right."""

    def __init__(self, key_id: str, secret: str):
        self.key_id, self.secret = key_id, secret
        self.answer = "ok"
        self.received: list[dict] = []
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        response = Response(json.dumps(self.handle(request), ensure_ascii=False),
                            status=self.status, content_type="application/json")
        return response(environ, start_response)


class FakeAliyun(FakeGateway):
    def handle(self, request: Request) -> dict:
        params = request.form.to_dict()
        signature_ok = (params.get("AccessKeyId") == self.key_id
                        and params.get("Signature") == aliyun_sign(self.secret, request.method,
                                                                    params))
        self.received.append({**params, "signature_ok": signature_ok})
        self.status = 200
        if not signature_ok:
            self.status = 400
            return {"RequestId": "D9B2A9A5-0001", "HostId": "dysmsapi.aliyuncs.com",
                    "Code": "SignatureDoesNotMatch",
                    "Message": "Specified signature is not matched with our calculation."}
        missing = {"Action", "Version", "PhoneNumbers", "SignName", "TemplateCode",
                   "SignatureNonce", "Timestamp", "Format"} - set(params)
        if missing or params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            self.status = 400
            return {"RequestId": "D9B2A9A5-0002", "Code": "MissingParameter",
                    "Message": f"missing {sorted(missing)}"}
        return {
            "ok": {"Message": "OK", "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
                   "Code": "OK", "BizId": f"9006197469364984{len(self.received):02d}^0"},
            "throttled": {"Message": "触发分钟级流控Permits:1", "RequestId": "A1",
                          "Code": "isv.BUSINESS_LIMIT_CONTROL"},
            "throttled_day": {"Message": "触发天级流控Permits:10", "RequestId": "A2",
                              "Code": "isv.BUSINESS_LIMIT_CONTROL"},
            "refused": {"Message": "非法手机号", "RequestId": "A3",
                        "Code": "isv.MOBILE_NUMBER_ILLEGAL"},
        }[self.answer]


class FakeTencent(FakeGateway):
    def handle(self, request: Request) -> dict:
        body = request.get_data()
        headers = {name.lower(): value for name, value in request.headers.items()}
        fields = dict(part.strip().split("=", 1) for part in
                      headers.get("authorization", "x=y").split(" ", 1)[-1].split(","))
        credential = fields.get("Credential", "").split("/")
        timestamp = int(headers.get("x-tc-timestamp", "0"))
        signature_ok = (
            headers.get("authorization", "").startswith("TC3-HMAC-SHA256 ")
            and credential[0] == self.key_id
            and credential[1:] == [datetime.fromtimestamp(timestamp, tz=timezone.utc)
                                   .date().isoformat(), "sms", "tc3_request"]
            and {"content-type", "host"} <= set(fields.get("SignedHeaders", "").split(";"))
            and all(name in headers for name in fields.get("SignedHeaders", "").split(";"))
            and fields.get("Signature") == tencent_sign(self.secret, "sms", request.method,
                                                        headers, fields["SignedHeaders"],
                                                        body, timestamp))
        params = json.loads(body or b"{}")
        self.received.append({**params, "headers": headers, "signature_ok": signature_ok})
        self.status = 200
        if not signature_ok:
            return {"Response": {"Error": {
                "Code": "AuthFailure.SignatureFailure",
                "Message": "The provided credentials could not be validated. "
                           "Please check your signature is correct."},
                "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}
        if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
            return {"Response": {"Error": {"Code": "InvalidAction", "Message": "no such action"},
                                 "RequestId": "r2"}}
        number = (params.get("PhoneNumberSet") or [""])[0]
        status = {
            "ok": {"SerialNo": f"5000:10457106691570536578494996{len(self.received):02d}",
                   "Code": "Ok", "Message": "send success"},
            "throttled": {"SerialNo": "", "Code": "LimitExceeded.PhoneNumberOneHourLimit",
                          "Message": "the number of SMS messages sent from a single mobile "
                                     "number within 1 hour exceeds the upper limit"},
            "throttled_day": {"SerialNo": "", "Code": "LimitExceeded.PhoneNumberDailyLimit",
                              "Message": "the number of SMS messages sent from a single "
                                         "mobile number every day exceeds the upper limit"},
            "refused": {"SerialNo": "", "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                        "Message": "incorrect number format"},
        }[self.answer]
        return {"Response": {"SendStatusSet": [{
            **status, "PhoneNumber": number, "Fee": 1 if status["Code"] == "Ok" else 0,
            "SessionContext": params.get("SessionContext", ""), "IsoCode": "CN"}],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}
