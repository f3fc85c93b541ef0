"""Recipients made when payment starts; the monthly roll: back months, rate changes, the bank's
result, confirmation once, and the database's own guarantees."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit.models import AuditEvent
from portal.benefits import rates, rolls
from portal.benefits.models import PaymentLine, PaymentMonth, Recipient, RecipientEvent
from portal.eligibility import programme as real_programme
from portal.extensions import db as _db
from portal.people import crypto
from tests.benefits.helpers import CARD, paying, with_rate_change
from tests.support.accounts import make_account

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


@pytest.fixture()
def people(db):
    return {"resident": make_account("resident"), "civil": make_account("civil_affairs"),
            "other_civil": make_account("civil_affairs")}


def _line(roll, recipient) -> PaymentLine:
    return _db.session.scalar(select(PaymentLine).where(PaymentLine.roll_id == roll.id,
                                                        PaymentLine.recipient_id == recipient.id))


def _months(roll, recipient) -> list[tuple[date, int]]:
    return [(m.month, m.amount_fen) for m in _db.session.scalars(
        select(PaymentMonth).where(PaymentMonth.roll_id == roll.id,
                                   PaymentMonth.recipient_id == recipient.id)
        .order_by(PaymentMonth.month))]


def test_starting_payment_makes_the_recipient_with_its_band_amount_card_and_history(people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, amount="150")
    assert (recipient.programme, recipient.band, recipient.monthly_amount_fen) == (
        "nursing_allowance", "grade_1", 15000)
    assert recipient.start_month == date(2026, 3, 1)          # the month of application
    assert recipient.status == "paying" and recipient.street == "ganting"
    # The card is never stored readable: encrypted, decryptable, last four beside it.
    assert CARD not in recipient.card_number_encrypted
    assert crypto.decrypt(recipient.card_number_encrypted) == CARD
    assert recipient.card_last4 == CARD[-4:]
    assert [e.kind for e in recipient.events] == ["enrolled"]
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "benefit.enrol")) == 1


def test_one_active_recipient_per_person_and_programme_is_kept_by_the_database(people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH)
    twin = Recipient(programme=recipient.programme, person_id=recipient.person_id,
                     application_id=recipient.application_id + 1000, band="grade_1",
                     monthly_amount_fen=1, start_month=date(2026, 3, 1), street="ganting",
                     status="paying", status_since=date(2026, 3, 1))
    _db.session.add(twin)
    with pytest.raises(IntegrityError):
        _db.session.flush()
    _db.session.rollback()


def test_a_late_approval_brings_back_every_month_since_the_application(people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, amount="150")
    roll = rolls.build("nursing_allowance", date(2026, 6, 1), people["civil"])
    line = _line(roll, recipient)
    assert (line.first_month, line.last_month, line.months) == (
        date(2026, 3, 1), date(2026, 6, 1), 4)
    assert line.amount_fen == 4 * 15000 and roll.total_fen == 60000 and roll.line_count == 1
    # The next month's roll pays only the new month.
    rolls.confirm(roll.id, people["civil"])
    july = rolls.build("nursing_allowance", date(2026, 7, 1), people["civil"])
    assert _months(july, recipient) == [(date(2026, 7, 1), 15000)]


def test_a_rate_change_mid_year_applies_from_its_month_and_the_roll_shows_old_and_new(
        people, tmp_path, monkeypatch):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, amount="120")
    april = rolls.build("nursing_allowance", date(2026, 4, 1), people["civil"])
    assert _months(april, recipient) == [(date(2026, 3, 1), 12000), (date(2026, 4, 1), 12000)]
    rolls.confirm(april.id, people["civil"])
    changed = with_rate_change(tmp_path, "grade_1", date(2026, 6, 1), 150)
    monkeypatch.setattr(rates, "find_programme", lambda code: changed
                        if code == "nursing_allowance" else real_programme(code))
    july = rolls.build("nursing_allowance", date(2026, 7, 1), people["civil"])
    assert _months(july, recipient) == [(date(2026, 5, 1), 12000), (date(2026, 6, 1), 15000),
                                        (date(2026, 7, 1), 15000)]
    assert _line(july, recipient).amount_fen == 42000


def _confirmed_june(people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH, amount="150")
    other = paying(people["resident"], people["civil"], name="李四", street="yuxia",
                   submitted=datetime(2026, 6, 2, tzinfo=timezone.utc), amount="80",
                   band="grade_2")
    roll = rolls.build("nursing_allowance", date(2026, 6, 1), people["civil"])
    rolls.confirm(roll.id, people["civil"])
    return roll, recipient, other


def test_a_failed_bank_line_comes_back_next_month_with_the_reason(people):
    roll, recipient, other = _confirmed_june(people)
    failed, paid = _line(roll, recipient), _line(roll, other)
    counts = rolls.import_bank_result(
        roll.id, f"参考号,结果,原因\r\n{failed.id},failed,账户已销户\r\n{paid.id},paid,\r\n"
        .encode(), people["civil"])
    assert counts == {"paid": 1, "failed": 1, "pending": 0}
    _db.session.refresh(roll)
    assert roll.status == "locked"
    assert (failed.state, failed.reason) == ("failed", "账户已销户")
    july = rolls.build("nursing_allowance", date(2026, 7, 1), people["civil"])
    again = _line(july, recipient)
    assert (again.first_month, again.months, again.amount_fen) == (date(2026, 3, 1), 5, 75000)
    assert again.retry_reason == "账户已销户"
    assert _months(july, other) == [(date(2026, 7, 1), 8000)]     # paid months stay paid
    assert _line(july, other).retry_reason is None


def test_a_bank_file_with_a_bad_line_is_refused_whole_with_the_rows_named(people):
    roll, recipient, other = _confirmed_june(people)
    good = _line(roll, recipient)
    data = (f"{good.id},paid,\n"
            f"99999,paid,\n"                      # not a line of this roll
            f"{_line(roll, other).id},failed,\n"  # failed without the bank's reason
            f"{good.id},paid,\n"                  # the same line twice
            f"{_line(roll, other).id},maybe,x\n").encode()
    with pytest.raises(rolls.BankFileError) as error:
        rolls.import_bank_result(roll.id, data, people["civil"])
    assert [(e.row, e.problem) for e in error.value.errors] == [
        (2, "reference"), (3, "reason"), (4, "twice"), (5, "result")]
    _db.session.refresh(good)
    assert good.state == "pending"                      # nothing was saved
    with pytest.raises(rolls.BankFileError):
        rolls.import_bank_result(roll.id, b"", people["civil"])


def test_a_draft_roll_takes_no_bank_result(people):
    paying(people["resident"], people["civil"], submitted=MARCH)
    roll = rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    with pytest.raises(rolls.NotConfirmed):
        rolls.import_bank_result(roll.id, b"1,paid,\n", people["civil"])


def test_a_roll_cannot_be_confirmed_twice_nor_built_again_once_confirmed(people):
    paying(people["resident"], people["civil"], submitted=MARCH)
    roll = rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    version = roll.version
    rolls.confirm(roll.id, people["civil"], expected_version=version)
    with pytest.raises(rolls.AlreadyConfirmed):
        rolls.confirm(roll.id, people["other_civil"], expected_version=version)
    with pytest.raises(rolls.AlreadyConfirmed):
        rolls.confirm(roll.id, people["other_civil"])
    with pytest.raises(rolls.RollNotDraft):
        rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "roll.confirm")) == 1


def test_a_draft_built_again_since_it_was_read_is_not_confirmed_unchecked(people):
    paying(people["resident"], people["civil"], submitted=MARCH)
    roll = rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    read_at = roll.version
    rolls.build("nursing_allowance", date(2026, 3, 1), people["other_civil"])
    with pytest.raises(rolls.RollChanged):
        rolls.confirm(roll.id, people["civil"], expected_version=read_at)
    assert rolls.find(roll.id).status == "draft"


def test_two_confirmations_at_once_cannot_both_succeed(app, people):
    """Two sessions in two threads (on PostgreSQL two connections: the second waits for the
    first's row lock, then finds the roll confirmed)."""
    paying(people["resident"], people["civil"], submitted=MARCH)
    roll = rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    roll_id, version = roll.id, roll.version
    actors = [people["civil"].id, people["other_civil"].id]
    ready = threading.Barrier(2, timeout=20)
    results: list[str] = []

    def officer(actor_id):
        with app.app_context():
            from portal.accounts.models import Account

            actor = _db.session.get(Account, actor_id)
            ready.wait()
            try:
                rolls.confirm(roll_id, actor, expected_version=version)
                results.append("done")
            except rolls.AlreadyConfirmed:
                results.append("refused")
            except Exception as error:  # noqa: BLE001 – reported below
                results.append(repr(error))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=officer, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["done", "refused"]
    _db.session.expire_all()
    assert rolls.find(roll_id).status == "confirmed"


def test_the_same_month_is_never_on_two_rolls_and_no_person_twice_on_one(people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH)
    june = rolls.build("nursing_allowance", date(2026, 6, 1), people["civil"])
    # An earlier month built afterwards: its months are on June's roll already.
    may = rolls.build("nursing_allowance", date(2026, 5, 1), people["civil"])
    assert may.line_count == 0 and _months(may, recipient) == []
    # Building the draft again replaces it: still one line, the same months.
    again = rolls.build("nursing_allowance", date(2026, 6, 1), people["civil"])
    assert again.id == june.id and again.line_count == 1
    assert len(_months(again, recipient)) == 4
    # The database itself refuses a second payment of a month, and a person twice on a roll.
    _db.session.add(PaymentMonth(roll_id=may.id, recipient_id=recipient.id,
                                 month=date(2026, 4, 1), amount_fen=1, state="pending"))
    with pytest.raises(IntegrityError):
        _db.session.flush()
    _db.session.rollback()
    line = _line(june, recipient)
    _db.session.add(PaymentLine(roll_id=june.id, recipient_id=recipient.id,
                                person_id=line.person_id, street="ganting",
                                first_month=date(2026, 6, 1), last_month=date(2026, 6, 1),
                                months=1, amount_fen=1, state="pending"))
    with pytest.raises(IntegrityError):
        _db.session.flush()
    _db.session.rollback()


def test_suspended_and_ended_recipients_are_not_on_the_roll(people):
    kept = paying(people["resident"], people["civil"], submitted=MARCH)
    ended = paying(people["resident"], people["civil"], submitted=MARCH, name="张三")
    from portal.benefits import recipients

    recipients.end(ended, "on_request", date(2026, 3, 1), people["civil"],
                   datetime.now(timezone.utc))
    _db.session.commit()
    roll = rolls.build("nursing_allowance", date(2026, 3, 1), people["civil"])
    assert roll.line_count == 1 and _line(roll, kept) is not None
    assert [e.kind for e in _db.session.scalars(select(RecipientEvent).where(
        RecipientEvent.recipient_id == ended.id).order_by(RecipientEvent.id))] == [
        "enrolled", "ended"]


def test_a_programme_that_pays_no_monthly_cash_has_no_roll_and_no_recipient(people):
    with pytest.raises(rolls.NotMonthly):
        rolls.build("education_aid", date(2026, 3, 1), people["civil"])


def test_rotating_keys_re_encrypts_the_recipients_card(app, people):
    from cryptography.fernet import Fernet

    from portal.people import key_rotation

    recipient = paying(people["resident"], people["civil"], submitted=MARCH)
    before = recipient.card_number_encrypted
    saved = app.extensions.get("data_encryption_keys") or crypto._keys(app)
    new = Fernet.generate_key().decode()
    try:
        app.extensions["data_encryption_keys"] = [new, *saved]
        key_rotation.rotate_all()
        _db.session.refresh(recipient)
        assert recipient.card_number_encrypted != before
        app.extensions["data_encryption_keys"] = [new]     # the old key gone: still readable
        assert crypto.decrypt(recipient.card_number_encrypted) == CARD
    finally:
        app.extensions["data_encryption_keys"] = saved


def test_the_demo_seeds_its_paying_applications_as_recipients(db):
    from portal.applications.models import Application
    from portal.cli import demo_content as demo

    demo.seed()
    paying_ids = set(_db.session.scalars(select(Application.id).where(
        Application.status == "paying", Application.programme.in_(
            ("living_allowance", "nursing_allowance")))))
    enrolled = set(_db.session.scalars(select(Recipient.application_id)))
    assert paying_ids and enrolled == paying_ids
