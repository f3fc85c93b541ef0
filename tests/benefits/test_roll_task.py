"""The month's draft payment rolls built by the scheduler (portal/tasks/benefits.py): sent the
way `celery beat` sends them, at the configured time, never touching a confirmed roll."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from celery import beat
from celery.schedules import crontab
from sqlalchemy import select

from portal import create_app
from portal.benefits import rolls
from portal.benefits.models import PaymentRoll
from portal.extensions import db as _db
from portal.tasks import benefits as benefit_tasks
from tests.benefits.helpers import paying
from tests.support.accounts import make_account

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


@pytest.fixture()
def people(db):
    return {"resident": make_account("resident"), "civil": make_account("civil_affairs")}


def _send_as_beat(app) -> None:
    """The roll job, sent by beat's own scheduler from its own entry (eager: run here)."""
    scheduler = beat.Scheduler(app=app.extensions["celery"], lazy=True)
    scheduler.setup_schedule()
    scheduler.apply_async(scheduler.schedule["payment-rolls"])


def _rolls() -> dict[str, PaymentRoll]:
    _db.session.expire_all()
    return {roll.programme: roll for roll in _db.session.scalars(select(PaymentRoll))}


def test_the_scheduled_job_builds_this_months_draft_roll_of_each_monthly_programme(
        app, people):
    recipient = paying(people["resident"], people["civil"], submitted=MARCH)
    month = benefit_tasks.this_month()
    _send_as_beat(app)
    built = _rolls()
    assert set(built) == {"nursing_allowance", "living_allowance"}   # the files with rates
    assert {(roll.month, roll.status) for roll in built.values()} == {(month, "draft")}
    nursing = built["nursing_allowance"]
    assert nursing.line_count == 1 and nursing.built_by_account_id is None
    # Back months: every month from the month of application to this one, on the one line.
    line = rolls.lines_page(nursing.id)[0]
    assert line.recipient_id == recipient.id
    covered = [m.month for m in rolls.months_of(line)]
    assert covered[0] == date(2026, 3, 1) and covered[-1] == month
    assert built["living_allowance"].line_count == 0


def test_a_confirmed_roll_is_left_as_it_is(app, people):
    paying(people["resident"], people["civil"], submitted=MARCH)
    month = benefit_tasks.this_month()
    roll = rolls.build("nursing_allowance", month, people["civil"])
    rolls.confirm(roll.id, people["civil"], expected_version=roll.version)
    done = benefit_tasks.build_monthly_rolls.delay(month.isoformat()).get()
    assert done["nursing_allowance"] == "already confirmed"
    assert done["living_allowance"].startswith("draft ")
    kept = _rolls()["nursing_allowance"]
    assert (kept.id, kept.status, kept.line_count) == (roll.id, "confirmed", 1)


def test_the_roll_job_runs_at_the_configured_time(app):
    default = app.extensions["celery"].conf.beat_schedule["payment-rolls"]
    assert default["task"] == benefit_tasks.BUILD_MONTHLY_ROLLS
    assert default["schedule"] == crontab(minute="0", hour="2", day_of_month="1")
    other = create_app({"ENV_NAME": "testing", "ROLLS_BUILD_CRONTAB": "30 3 2 * *",
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]})
    entry = other.extensions["celery"].conf.beat_schedule["payment-rolls"]["schedule"]
    assert (entry.minute, entry.hour, entry.day_of_month) == ({30}, {3}, {2})
