"""The request id: one per request, on every log line it writes and on every background task
it queues (so a task's lines carry the id of the request that queued it).

Behind a trusted reverse proxy (TRUSTED_PROXY_COUNT > 0) the proxy's X-Request-ID is taken
when it is sane (8–64 letters, digits, "-", "_" or "."); otherwise – and always without a proxy,
where a visitor could choose it – a new one is made. The response says it (X-Request-ID), so
a resident's "something went wrong" can be found in the logs.

Tasks: `task_headers()` is what portal/tasks/after_commit.py sends with each task it queues;
`follow_tasks()` binds it again where the task runs (a Celery worker, or in-process when
there is no broker: portal/tasks/__init__.py).
"""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from flask import Flask, g, request

REQUEST_ID: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
TASK: ContextVar[str | None] = ContextVar("portal_task", default=None)
HEADER = "X-Request-ID"
TASK_HEADER = "portal_request_id"
SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_id() -> str:
    return uuid.uuid4().hex


def chosen(incoming: str | None, trusted_proxy: bool) -> str:
    """The proxy's id when a trusted proxy sent a sane one, else a new id."""
    if trusted_proxy and incoming and SANE.fullmatch(incoming):
        return incoming
    return new_id()


def init_app(app: Flask) -> None:
    trusted = int(app.config.get("TRUSTED_PROXY_COUNT") or 0) > 0

    @app.before_request
    def bind_request_id():
        g.request_id_token = REQUEST_ID.set(chosen(request.headers.get(HEADER), trusted))

    @app.after_request
    def say_request_id(response):
        response.headers[HEADER] = REQUEST_ID.get() or ""
        return response

    @app.teardown_request
    def unbind_request_id(_error=None):
        token = g.pop("request_id_token", None)
        if token is not None:
            REQUEST_ID.reset(token)


def task_headers() -> dict[str, str]:
    """The headers a queued task carries: the id of the request queuing it (if any)."""
    current = REQUEST_ID.get()
    return {TASK_HEADER: current} if current else {}


def carried(task_request) -> str | None:
    """The request id a task carries: a message header (a worker puts its headers on the
    task's request) or, run in-process, in the headers it was applied with."""
    headers = getattr(task_request, "headers", None) or {}
    value = getattr(task_request, TASK_HEADER, None) or headers.get(TASK_HEADER)
    return value if isinstance(value, str) and SANE.fullmatch(value) else None


_bound: dict[str, tuple] = {}


def _task_starts(task_id=None, task=None, **_details) -> None:
    """Celery's task_prerun: from here to task_postrun – the task, and the worker's lines
    about it ("succeeded", "raised") – the lines carry the task's name and request id."""
    request_id = carried(task.request) or REQUEST_ID.get()
    _bound[task_id] = (REQUEST_ID.set(request_id), TASK.set(task.name))


def _task_ends(task_id=None, **_details) -> None:
    tokens = _bound.pop(task_id, None)
    if tokens is not None:
        TASK.reset(tokens[1])
        REQUEST_ID.reset(tokens[0])


_following = False


def follow_tasks() -> None:
    """Listen to Celery's task_prerun and task_postrun (once per process)."""
    global _following
    if _following:
        return
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_starts, weak=False)
    task_postrun.connect(_task_ends, weak=False)
    _following = True
