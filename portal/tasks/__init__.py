"""Background and scheduled work on the task queue: Celery, with Redis as broker.

Set up the way Flask's documentation shows ("Background Tasks with Celery"): `celery_init_app`
builds one Celery app per Flask app, from the Flask config, and every task runs inside a Flask
app context of its own (its own database session). The Celery app is
`app.extensions["celery"]`; `celery -A portal.tasks.worker worker` (and `… beat`) use the one
built by portal/tasks/worker.py.

Configuration (portal/config.py):

- `CELERY_BROKER_URL` (e.g. redis://127.0.0.1:6379/0). Unset: no broker, no worker – a task
  runs in-process, at once, where it is queued (Celery's `task_always_eager`), and nothing runs
  on a schedule; the portal says so once at start-up. That is how `make run` works without Redis.
- `CELERY_KEY_PREFIX`: every Redis key the queue uses starts with it (Kombu's
  `global_keyprefix`), so the queue shares a Redis with the rate limits and the page cache
  without touching their keys; `CELERY_QUEUE`: the queue's name.
- The periodic jobs: portal/tasks/schedule.py (the one schedule, read by `celery beat`).

Tasks: portal/tasks/messages.py (text messages), portal/tasks/benefits.py (payment rolls).
They are queued after the database commit that made their work
(portal/tasks/after_commit.py), never before: a worker must see the rows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from celery import Celery, Task

from portal.observability import request_ids
from portal.tasks import after_commit, schedule

if TYPE_CHECKING:
    from flask import Flask

_told_in_process = False


def celery_init_app(app: Flask) -> Celery:
    """Build the Celery app of `app` from its config; tasks run in `app`'s context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    from portal.tasks import (  # noqa: F401  (registers the tasks)
        benefits,
        messages,
        registries,
        retention,
    )

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(app.config, app.instance_path))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    after_commit.install()
    request_ids.follow_tasks()   # a task's log lines carry the id of the request that queued it
    if in_process(app.config):
        _say_in_process(app)
    return celery_app


def in_process(config) -> bool:
    """No broker: tasks run in-process when they are queued, and nothing on a schedule."""
    return not config.get("CELERY_BROKER_URL")


def celery_config(config, instance_path: str) -> dict:
    """Celery's settings, from the Flask config."""
    broker = config.get("CELERY_BROKER_URL")
    return {
        "broker_url": broker or "memory://",
        "task_always_eager": not broker,
        "broker_transport_options": {"global_keyprefix": config["CELERY_KEY_PREFIX"]},
        "broker_connection_retry_on_startup": True,
        "task_default_queue": config["CELERY_QUEUE"],
        "task_ignore_result": True,       # a task's outcome is in the database, not a result
        "task_publish_retry_policy": after_commit.PUBLISH_RETRY_POLICY,
        "worker_hijack_root_logger": False,
        "timezone": config["BABEL_DEFAULT_TIMEZONE"],   # the district's days, for daily jobs
        "beat_schedule": schedule.beat_schedule(config),
        "beat_schedule_filename": f"{instance_path}/celerybeat-schedule",
    }


def _say_in_process(app: Flask) -> None:
    """Once per process: there is no broker, so tasks run in-process and nothing is scheduled."""
    global _told_in_process
    if _told_in_process:
        return
    _told_in_process = True
    app.logger.warning(
        "CELERY_BROKER_URL is not set: background tasks run in-process when they are queued "
        "(texts are sent by the request that queued them) and no scheduled job runs – retries "
        "wait for the next text or `flask send-outbox`. Set CELERY_BROKER_URL and run "
        "`celery -A portal.tasks.worker worker` and `… beat` (README: Background tasks).")
