"""No ID number, card number, phone number, name or one-time code in any log line on the main
journeys (issue 21). tests/conftest.py runs the same search over every test of the run
(tests/support/log_sweep.py); here the journeys are driven on purpose, with the failures
that log, and both the records as written and the lines as formatted are searched."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import insert

from portal.accounts.models import Account
from portal.messages import sms
from portal.observability import logs
from tests.conftest import csrf_token
from tests.support import log_sweep
from tests.support.accounts import (
    RESIDENT,
    STAFF,
    last_code,
    make_account,
    make_staff,
    sign_in,
    sign_in_through_form,
    submit,
)
from tests.support.apply import CARD, MOTHER_ID, fill_all, post, start_for_other

NEW_PHONE = "13700004444"


class Everything(logging.Handler):
    """Each record as written (unmasked) and as the portal's JSON handler writes it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.raw: list[str] = []
        self.lines: list[str] = []
        self.json = logs.formatter("json")
        self.context = logs.Context()

    def emit(self, record):
        self.raw.append(log_sweep.record_text(record))
        self.context.filter(record)
        self.lines.append(self.json.format(record))


@pytest.fixture()
def captured():
    handler = Everything()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)     # every line a library could write, not just INFO up
    yield handler
    root.setLevel(level)
    root.removeHandler(handler)


class FailingGateway:
    """An SMS gateway whose error quotes the number and the text, as real ones do."""

    def __init__(self, app):
        pass

    def deliver(self, message):
        raise ConnectionError(f"gateway refused {message.recipient}: {message.text}")


def _offences(texts: list[str], extra: tuple[str, ...]) -> list[tuple[str, str]]:
    found = [offence for text in texts for offence in log_sweep.offences(text)]
    return found + [("value", value) for value in extra for text in texts if value in text]


def test_the_main_journeys_log_no_personal_data(app, client, db, captured, monkeypatch):
    # Register with a code (the code travels through the outbox and the delivery task).
    submit(client, "/account/register", {"phone": NEW_PHONE})
    code = last_code(NEW_PHONE)
    submit(client, "/account/register/code", {"code": code})
    submit(client, "/account/register/details",
           {"display_name": "王小明", "password": "xiaoming-de-mima-7"})
    client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/account/")})

    # Sign in through the form (a wrong password first), as the resident.
    make_account(**RESIDENT)
    sign_in_through_form(client, password="not-the-password")
    sign_in_through_form(client)

    # Apply for the mother, with her ID and card numbers, and send it.
    sign_in(client, make_account(phone="13911112222", name="李红"), fresh=True)
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303

    # Staff: sign in with the second factor, search by the full ID number, act on it – with
    # a gateway that fails and quotes the number and the text in its error.
    monkeypatch.setitem(sms.BACKENDS, "failing-test-gateway", FailingGateway)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "failing-test-gateway")
    make_staff()
    client.delete_cookie("session")
    assert sign_in_through_form(client, phone=STAFF["phone"], password=STAFF["password"],
                                page="/staff/sign-in").status_code == 303
    found = client.post("/staff/queue", data={"csrf_token": csrf_token(client, "/staff/queue"),
                                              "view": "all", "q": MOTHER_ID})
    assert found.status_code == 303 and MOTHER_ID not in found.location  # sealed in the URL
    assert client.get(found.location).status_code == 200
    from portal.applications.models import Application

    application = db.session.query(Application).one()
    path = f"/staff/applications/{application.reference}/actions/accept"
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        client.get(path).get_data(as_text=True)).group(1)
    assert client.post(path, data={"csrf_token": csrf_token(client, path), "version": version,
                                   "note": "材料齐全"}).status_code == 303

    # A database error with personal values in its statement, logged as the error page does.
    # (The values are not on the failing line: a traceback quotes the test's source.)
    db.session.rollback()
    taken = {"id": db.session.query(Account.id).first()[0], "phone": "13911112222",
             "display_name": "李红", "password_hash": "x", "role": "resident"}
    try:
        db.session.execute(insert(Account).values(**taken))
    except Exception as error:   # noqa: BLE001 – the duplicate key
        logging.getLogger("portal").error("Unhandled error", exc_info=error)
    db.session.rollback()

    assert any("Text message" in line and "not sent" in line for line in captured.lines)
    assert any("Unhandled error" in line and "IntegrityError" in line
               for line in captured.lines)
    values = (NEW_PHONE, code, "王小明", MOTHER_ID, MOTHER_ID[-6:], CARD, "13911112222",
              "李红", "王秀英", RESIDENT["phone"], STAFF["phone"])
    assert _offences(captured.raw, values) == []
    assert _offences(captured.lines, values) == []


def test_the_sweep_finds_each_kind_of_personal_data():
    """The search itself (else a sweep that finds nothing would prove nothing)."""
    log_sweep.ISSUED_CODES.add("407133")
    text = ("to 13900000001 about 11010519491231002X, card 6222021234567894, "
            "for 王秀兰, code 407133; request 0a13912345678b, took 0.00934228100004475 s")
    kinds = {kind for kind, _value in log_sweep.offences(text)}
    assert kinds == {"mobile", "ID number", "number", "name", "one-time code"}
    assert log_sweep.offences("request 0a13912345678b took 0.00934228100004475 s") == []


def test_the_sweep_records_an_offending_line_with_its_test(tmp_path):
    recorder = log_sweep.Recorder(tmp_path)
    recorder.handle(logging.LogRecord("portal.x", logging.INFO, __file__, 1,
                                      "texting %s", ("13900000001",), None))
    [line] = log_sweep.read_offences(tmp_path)
    assert "test_the_sweep_records_an_offending_line_with_its_test" in line
    assert "mobile '13900000001'" in line


def test_the_per_phone_rate_limit_counts_by_a_keyed_hash_not_the_number(app):
    """Flask-Limiter logs the key of a limit reached (and stores its counters under it)."""
    from portal.account.limits import per_phone

    keys = []
    for typed in ("13700001111", "137 0000 1111", "13700001112"):
        with app.test_request_context("/account/register", method="POST",
                                      data={"phone": typed}):
            keys.append(per_phone())
    assert keys[0] == keys[1] != keys[2]          # one number, one count
    assert all(re.fullmatch(r"phone:[0-9a-f]{32}", key) for key in keys)
