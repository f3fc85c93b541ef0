"""Tasks are queued after the commit that made their work – the one place that does it.

A task that reads rows must not run before they are committed: a worker would not see them
(and a rolled-back transaction must start nothing). So work is never queued by the code that
adds the rows; instead

- `on_insert(Model, task_name)` declares that adding a row of `Model` needs `task_name` run
  (portal/tasks/messages.py: a text message added to the outbox → deliver the due messages);
- `queue(session, task_name)` asks for a task explicitly, for work that inserts nothing;
- `on_commit_if(changed, callback)` calls `callback` in-process after the commit of a
  transaction in which `changed(session)` was true at a flush (portal/benefits/figures.py: the
  cached figures dropped when a payment or recipient changed);

and SQLAlchemy's session events queue each named task (and call each callback) once when the
outermost transaction commits (`after_commit`, not for a savepoint), or forget them when it is
rolled back.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from portal.observability import request_ids

log = logging.getLogger(__name__)

# Publishing a task must not hold a request up for long when the broker is down: the work is
# in the database and a scheduled sweep picks it up (portal/tasks/schedule.py).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                        "interval_max": 0.5}

_KEY = "portal.tasks.after_commit"
_CALLS = "portal.tasks.after_commit.calls"
_TRIGGERS: dict[type, str] = {}
_CALLBACKS: list[tuple[Callable, Callable[[], None]]] = []


def on_insert(model: type, task_name: str) -> None:
    """Adding a row of `model` queues `task_name` after the commit."""
    _TRIGGERS[model] = task_name


def queue(session, task_name: str) -> None:
    """Queue `task_name` once `session`'s transaction commits (never, if it rolls back)."""
    session.info.setdefault(_KEY, set()).add(task_name)


def on_commit_if(changed: Callable, callback: Callable[[], None]) -> None:
    """After the commit of a transaction in which `changed(session)` was true at a flush, call
    `callback` (once per commit; never for a rolled-back one). Registering twice is once."""
    if (changed, callback) not in _CALLBACKS:
        _CALLBACKS.append((changed, callback))


def _note_inserts(session, flush_context) -> None:
    for instance in session.new:
        task_name = _TRIGGERS.get(type(instance))
        if task_name is not None:
            queue(session, task_name)
    for index, (changed, _callback) in enumerate(_CALLBACKS):
        if changed(session):
            session.info.setdefault(_CALLS, set()).add(index)


def _queue_committed(session) -> None:
    if session.in_nested_transaction():
        return   # a savepoint: the work is not committed until the outermost transaction is
    for index in sorted(session.info.pop(_CALLS, ())):
        _CALLBACKS[index][1]()
    names = session.info.pop(_KEY, None)
    if not names or not has_app_context():
        return
    app = current_app._get_current_object()
    for name in sorted(names):
        enqueue(app, name)


def enqueue(app: Flask, task_name: str) -> None:
    """Queue the task `task_name` of `app` (no broker: run it now, in-process). A broker that
    cannot be reached is logged, not raised: the commit stands, and the work waits in the
    database for the scheduled sweep."""
    try:
        # The request's id goes with the task: its log lines carry it (portal/observability).
        app.extensions["celery"].tasks[task_name].apply_async(
            retry_policy=PUBLISH_RETRY_POLICY, headers=request_ids.task_headers())
    except Exception:  # noqa: BLE001 – the commit stands; the sweep does the work later
        log.exception("Could not queue task %s; the scheduled sweep will do its work",
                      task_name)


def _forget(session, transaction) -> None:
    if transaction.parent is None:      # the outermost transaction ended without a commit
        session.info.pop(_KEY, None)
        session.info.pop(_CALLS, None)


_installed = False


def install() -> None:
    """Listen to every Flask-SQLAlchemy session (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _note_inserts)
    event.listen(Session, "after_commit", _queue_committed)
    event.listen(Session, "after_transaction_end", _forget)
    _installed = True
