"""Delivery receipts pushed by the SMS gateways: POST /sms/receipts/<provider>/<token>.

The gateway's own address for its pushes (configured in its console) is this one with the
secret SMS_RECEIPT_TOKEN as the last part: neither 阿里云 nor 腾讯云 signs its pushes, so the
secret in the address is what shows the push comes from the gateway. A wrong or missing token,
an unknown provider, or no SMS_RECEIPT_TOKEN configured: 404, like any address that does not
exist. Not a form: no CSRF token (the gateway cannot have one; a POST a browser says another
site made is still refused, as for every token-less route – portal/web/same_origin.py), no
session, no resident rate limit (a gateway pushes many at once). The answer is the gateway's
"received" in its own format, whatever the reports named – it tells nothing about any message.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from portal.extensions import limiter
from portal.messages import receipts
from portal.web.same_origin import tokenless

bp = Blueprint("sms_receipts", __name__, url_prefix="/sms/receipts")
tokenless(bp)
limiter.exempt(bp)

# What each gateway expects back (HTTP 200 and this body; anything else it pushes again).
RECEIVED = {"aliyun": {"code": 0, "msg": "接收成功"}, "tencent": {"result": 0, "errmsg": "OK"}}
REFUSED = {"aliyun": {"code": 1, "msg": "bad request"},
           "tencent": {"result": 1, "errmsg": "bad request"}}


@bp.route("/<provider>/<token>", methods=["POST"])
def receive(provider: str, token: str):
    secret = current_app.config.get("SMS_RECEIPT_TOKEN") or ""
    if provider not in RECEIVED or not secret or \
            not hmac.compare_digest(token.encode(), secret.encode()):
        abort(404)
    try:
        receipts.apply(provider, request.get_json(force=True, silent=True))
    except receipts.BadReport:
        return jsonify(REFUSED[provider]), 400
    return jsonify(RECEIVED[provider])
