"""Running it: health checks, Prometheus metrics, structured logs with a request id.

- portal/observability/request_ids.py: every request's id (the trusted proxy's X-Request-ID
  when sane, else a new one), carried into the background tasks it queues;
- portal/observability/logs.py: one log handler on the root logger, JSON or text
  (LOG_FORMAT), every line with its request id, numbers that look like ID, card or mobile
  numbers masked – a safety net: the portal does not log them in the first place;
- portal/observability/metrics.py: requests by endpoint and status, latency, and the queues
  (applications waiting per stage, overdue, the outbox's backlog, failed background jobs),
  counted when Prometheus scrapes;
- portal/observability/health.py: what /readyz checks (database, Redis, the task queue);
- portal/observability/routes.py: /healthz, /readyz and /metrics (behind METRICS_TOKEN).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Called first in create_app: the logging, and the hooks that must run before any other
    (a kept page is answered by the next hook, portal/web/page_cache.py, and still has an id
    and is counted)."""
    from portal.observability import logs, metrics, request_ids
    from portal.observability.routes import bp

    logs.configure(app)
    request_ids.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
