"""An administrator resets a colleague's forgotten password on the accounts page (before, only
`flask set-staff-password` could): the old password stops working and every session ends,
a one-time link goes by text to the colleague's own phone (sealed in the outbox), the
colleague sets a new password there and signs in with it and their second factor. Audited;
admin only; never one's own; a used, replaced or expired link says only that it cannot be
used."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Account
from portal.accounts.passwords import verify_password
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from portal.messages import sms
from portal.messages.models import OutboxMessage
from tests.conftest import csrf_token
from tests.support.accounts import (
    STAFF_PASSWORD,
    STAFF_PHONE,
    make_account,
    make_staff,
    sign_in,
    sign_in_through_form,
)

NEW_PASSWORD = "Lantern-Orchard-58"


@pytest.fixture()
def people(db):
    return {"admin": make_account("admin", name="孙伟"),
            "officer": make_staff(), "other": make_account("street_officer")}


def reset(client, admin, officer):
    sign_in(client, admin)
    path = f"/staff/accounts/{officer.id}/password/reset"
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def link_in_text(phone: str) -> str:
    message = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == phone)
                                  .order_by(OutboxMessage.id.desc())).first()
    assert message is not None
    assert "/staff/password/" + sms.CODE_MASK in message.body   # the link sealed at rest
    match = re.search(r"https?://[^/]+(/staff/password/\S+)", sms.readable_text(message))
    return match.group(1)


def set_password(client, path, password, confirm=None):
    return client.post(path, data={"csrf_token": csrf_token(client, path),
                                   "password": password,
                                   "confirm": password if confirm is None else confirm})


def test_the_admin_resets_a_password_and_the_colleague_sets_a_new_one(client, people):
    admin, officer = people["admin"], people["officer"]
    before = officer.session_version
    sign_in(client, admin)
    listing = client.get("/staff/accounts").get_data(as_text=True)
    assert f"/staff/accounts/{officer.id}/password/reset" in listing
    page = client.get(f"/staff/accounts/{officer.id}/password/reset").get_data(as_text=True)
    assert "只能用一次" in page and "小时内有效" in page
    # The masked number has a spoken form ("尾号…"), on the page and in the message after.
    last_four = officer.phone[-4:]
    assert f'<span class="visually-hidden">尾号{last_four}</span>' in page

    response = reset(client, admin, officer)
    assert response.status_code == 303
    done_page = client.get(response.location).get_data(as_text=True)
    assert "已重置" in done_page and f'<span class="visually-hidden">尾号{last_four}</span>' \
        in done_page
    _db.session.expire_all()
    officer = _db.session.get(Account, officer.id)
    assert not verify_password(officer.password_hash, STAFF_PASSWORD)   # gone at once
    assert officer.session_version > before                            # sessions ended
    [event] = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.password_reset")).all()
    assert event.actor_account_id == admin.id and event.detail["account_id"] == officer.id
    path = link_in_text(officer.phone)

    client.get("/_test/sign-out")
    form = client.get(path)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    weak = set_password(client, path, "password")
    assert weak.status_code == 200 and "<title>错误：" in weak.get_data(as_text=True)
    mismatch = set_password(client, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "两次输入的密码不一样" in mismatch.get_data(as_text=True)
    done = set_password(client, path, NEW_PASSWORD)
    assert done.status_code == 200 and "新密码已设置好" in done.get_data(as_text=True)
    assert _db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                              .where(AuditEvent.actor_account_id == officer.id)) \
        == "account.password_set"

    used = client.get(path)                                   # once only
    assert used.status_code == 404 and "这个链接已经不能用了" in used.get_data(as_text=True)
    signed_in = sign_in_through_form(client, STAFF_PHONE, NEW_PASSWORD, page="/staff/sign-in")
    assert signed_in.status_code == 303 and "/staff/sign-in" not in signed_in.location


def test_a_newer_reset_or_time_makes_a_link_useless(app, client, people, monkeypatch):
    admin, officer = people["admin"], people["officer"]
    reset(client, admin, officer)
    first = link_in_text(officer.phone)
    reset(client, admin, officer)
    second = link_in_text(officer.phone)
    client.get("/_test/sign-out")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    monkeypatch.setitem(app.config, "PASSWORD_LINK_HOURS", -1)
    assert client.get(second).status_code == 404
    assert client.get("/staff/password/forged.token").status_code == 404


def test_only_an_admin_and_never_for_their_own_account(client, people):
    admin, officer, other = people["admin"], people["officer"], people["other"]
    sign_in(client, other)
    assert client.get(f"/staff/accounts/{officer.id}/password/reset").status_code == 403
    sign_in(client, admin)
    assert client.get(f"/staff/accounts/{admin.id}/password/reset").status_code == 404
    assert client.get("/staff/accounts/999999/password/reset").status_code == 404
