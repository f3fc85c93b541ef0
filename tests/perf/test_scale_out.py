"""Several app processes share nothing in memory: everything they must agree on is in the
database (and rate-limit counters in Redis, sessions in signed cookies, uploads on a shared
path). Two processes, each with its own create_app, work on one PostgreSQL database at once:
- submitting drafts while drawing the *same* reference numbers: every application is sent
  and gets a reference of its own (the unique constraint and the retry in
  applications/filing.py, not any in-process state, keep them apart);
- two officers acting on the same applications from the version each of them saw: one wins,
  the other is told it changed (409) – never two transitions, never a lost update.
SQLite allows one writer at a time and is not for several workers: skipped there."""
from __future__ import annotations

import multiprocessing
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.applications.models import Application, StatusEvent
from portal.cli.demo_content import make_id_number
from tests.support import apply as support
from tests.perf import two_apps
from tests.support.accounts import make_account, sign_in

PER_PROCESS = 3


@pytest.fixture()
def postgres(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several processes on one database: PostgreSQL (TEST_DATABASE_URL)")
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _in_two_processes(url: str, uploads: str, work: list[tuple[str, list]]) -> list[list]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(len(work)), context.Queue()
    processes = [context.Process(target=two_apps.post_forms,
                                 args=(url, uploads, phone, forms, start, results))
                 for phone, forms in work]
    for process in processes:
        process.start()
    finished = dict(results.get(timeout=180) for _ in processes)  # in the order they end
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return [finished[phone] for phone, _forms in work]


def _ready_draft(client, n: int) -> int:
    """A complete nursing-allowance draft for a person of their own (born 1950, number n)."""
    id_number = make_id_number("610118", date(1950, 4, 8), 100 + n)
    draft_id = support.start_for_other(client)
    steps = [support.personal(draft_id, id_number=id_number),
             (f"/apply/drafts/{draft_id}/certificate",
              {"has_certificate": "yes", "certificate_number": id_number + "41",
               "category": "physical", "grade": "1", "valid_until": "2031-05-01"}),
             (f"/apply/drafts/{draft_id}/household", {"household": "low_income"}),
             (f"/apply/drafts/{draft_id}/payment",
              {"method": "bank_card", "bank_name": "中国农业银行鄠邑支行",
               "account_holder": "王秀英", "card_number": support.CARD})]
    for path, data in steps:
        assert support.post(client, path, data).status_code == 303, path
    support.answer_questions(client, draft_id, "nursing_allowance")
    support.upload(client, draft_id, support.first_document_kind(draft_id), support.PNG, "身份证.png")
    assert support.post(client, f"/apply/drafts/{draft_id}/documents").status_code == 303
    assert support.post(client, f"/apply/drafts/{draft_id}/consent",
                        {"consent": "y"}).status_code == 303
    return draft_id


def _submit(draft_ids):
    return [(f"/apply/drafts/{d}/check", f"/apply/drafts/{d}/check", {"declaration": "y"})
            for d in draft_ids]


def test_two_processes_submit_at_once_and_every_reference_is_unique(postgres, app, client, db):
    first = sign_in(client, make_account(phone="13911112222", name="李红"))
    second = make_account(phone="13911113333", name="张伟")
    mine = [_ready_draft(client, n) for n in range(PER_PROCESS)]
    client.get("/_test/sign-out")
    sign_in(client, make_account(phone="13911113333", name="张伟"))
    theirs = [_ready_draft(client, PER_PROCESS + n) for n in range(PER_PROCESS)]

    # Both processes' first submission draws SHARED_REFERENCES[0]: at least one collision
    # always happens, and the loser must retry with the next number, not fail or overwrite.
    outcomes = _in_two_processes(postgres, app.config["UPLOAD_FOLDER"], [
        (first.phone, _submit(mine)), (second.phone, _submit(theirs))])

    sent = [re.search(r"/apply/applications/([^/]+)/$", location or "")
            for outcome in outcomes for _action, status, location in outcome]
    assert all(sent), outcomes                     # every submission reached its confirmation
    references = [match.group(1) for match in sent]
    assert len(set(references)) == 2 * PER_PROCESS
    assert set(references) <= set(two_apps.SHARED_REFERENCES)   # drawn from the shared list
    db.session.expire_all()
    stored = db.session.scalars(select(Application.reference)).all()
    assert sorted(stored) == sorted(references)


def test_two_officers_acting_at_once_never_lose_an_update(postgres, app, client, db):
    from tests.support.staff import make_application

    resident = make_account("resident", phone="13911114444")
    officers = [make_account("street_officer", street="ganting", phone=f"1380000000{n}")
                for n in (7, 8)]
    references = [make_application(resident, status="submitted").reference for _ in range(6)]

    def forms(action, data):
        return [(f"/staff/applications/{r}/actions/{action}",
                 f"/staff/applications/{r}/actions/{action}", data) for r in references]

    accepted, asked = _in_two_processes(postgres, app.config["UPLOAD_FOLDER"], [
        (officers[0].phone, forms("accept", {})),
        (officers[1].phone, forms("request_info", {"message": "请补充一张清晰的残疾人证照片。"}))])

    db.session.expire_all()
    for reference, (_a, accept_status, _l1), (_b, ask_status, _l2) in zip(
            references, accepted, asked):
        assert sorted((accept_status, ask_status)) == [303, 409], reference  # one wins
        application = db.session.scalar(select(Application).where(
            Application.reference == reference))
        assert application.status == ("accepted" if accept_status == 303 else "needs_info")
        assert application.version == 2
        transitions = db.session.scalar(select(func.count()).select_from(StatusEvent).where(
            StatusEvent.application_id == application.id, StatusEvent.from_status.is_not(None)))
        assert transitions == 1, reference
