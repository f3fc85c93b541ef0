"""The periodic jobs – the one schedule `celery beat` runs (portal/tasks/__init__.py reads it).

Each job names a task and the config value that says how often it runs, so that an interval is
changed in the config (portal/config.py, README "Configuration"), never here. Later jobs (the
monthly payment roll, daily reminders) are added to SCHEDULE; a job at a time of day can give a
`celery.schedules.crontab` (in the district's time zone) instead of an interval.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.tasks.messages import DELIVER_DUE, PURGE_CODES


@dataclass(frozen=True)
class Job:
    name: str            # the beat schedule's key
    task: str            # a registered task's name
    every_setting: str   # the config value: seconds between runs


SCHEDULE: tuple[Job, ...] = (
    # Texts whose retry has come (outbox.retry_delay), and any whose queuing was lost.
    Job("outbox-sweep", DELIVER_DUE, "SMS_SWEEP_SECONDS"),
    # One-time codes the outbox no longer needs (outbox.purge_codes).
    Job("outbox-purge-codes", PURGE_CODES, "OUTBOX_PURGE_SECONDS"),
)


def beat_schedule(config) -> dict:
    """Celery's `beat_schedule` setting for `config` (a Flask config)."""
    return {job.name: {"task": job.task,
                       "schedule": timedelta(seconds=float(config[job.every_setting]))}
            for job in SCHEDULE}
