"""The Celery app for the worker and the scheduler, built from a portal app (the same
environment variables as the portal itself):

    celery -A portal.tasks.worker worker --loglevel=info
    celery -A portal.tasks.worker beat --loglevel=info

Both need CELERY_BROKER_URL: without a broker the portal runs its tasks in-process. The app is
built when Celery asks for it (`app`), not on import.
"""
from __future__ import annotations

from functools import cache


def __getattr__(name: str):
    if name != "app":
        raise AttributeError(name)
    return _celery_app()


@cache
def _celery_app():
    from portal import create_app
    from portal.tasks import in_process

    flask_app = create_app()
    if in_process(flask_app.config):
        raise SystemExit("CELERY_BROKER_URL is not set: there is no queue to work on (the "
                         "portal runs its tasks in-process). Set it, e.g. "
                         "redis://127.0.0.1:6379/0.")
    return flask_app.extensions["celery"]
