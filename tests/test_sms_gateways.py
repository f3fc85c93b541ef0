"""The cloud SMS gateways (阿里云, 腾讯云) against local fake servers that check each request's
signature as the providers document it, and answer accepted, throttled or refused in the
provider's own format; delivery receipts pushed back settle the outbox rows."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts import one_time_codes
from portal.extensions import db as _db
from portal.messages import gateways, outbox, templates
from portal.messages.models import CODE_MASK, OutboxMessage
from portal.messages.outbox import deliver_due
from tests.support.accounts import submit
from tests.support.sms_gateways import (
    FakeAliyun,
    FakeTencent,
    aliyun_sign,
    tencent_sign,
)

PHONE = "13900000001"
REF = "HY-2026-7K3QX9"
KEY_ID, SECRET = "LTAI-test-key-id", "test-secret-never-used-anywhere"
RECEIPT_TOKEN = "receipt-secret-4a9f2c7e1b"
IDS = {"access.filed_in_name": "SMS_100001", "access.filed_in_name@en": "SMS_100002",
       "status.accepted": "SMS_100003", "code.register": "SMS_100004",
       "account.already_registered": "SMS_100005", "account.staff_password_link": "SMS_100006"}


# ── the fakes check signatures exactly as the providers document them ───────────────────────

def test_the_fake_aliyun_checks_the_documented_example():
    """阿里云 短信 签名机制's worked example (AccessKeySecret "testSecret")."""
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
              "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
              "Version": "2017-05-25"}
    assert aliyun_sign("testSecret", "GET", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_fake_tencent_checks_the_documented_example():
    """腾讯云 签名方法 v3's worked example (CVM DescribeInstances, timestamp 1551113065)."""
    body = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], ' \
           b'"Name": "instance-name"}]}'
    headers = {"content-type": "application/json; charset=utf-8",
               "host": "cvm.tencentcloudapi.com"}
    assert tencent_sign("Gu5t9xGARNpq86cd98joQYCN3*******", "cvm", "POST", headers,
                        "content-type;host", body, 1551113065) == \
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


# ── set-up ──────────────────────────────────────────────────────────────────────────────────

@pytest.fixture(params=["aliyun", "tencent"])
def gateway(request, app, db, monkeypatch):
    """SMS_BACKEND set to the gateway, pointed at its fake; yields the fake."""
    provider = request.param
    fake = (FakeAliyun if provider == "aliyun" else FakeTencent)(KEY_ID, SECRET)
    fake.provider = provider
    settings = {"SMS_BACKEND": provider, "SMS_SIGN_NAME": "鄠邑区残疾人服务",
                "SMS_TEMPLATE_IDS": ",".join(f"{k}={v}" for k, v in IDS.items()),
                "SMS_RECEIPT_TOKEN": RECEIPT_TOKEN, "SMS_TIMEOUT_SECONDS": 5}
    if provider == "aliyun":
        settings.update(ALIYUN_SMS_ACCESS_KEY_ID=KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET=SECRET,
                        ALIYUN_SMS_ENDPOINT=fake.url)
    else:
        settings.update(TENCENT_SMS_SECRET_ID=KEY_ID, TENCENT_SMS_SECRET_KEY=SECRET,
                        TENCENT_SMS_SDK_APP_ID="1400006666", TENCENT_SMS_ENDPOINT=fake.url)
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield fake
    fake.stop()


def _sent_values(fake) -> dict:
    """The template values the fake received, by name (腾讯云: by position in the template)."""
    request = fake.received[-1]
    if fake.provider == "aliyun":
        return json.loads(request["TemplateParam"])
    return dict(zip(templates.order("access.filed_in_name", "zh_Hans_CN"),
                    request["TemplateParamSet"]))


def _template_id(fake) -> str:
    request = fake.received[-1]
    return request["TemplateCode"] if fake.provider == "aliyun" else request["TemplateId"]


def _row(message) -> OutboxMessage:
    _db.session.expire_all()
    return _db.session.get(OutboxMessage, message.id)


# ── sending ─────────────────────────────────────────────────────────────────────────────────

def test_an_accepted_message_is_sent_with_its_template_and_id(app, gateway):
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    request = gateway.received[-1]
    assert request["signature_ok"]
    assert _template_id(gateway) == "SMS_100001" and _sent_values(gateway) == {"ref": REF}
    if gateway.provider == "aliyun":
        assert request["PhoneNumbers"] == PHONE and request["SignName"] == "鄠邑区残疾人服务"
        assert request["OutId"] == str(message.id)
    else:
        assert request["PhoneNumberSet"] == ["+86" + PHONE]
        assert request["SignName"] == "鄠邑区残疾人服务" and request["SmsSdkAppId"] == "1400006666"
        assert request["SessionContext"] == str(message.id)
    assert row.status == "sent" and row.attempts == 1 and row.last_error is None
    assert row.provider == gateway.provider and row.provider_message_id
    assert deliver_due().handled == 0 and len(gateway.received) == 1   # never sent twice


def test_english_goes_in_english_and_falls_back_to_the_chinese_template(app, gateway,
                                                                        monkeypatch):
    outbox.send(PHONE, "status.accepted", {"programme": "nursing_allowance", "ref": REF,
                                           "due": "2026-12-04"}, locale="en")
    request = gateway.received[-1]
    assert _template_id(gateway) == "SMS_100003"       # no English template: the Chinese one
    values = json.dumps(request, ensure_ascii=False)
    assert "重度残疾人护理补贴" in values and "2026年12月4日" in values
    assert "nursing" not in values.lower()

    outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="en")
    assert _template_id(gateway) == "SMS_100002"       # the English one where registered


def test_a_code_reaches_the_gateway_and_is_never_stored(app, gateway):
    with app.test_request_context():
        one_time_codes.send(PHONE, "register", locale="zh_Hans_CN")
    request = gateway.received[-1]
    sent = json.loads(request["TemplateParam"]) if gateway.provider == "aliyun" else \
        dict(zip(templates.order("code.register", "zh_Hans_CN"), request["TemplateParamSet"]))
    assert re.fullmatch(r"\d{6}", sent["code"]) and sent["minutes"] == "10"
    row = _db.session.scalar(select(OutboxMessage))
    assert row.status == "sent" and row.sealed_code is None
    assert row.params["code"] == CODE_MASK and sent["code"] not in row.body
    assert one_time_codes.verify(PHONE, "register", sent["code"]).ok


def test_a_link_goes_as_its_token_only_and_stays_sealed(app, gateway):
    """The staff password link: the template holds the fixed address, the gateway gets the
    token alone, the outbox never keeps it readable."""
    from portal.accounts import staff
    from tests.support.accounts import make_account

    admin = make_account("admin", phone="13800000005")
    colleague = make_account("street_officer", street="ganting", phone=PHONE)
    with app.test_request_context():
        staff.reset_password(admin, colleague)
    request = gateway.received[-1]
    names = templates.order("account.staff_password_link", "zh_Hans_CN")
    sent = json.loads(request["TemplateParam"]) if gateway.provider == "aliyun" else \
        dict(zip(names, request["TemplateParamSet"]))
    assert "/" not in sent["link"] and sent["hours"] == str(staff.link_hours())
    with app.test_request_context():
        assert staff.account_for_link(sent["link"]).id == colleague.id
    row = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == PHONE))
    assert row.status == "sent" and row.sealed_code is None
    assert row.params["link"].endswith("/staff/password/" + CODE_MASK)
    assert sent["link"] not in row.body


def test_throttling_is_tried_again_later(app, gateway):
    gateway.answer = "throttled"
    before = datetime.now(timezone.utc)
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    assert row.status == "pending" and row.attempts == 1 and row.provider_message_id is None
    code = "isv.BUSINESS_LIMIT_CONTROL" if gateway.provider == "aliyun" else \
        "LimitExceeded.PhoneNumberOneHourLimit"
    assert code in row.last_error
    wait = 60 if gateway.provider == "aliyun" else 3600      # the limit's own period
    assert row.next_attempt_at.replace(tzinfo=timezone.utc) >= before + timedelta(seconds=wait)

    gateway.answer = "ok"                   # the limit has passed: the sweep sends it
    assert deliver_due(now=before + timedelta(seconds=wait + 5)).sent == 1
    assert _row(message).status == "sent" and _row(message).attempts == 2


def test_a_daily_limit_waits_for_the_next_day(app, gateway):
    gateway.answer = "throttled_day"
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    district = ZoneInfo("Asia/Shanghai")
    tomorrow = (datetime.now(district) + timedelta(days=1)).date()
    retry = row.next_attempt_at.replace(tzinfo=timezone.utc).astimezone(district)
    assert row.status == "pending" and retry.date() == tomorrow and retry.hour == 0


def test_a_refused_message_fails_at_once(app, gateway):
    gateway.answer = "refused"
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    code = "isv.MOBILE_NUMBER_ILLEGAL" if gateway.provider == "aliyun" else \
        "InvalidParameterValue.IncorrectPhoneNumber"
    assert row.status == "failed" and row.attempts == 1 and code in row.last_error
    assert deliver_due().handled == 0


def test_a_wrong_key_is_refused_by_the_fake_and_retried(app, gateway, monkeypatch):
    key = "ALIYUN_SMS_ACCESS_KEY_SECRET" if gateway.provider == "aliyun" \
        else "TENCENT_SMS_SECRET_KEY"
    monkeypatch.setitem(app.config, key, "not-the-secret")
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    assert gateway.received[-1]["signature_ok"] is False
    assert row.status == "pending" and "Signature" in row.last_error   # kept for a retry


def test_a_message_without_a_template_id_fails_and_names_the_kind(app, gateway):
    message = outbox.send(PHONE, "access.unlinked", locale="zh_Hans_CN")
    row = _row(message)
    assert row.status == "failed" and "access.unlinked" in row.last_error
    assert gateway.received == []


def test_a_gateway_that_cannot_be_reached_is_retried(app, gateway, monkeypatch):
    gateway.stop()
    key = "ALIYUN_SMS_ENDPOINT" if gateway.provider == "aliyun" else "TENCENT_SMS_ENDPOINT"
    monkeypatch.setitem(app.config, key, gateway.url)   # nobody listens there any more
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    assert _row(message).status == "pending" and "ConnectionError" in _row(message).last_error
    gateway.server = type("Stopped", (), {"shutdown": lambda self: None})()


def test_a_failing_gateway_never_breaks_the_page_that_queued_the_text(app, client, gateway,
                                                                      monkeypatch):
    from tests.support.accounts import make_account

    make_account("resident", phone=PHONE)
    gateway.answer = "refused"
    response = submit(client, "/account/register", {"phone": PHONE})  # texts "already registered"
    assert response.status_code in (302, 303)
    assert response.location.startswith("/account/register/code")
    row = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == PHONE))
    assert row.kind == "account.already_registered" and row.status == "failed"


# ── delivery receipts ───────────────────────────────────────────────────────────────────────

def _receipt(provider: str, message: OutboxMessage, delivered: bool, phone: str = PHONE):
    if provider == "aliyun":
        return [{"phone_number": phone, "send_time": "2026-12-05 10:00:00",
                 "report_time": "2026-12-05 10:00:05", "success": delivered,
                 "err_code": "DELIVERED" if delivered else "MK:0001",
                 "err_msg": "用户接收成功" if delivered else "空号", "sms_size": "1",
                 "biz_id": message.provider_message_id, "out_id": str(message.id)}]
    return [{"user_receive_time": "2026-12-05 10:00:05", "nationcode": "86", "mobile": phone,
             "report_status": "SUCCESS" if delivered else "FAIL",
             "errmsg": "DELIVRD" if delivered else "MK:0001",
             "description": "用户短信送达成功" if delivered else "空号",
             "sid": message.provider_message_id}]


RECEIVED = {"aliyun": {"code": 0, "msg": "接收成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


def test_a_delivery_receipt_marks_the_message_delivered(app, client, gateway):
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    response = client.post(f"/sms/receipts/{gateway.provider}/{RECEIPT_TOKEN}",
                           json=_receipt(gateway.provider, row, True))   # no CSRF token
    assert response.status_code == 200 and response.get_json() == RECEIVED[gateway.provider]
    assert "set-cookie" not in {name.lower() for name in response.headers.keys()}
    row = _row(message)
    assert row.status == "delivered" and row.delivered_at is not None


def test_a_failure_receipt_marks_the_message_failed_with_the_code(app, client, gateway):
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    client.post(f"/sms/receipts/{gateway.provider}/{RECEIPT_TOKEN}",
                json=_receipt(gateway.provider, _row(message), False))
    row = _row(message)
    assert row.status == "failed" and "MK:0001" in row.last_error and PHONE not in row.last_error
    # a later, contradicting receipt does not settle it again
    client.post(f"/sms/receipts/{gateway.provider}/{RECEIPT_TOKEN}",
                json=_receipt(gateway.provider, _row(message), True))
    assert _row(message).status == "failed"


def test_receipts_that_do_not_fit_change_nothing_and_reveal_nothing(app, client, gateway):
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    row = _row(message)
    path = f"/sms/receipts/{gateway.provider}/{RECEIPT_TOKEN}"
    wrong_number = client.post(path, json=_receipt(gateway.provider, row, True, "13900000002"))
    other = SimpleNamespace(id=row.id, provider_message_id="no-such-id")
    unknown = client.post(path, json=_receipt(gateway.provider, other, True))
    assert wrong_number.get_data() == unknown.get_data()
    assert unknown.get_json() == RECEIVED[gateway.provider]
    assert _row(message).status == "sent"
    assert client.post(path, data="not json", content_type="text/plain").status_code == 400


def test_a_receipt_without_the_secret_is_not_found(app, client, gateway):
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    payload = _receipt(gateway.provider, _row(message), True)
    for path in (f"/sms/receipts/{gateway.provider}/wrong-token",
                 f"/sms/receipts/{gateway.provider}/",
                 f"/sms/receipts/nobody/{RECEIPT_TOKEN}"):
        response = client.post(path, json=payload)
        assert response.status_code == 404, path
        assert PHONE not in response.get_data(as_text=True)
    assert _row(message).status == "sent"


def test_no_receipts_are_taken_without_a_configured_secret(app, client, gateway, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RECEIPT_TOKEN", None)
    message = outbox.send(PHONE, "access.filed_in_name", {"ref": REF}, locale="zh_Hans_CN")
    response = client.post(f"/sms/receipts/{gateway.provider}/None",
                           json=_receipt(gateway.provider, _row(message), True))
    assert response.status_code == 404 and _row(message).status == "sent"


# ── configuration ───────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_gateway_without_its_settings_refuses_to_start(provider):
    with pytest.raises(gateways.NotConfigured) as refused:
        create_app({"ENV_NAME": "testing", "SMS_BACKEND": provider, "SMS_SIGN_NAME": "x",
                    "SMS_TEMPLATE_IDS": "access.unlinked=1"})
    assert "KEY" in str(refused.value) or "SECRET" in str(refused.value)


def test_template_ids_name_only_known_templates():
    assert gateways.template_ids("access.unlinked=SMS_1,\n access.unlinked@en = SMS_2") == \
        {"access.unlinked": "SMS_1", "access.unlinked@en": "SMS_2"}
    with pytest.raises(gateways.NotConfigured):
        gateways.template_ids("access.no_such_text=SMS_1")
    with pytest.raises(gateways.NotConfigured):
        gateways.template_ids("access.unlinked")


def test_make_run_keeps_texts_in_the_outbox():
    """`make run` sets no SMS_BACKEND, and without one texts stay in the outbox."""
    import os
    from pathlib import Path

    from portal.config import ROOT, DevelopmentConfig

    makefile = Path(ROOT, "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(FLASK) run" in recipe and "SMS_BACKEND" not in recipe
    if "SMS_BACKEND" in os.environ:
        pytest.skip("SMS_BACKEND is set in this environment")
    assert DevelopmentConfig.SMS_BACKEND == "outbox"
