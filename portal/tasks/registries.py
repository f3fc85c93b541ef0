"""Proactive discovery as a task: the sweep of the registries (portal.registries.discovery) –
queued after the commit of each registry import, and nightly (DISCOVERY_SWEEP_CRONTAB,
portal/tasks/schedule.py) so that a birthday, an expired certificate or a new application
changes the worklist by the next morning."""
from __future__ import annotations

from celery import shared_task

DISCOVER = "registries.discover"


@shared_task(name=DISCOVER)
def discover() -> dict[str, int]:
    from portal.registries import discovery

    report = discovery.sweep()
    return {"people": report.people, "leads": report.leads, "evaluations": report.evaluations}
