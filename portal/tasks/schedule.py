"""The periodic jobs – the one schedule `celery beat` runs (portal/tasks/__init__.py reads it).

Each job names a task and the config value that says when it runs – seconds between runs, or a
crontab line at a time of day (in the district's time zone, Celery's `timezone`) – so that it
is changed in the config (portal/config.py, README "Configuration"), never here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from celery.schedules import crontab

from portal.tasks.benefits import BUILD_MONTHLY_ROLLS, CHECK_CERTIFICATES, CHECK_REVIEWS
from portal.tasks.messages import DELIVER_DUE, PURGE_CODES
from portal.tasks.registries import DISCOVER
from portal.tasks.retention import RUN_RETENTION


@dataclass(frozen=True)
class Job:
    name: str            # the beat schedule's key
    task: str            # a registered task's name
    setting: str         # the config value that says when: seconds between runs, or a
    #                      crontab line "minute hour day-of-month month day-of-week"


SCHEDULE: tuple[Job, ...] = (
    # Texts whose retry has come (outbox.retry_delay), and any whose queuing was lost.
    Job("outbox-sweep", DELIVER_DUE, "SMS_SWEEP_SECONDS"),
    # One-time codes the outbox no longer needs (outbox.purge_codes).
    Job("outbox-purge-codes", PURGE_CODES, "OUTBOX_PURGE_SECONDS"),
    # The month's draft payment rolls (portal/tasks/benefits.py), in the district's time zone.
    Job("payment-rolls", BUILD_MONTHLY_ROLLS, "ROLLS_BUILD_CRONTAB"),
    # Recipients' 残疾人证: reminders before expiry, suspension when lapsed (daily).
    Job("certificate-check", CHECK_CERTIFICATES, "CERTIFICATE_CHECK_CRONTAB"),
    # The registries' discovery sweep: who may qualify and has not applied (nightly).
    Job("discovery-sweep", DISCOVER, "DISCOVERY_SWEEP_CRONTAB"),
    # The yearly review (年审): reviews opened, their notices, those missed suspended (daily).
    Job("review-check", CHECK_REVIEWS, "REVIEW_CHECK_CRONTAB"),
    # Records past their retention period deleted or anonymised, audited (daily).
    Job("retention", RUN_RETENTION, "RETENTION_CRONTAB"),
)


def when(value):
    """A job's schedule from its setting: seconds (a number) or a crontab line."""
    if isinstance(value, str) and len(value.split()) == 5:
        minute, hour, day_of_month, month_of_year, day_of_week = value.split()
        return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                       month_of_year=month_of_year, day_of_week=day_of_week)
    return timedelta(seconds=float(value))


def beat_schedule(config) -> dict:
    """Celery's `beat_schedule` setting for `config` (a Flask config)."""
    return {job.name: {"task": job.task, "schedule": when(config[job.setting])}
            for job in SCHEDULE}
