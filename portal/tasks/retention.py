"""Retention as a task: the daily pass (RETENTION_CRONTAB, portal/tasks/schedule.py) that
deletes or anonymises what is past its period (portal.retention.sweep; the periods and their
legal basis: portal/data/retention.yaml). One audit row per run, with the counts per kind."""
from __future__ import annotations

from celery import shared_task

RUN_RETENTION = "retention.run"


@shared_task(name=RUN_RETENTION)
def run_retention() -> dict[str, int]:
    from portal.retention import sweep

    return sweep.run().counts
