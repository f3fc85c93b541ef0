"""/healthz, /readyz and /metrics: for the load balancer, the orchestrator and Prometheus.

Small answers without templates, no personal data, no session (nothing here reads or writes
it, so no cookie is set), never kept by the page cache (`no-store`, portal/web/security_headers
.py) and never rate limited (only POSTs are counted, portal/web/rate_limits.py; and exempt
here besides).

/metrics is not public: it answers only a scraper that sends `Authorization: Bearer
<METRICS_TOKEN>`; without METRICS_TOKEN set it is off (404).
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request

from portal.extensions import limiter
from portal.observability import health, metrics

bp = Blueprint("observability", __name__)
limiter.exempt(bp)


@bp.get("/healthz")
def healthz():
    """The process answers (nothing else is asked: a database outage must not restart it)."""
    return Response("ok\n", mimetype="text/plain")


@bp.get("/readyz")
def readyz():
    """Every configured dependency answers: 200, else 503; each one's "ok" or "fail"."""
    results = health.readiness(current_app.config)
    ready = all(result == health.OK for result in results.values())
    response = jsonify(status=health.OK if ready else health.FAIL, checks=results)
    response.status_code = 200 if ready else 503
    return response


@bp.get("/metrics")
def scrape():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return Response("unauthorised\n", 401, {"WWW-Authenticate": "Bearer"},
                        mimetype="text/plain")
    return Response(metrics.exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")
