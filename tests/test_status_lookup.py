"""The family look-up without an account: reference + ID number → a code to the applicant's
phone → status and timeline, masked, for a limited time. Never tells whether a reference
exists; rate-limited per address and per reference + ID number pair (never per reference
alone, which would let anyone who knows a reference lock the family out)."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from portal.accounts import family_lookup
from portal.accounts.models import OneTimeCode
from portal.audit.models import AuditEvent
from portal.extensions import db, limiter
from portal.messages import sms
from portal.messages.models import OutboxMessage
from portal.people import identity
from tests.support.staff import make_id_number
from tests.support.status import family, messages_to, post, request_info
from tests.support.accounts import last_code
from tests.support.pages import main_text

WRONG_ID = make_id_number("610118", __import__("datetime").date(1960, 1, 1), 7)
SAME_ANSWER = "如果信息正确，我们已向申请时登记的手机号发送了验证码"


def _start(client, reference, id_number):
    return post(client, "/status/lookup", {"reference": reference, "id_number": id_number})


def _code(phone):
    return last_code(phone)   # as the SMS sender reads it: the outbox keeps it sealed


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("reference", ["HY-2026-7K3QX9", "  hy 2026 7k3qx9 ", "HY20267K3QX9",
                                       "ＨＹ－２０２６－７Ｋ３ＱＸ９", "hy—2026–7k3qx9"])
def test_references_are_read_forgivingly(app, reference):
    with app.app_context():
        assert family_lookup.parse_reference(reference) == "HY-2026-7K3QX9"


@pytest.mark.parametrize("reference", ["", "HY-2026", "AB-2026-7K3QX9", "HY-26-7K3QX9",
                                       "HY-2026-7K3QX9X"])
def test_what_cannot_be_a_reference_is_none(app, reference):
    with app.app_context():
        assert family_lookup.parse_reference(reference) is None


def test_matching_details_send_a_code_to_the_applicants_phone(client, db):
    f = family()
    response = _start(client, f.application.reference.lower(), f.mother_id)
    assert response.status_code == 303 and response.headers["Location"].endswith("/lookup/code")
    [message] = messages_to(f.daughter.phone)
    assert "查询您提交的申请的办理进度" in message.body and "******" in message.body
    assert re.search(r"\d{6}", sms.readable_text(message))
    page = client.get("/status/lookup/code")
    assert SAME_ANSWER in main_text(page)


@pytest.mark.parametrize("case", ["no_such_reference", "wrong_id"])
def test_details_that_do_not_match_get_the_same_answer_and_no_code(client, db, case):
    f = family()
    reference = "HY-2026-AAAAAA" if case == "no_such_reference" else f.application.reference
    id_number = f.mother_id if case == "no_such_reference" else WRONG_ID
    response = _start(client, reference, id_number)
    assert response.status_code == 303 and response.headers["Location"].endswith("/lookup/code")
    assert _count(OutboxMessage) == 0 and _count(OneTimeCode) == 0
    assert SAME_ANSWER in main_text(client.get("/status/lookup/code"))


@pytest.mark.timing
def test_the_answer_takes_the_same_time_either_way(app, client, db):
    f = family()
    app.config["LOOKUP_MIN_RESPONSE_SECONDS"] = 0.3
    try:
        timings = []
        for reference, id_number in ((f.application.reference, f.mother_id),
                                     ("HY-2026-AAAAAA", f.mother_id),
                                     (f.application.reference, WRONG_ID)):
            # The fastest of three tries: a loaded machine only ever adds time, so the minimum
            # is what the server itself takes.
            tries = []
            for _ in range(3):
                started = time.monotonic()
                _start(client, reference, id_number)
                tries.append(time.monotonic() - started)
            timings.append(min(tries))
    finally:
        app.config["LOOKUP_MIN_RESPONSE_SECONDS"] = 0.0
    assert all(t >= 0.3 for t in timings), timings
    assert max(timings) - min(timings) < 0.25, timings


def test_format_errors_are_explained(client, db):
    response = _start(client, "12345", "61011819510314002")
    text = main_text(response)
    assert response.status_code == 200
    assert "受理编号的格式是" in text and "身份证号码应为18位，您输入了17位。" in text
    assert 'value="12345"' in response.get_data(as_text=True)  # what was typed is kept
    empty = main_text(_start(client, "", ""))
    assert "请输入受理编号" in empty and "请输入身份证号码。" in empty


def test_the_right_code_shows_status_and_timeline_masked(client, db):
    f = family(status="accepted")
    request_info(f.application, f.officer, message="请补充王秀兰的残疾人证照片。", note="内部备注")
    _start(client, f.application.reference, f.mother_id)
    response = post(client, "/status/lookup/code", {"code": _code(f.daughter.phone)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/status/lookup/result")
    result = client.get("/status/lookup/result")
    text = main_text(result)
    html = result.get_data(as_text=True)
    assert "办理状态：需补充材料" in text and f.application.reference in text
    assert "王*兰" in text and f"身份证号码 尾号{f.mother_id[-4:]}" in text
    assert f.mother_id[:6] not in html and f.mother_id[6:14] not in html
    assert "王秀兰" not in html and f.mother_id not in html
    assert "工作人员请申请人补充材料。" in text        # what happened …
    assert "残疾人证照片" not in html and "内部备注" not in html   # … but no free text
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "application.lookup")).one()
    assert audit.object_id == f.application.reference and audit.actor_account_id is None


def test_a_code_works_once(client, db):
    f = family()
    _start(client, f.application.reference, f.mother_id)
    code = _code(f.daughter.phone)
    post(client, "/status/lookup/code", {"code": code})
    _start(client, f.application.reference, f.mother_id)
    # The first code is used up, and a new one replaced it anyway.
    response = post(client, "/status/lookup/code", {"code": code})
    assert response.status_code == 200 and "验证码不正确，或者已经失效" in main_text(response)


def test_every_failure_at_step_two_reads_the_same(client, db):
    f = family()
    # Details that never matched: any code is "wrong or no longer valid".
    _start(client, "HY-2026-AAAAAA", f.mother_id)
    unmatched = main_text(post(client, "/status/lookup/code", {"code": "123456"}))
    # Details that matched, wrong code – even after too many tries.
    _start(client, f.application.reference, f.mother_id)
    texts = [main_text(post(client, "/status/lookup/code", {"code": "000000"}))
             for _ in range(6)]
    message = "验证码不正确，或者已经失效。请核对短信里的验证码；如果还是不行，请返回上一步重新获取。"
    assert message in unmatched and all(message in t for t in texts)
    assert client.get("/status/lookup/result").status_code == 303


def test_step_two_without_step_one_goes_back(client, db):
    assert client.get("/status/lookup/code").headers["Location"].endswith("/status/lookup")


def test_the_result_closes_after_its_time(app, client, db):
    f = family()
    _start(client, f.application.reference, f.mother_id)
    post(client, "/status/lookup/code", {"code": _code(f.daughter.phone)})
    assert client.get("/status/lookup/result").status_code == 200
    with client.session_transaction() as session:
        shown = session["lookup_view"]
        opened = shown["until"] - app.config["LOOKUP_VIEW_MINUTES"] * 60
        assert 0 <= time.time() - opened < 60   # it was open for LOOKUP_VIEW_MINUTES …
        session["lookup_view"] = {**shown, "until": time.time() - 1}   # … and now it is over
    response = client.get("/status/lookup/result")
    assert response.status_code == 303 and response.headers["Location"].endswith("/lookup")
    assert "查询结果只保留15分钟" in main_text(client.get("/status/lookup"))


def test_ending_the_look_up_closes_the_result(client, db):
    f = family()
    _start(client, f.application.reference, f.mother_id)
    post(client, "/status/lookup/code", {"code": _code(f.daughter.phone)})
    response = post(client, "/status/lookup/end", page="/status/lookup/result")
    assert response.status_code == 303
    assert client.get("/status/lookup/result").status_code == 303


def test_the_result_is_in_the_visitors_language(english_client, db):
    f = family()
    _start(english_client, f.application.reference, f.mother_id)
    post(english_client, "/status/lookup/code", {"code": _code(f.daughter.phone)})
    text = main_text(english_client.get("/status/lookup/result"))
    assert "Status: Accepted" in text


# ── rate limits ───────────────────────────────────────────────────────────────────────────

@pytest.fixture()
def limited(app, db):
    """The app with small rate limits on (as in the account tests)."""
    from portal import create_app

    was_enabled = limiter.enabled
    other = create_app({
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "RATE_LIMIT_LOOKUP": "4 per minute", "RATE_LIMIT_LOOKUP_PER_PAIR": "2 per minute",
        "RATE_LIMIT_LOOKUP_VERIFY": "3 per minute",
        "RATE_LIMIT_LOOKUP_VERIFY_PER_PAIR": "2 per minute",
    })
    limiter.reset()
    try:
        with other.test_client() as client:
            yield client
    finally:
        limiter.reset()
        limiter.enabled = was_enabled


def _limited_start(client, reference, id_number, address="10.0.0.1"):
    return client.post("/status/lookup", data={"reference": reference, "id_number": id_number},
                       environ_base={"REMOTE_ADDR": address})


def test_one_reference_and_id_pair_is_limited_whatever_the_address(limited):
    f = family()
    statuses = [_limited_start(limited, f.application.reference, WRONG_ID, f"10.0.0.{n}")
                .status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    # Typed differently, it is the same pair.
    assert _limited_start(limited, f.application.reference.lower().replace("-", " "),
                          WRONG_ID.lower(), "10.0.0.9").status_code == 429
    response = _limited_start(limited, "HY-2026-AAAAAA", WRONG_ID, "10.0.0.9")
    assert response.status_code == 303


def test_strangers_who_know_a_reference_cannot_lock_the_family_out(limited):
    """Issue #14: tries with wrong ID numbers, from many addresses, used to use up the
    reference's tries; the family's own pair is counted apart."""
    from tests.support.status import messages_to

    f = family()
    for n in range(6):
        wrong = make_id_number("610118", __import__("datetime").date(1960, 1, 1), 20 + n)
        assert _limited_start(limited, f.application.reference, wrong,
                              f"10.0.1.{n}").status_code == 303
    response = _limited_start(limited, f.application.reference, f.mother_id, "10.0.2.1")
    assert response.status_code == 303
    assert len(messages_to(f.daughter.phone)) == 1          # the code was sent
    # Wrong codes after a wrong ID number do not use up the family's tries at step 2.
    with limited.session_transaction() as session:
        pending = dict(session["lookup_pending"])
    stranger = limited.application.test_client()
    _limited_start(stranger, f.application.reference, WRONG_ID, "10.0.3.1")
    for _ in range(3):
        stranger.post("/status/lookup/code", data={"code": "000000"},
                      environ_base={"REMOTE_ADDR": "10.0.3.1"})
    assert limited.post("/status/lookup/code", data={"code": _code(f.daughter.phone)},
                        environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 303
    assert pending["reference"] == f.application.reference


def test_guessing_id_numbers_is_still_slowed_per_requester(limited):
    f = family()
    guesses = [make_id_number("610118", __import__("datetime").date(1951, 3, 14), n)
               for n in range(40, 45)]
    statuses = [_limited_start(limited, f.application.reference, guess).status_code
                for guess in guesses]
    assert statuses == [303, 303, 303, 303, 429]


def test_one_address_is_limited_across_references(limited):
    family()
    statuses = [_limited_start(limited, f"HY-2026-AAAAA{c}", WRONG_ID).status_code
                for c in "34679"]
    assert statuses == [303, 303, 303, 303, 429]
    page = _limited_start(limited, "HY-2026-CCCCCC", WRONG_ID)
    assert "操作太频繁，请稍后再试" in page.get_data(as_text=True)
    assert page.headers.get("Retry-After")
    assert limited.get("/status/lookup", environ_base={"REMOTE_ADDR": "10.0.0.1"}
                       ).status_code == 200


def test_code_entry_is_limited_per_pair(limited):
    f = family()
    _limited_start(limited, f.application.reference, f.mother_id)
    statuses = [limited.post("/status/lookup/code", data={"code": "000000"},
                             environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
