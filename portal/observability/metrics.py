"""Prometheus metrics (prometheus_client, the Prometheus project's own Python client).

Counted as requests are answered (in every process; with gunicorn's several workers through
prometheus_client's multiprocess mode – PROMETHEUS_MULTIPROC_DIR, see README):

- portal_http_requests_total{method, endpoint, status}: the endpoint is the route's name
  (e.g. "status.application"), never the path, so no reference or id is ever a label; a path
  that matched no route is "none";
- portal_http_request_duration_seconds{method, endpoint}: a histogram of the time to answer;
- portal_task_failures_total{task}: background tasks that raised (Celery's task_failure
  signal – in a worker, or in-process without a broker).

Counted when Prometheus scrapes, by `QueueCollector` (a few grouped counts on indexed columns):

- portal_applications_waiting{status} and portal_applications_overdue{status}: applications in
  each stage still being handled, and those past their deadline (portal/applications/queues.py);
- portal_outbox_messages{status}: texts waiting to be sent ("pending") or failed for good;
- portal_queue_metrics_up: 1, or 0 when the database did not answer the counts.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

from flask import Flask, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REQUESTS = Counter("portal_http_requests", "Requests answered, by route and status",
                   ("method", "endpoint", "status"))
LATENCY = Histogram("portal_http_request_duration_seconds", "Time to answer a request",
                    ("method", "endpoint"),
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TASK_FAILURES = Counter("portal_task_failures", "Background tasks that raised", ("task",))


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count_request(response):
        started = g.pop("metrics_started", None)
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "none"
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
        return response

    _listen_to_task_failures()


_listening = False


def _listen_to_task_failures() -> None:
    global _listening
    if _listening:
        return
    from celery.signals import task_failure

    task_failure.connect(_task_failed, weak=False)
    _listening = True


def _task_failed(sender=None, **_details) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", None) or "unknown").inc()


class QueueCollector(Collector):
    """The queues' gauges, counted at scrape time in the scraping request's app context."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy.exc import SQLAlchemyError

        from portal.applications import queues
        from portal.extensions import db
        from portal.messages import outbox

        up = GaugeMetricFamily("portal_queue_metrics_up",
                               "1 when the queues' counts below were read from the database")
        try:
            stages = queues.stage_counts()
            backlog = outbox.backlog()
        except SQLAlchemyError:
            log.warning("Queue metrics not counted: the database did not answer")
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.rollback()   # read only: end the transaction the counts opened
        waiting = GaugeMetricFamily("portal_applications_waiting",
                                    "Applications in a stage still being handled",
                                    labels=["status"])
        overdue = GaugeMetricFamily("portal_applications_overdue",
                                    "Applications past their deadline, by stage",
                                    labels=["status"])
        for stage in stages:
            waiting.add_metric([stage.status], stage.waiting)
            overdue.add_metric([stage.status], stage.overdue)
        messages = GaugeMetricFamily("portal_outbox_messages",
                                     "Text messages waiting to be sent or failed for good",
                                     labels=["status"])
        for status, count in backlog.items():
            messages.add_metric([status], count)
        up.add_metric([], 1)
        yield from (waiting, overdue, messages, up)


def exposition() -> bytes:
    """Everything, in Prometheus' text format: the counters (of every worker process in
    multiprocess mode) and the queues' gauges, counted now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    queues = CollectorRegistry(auto_describe=False)
    queues.register(QueueCollector())
    return generate_latest(counted) + generate_latest(queues)


def child_exit(_server, worker) -> None:
    """gunicorn's child_exit hook (in its settings file) in multiprocess mode: a worker that
    ended stops counting in the live gauges (prometheus_client's documented step)."""
    multiprocess.mark_process_dead(worker.pid)
