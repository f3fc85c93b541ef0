"""End to end on a real server (gunicorn from the venv, driven with `requests`): a second claim
for a person whose own 困难残疾人生活补贴 is in public notice is submitted, flagged for staff on
both cases, held, and resolved by merging (issue 14)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from portal.applications.models import Application, DuplicateFlag, StatusEvent
from portal.audit.models import AuditEvent
from portal.messages.models import OutboxMessage
from tests.support.apply import fill_all, luhn_complete, post, start_for_other
from tests.support.accounts import make_account, sign_in
from tests.support.pages import spoken_text

ROOT = Path(__file__).resolve().parent.parent
NEIGHBOUR = "13900000019"
OTHER_CARD = luhn_complete("621700555566667")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def server(app, db):
    """gunicorn serving the test database (testing configuration: /_test/sign-in exists)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.fail(f"gunicorn is not installed in the virtual environment ({gunicorn})")
    port = _free_port()
    env = {**os.environ, "PORTAL_ENV": "testing",
           "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "SMS_BACKEND": "outbox"}
    process = subprocess.Popen(
        [str(gunicorn), "portal:create_app()", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base + "/help", timeout=10).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
        time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Visitor:
    """One browser: a requests session that signs in through /_test/sign-in and sends forms
    with the page's own CSRF token."""

    def __init__(self, base: str, phone: str):
        self.base = base
        self.session = requests.Session()
        response = self.session.get(f"{base}/_test/sign-in/{phone}", allow_redirects=False)
        assert response.status_code == 302

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, allow_redirects=False, timeout=30)

    def send(self, path: str, data: dict) -> requests.Response:
        page = self.get(path).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return self.session.post(self.base + path, data={"csrf_token": token, **data},
                                 allow_redirects=False, timeout=30)


def test_submit_flag_and_merge_on_a_real_server(app, client, db, server):
    # The daughter's application for her mother, in public notice (filed in-process: setup).
    sign_in(client, make_account(phone="13911112222", name="李红"))
    draft_id = start_for_other(client, "living_allowance")
    fill_all(client, draft_id, "living_allowance")
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    first = db.session.scalar(select(Application))
    first.status, first.status_changed_at = "public_notice", datetime.now(timezone.utc)
    db.session.add(StatusEvent(application_id=first.id, from_status="submitted",
                               to_status="public_notice"))
    # The neighbour's complete draft for the same person, with another bank card.
    with app.test_client() as neighbour:
        sign_in(neighbour, make_account(phone=NEIGHBOUR, name="邻居"))
        neighbours_draft = start_for_other(neighbour, "living_allowance")
        fill_all(neighbour, neighbours_draft, "living_allowance")
        assert post(neighbour, f"/apply/drafts/{neighbours_draft}/payment", {
            "method": "bank_card", "bank_name": "中国建设银行鄠邑支行",
            "account_holder": "王秀英", "card_number": OTHER_CARD}).status_code == 303
    civil = make_account("civil_affairs", phone="13800000093")
    first_reference, civil_phone, civil_id = first.reference, civil.phone, civil.id
    db.session.commit()
    db.session.close()

    # 1. The neighbour submits on the real server: accepted, and told nothing of the other.
    resident = Visitor(server, NEIGHBOUR)
    response = resident.send(f"/apply/drafts/{neighbours_draft}/check", {"declaration": "y"})
    assert response.status_code == 303, spoken_text(response.text)[:2000]
    confirmation = resident.get(response.headers["Location"])
    assert confirmation.status_code == 200
    assert first_reference not in confirmation.text and "同一事项" not in confirmation.text
    second_reference = re.search(r"HY-\d{4}-[0-9A-Z]{6}", response.headers["Location"]).group(0)

    # 2. Staff see the flag on both cases, side by side, and in the queue.
    officer = Visitor(server, civil_phone)
    newer_page = spoken_text(officer.get(f"/staff/applications/{second_reference}").text)
    assert "可能重复的申请" in newer_page and first_reference in newer_page
    assert re.search(r"卡号 尾号\d{4} 尾号" + OTHER_CARD[-4:] + " 不同", newer_page)
    assert OTHER_CARD not in newer_page
    older_page = spoken_text(officer.get(f"/staff/applications/{first_reference}").text)
    assert "可能重复的申请" in older_page and second_reference in older_page
    flag_path = re.search(rf"/staff/applications/{second_reference}/duplicates/\d+",
                          officer.get(f"/staff/applications/{second_reference}").text).group(0)

    # 3. Resolved by merging, with a reason (none: refused).
    refused = officer.send(flag_path, {"resolution": "merged", "reason": "  "})
    assert refused.status_code == 400 and "请写明处理理由" in refused.text
    merged = officer.send(flag_path, {"resolution": "merged",
                                      "reason": "电话核实：与女儿的申请是同一人，以女儿的为准。"})
    assert merged.status_code == 303
    older_page = spoken_text(officer.get(f"/staff/applications/{first_reference}").text)
    assert f"申请{second_reference}已并入这份申请" in older_page
    assert f"卡号（申请{second_reference}填写的） 尾号{OTHER_CARD[-4:]}" in older_page
    status_page = spoken_text(resident.get(f"/status/applications/{second_reference}/").text)
    assert "已合并" in status_page and first_reference not in status_page

    # What the server stored: the flag settled, both timelines, the audit, the texts.
    db.session.expire_all()
    second = db.session.scalar(select(Application).where(
        Application.reference == second_reference))
    assert second.status == "merged"
    flag = db.session.scalar(select(DuplicateFlag))
    assert (flag.resolution, flag.resolved_by_account_id) == ("merged", civil_id)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"duplicate.compare", "duplicate.resolve"} <= actions
    texts = {}
    for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        texts.setdefault(message.recipient, []).append(message.body)
    # the number given in the older one (status texts go to it too, so look at every text)
    assert any("以您的名义" in body for body in texts["13911112222"])
    assert any(second_reference in body and "并入" in body for body in texts[NEIGHBOUR])
