"""Running it (portal/observability): no pages – answers for machines, each tested in
tests/test_observability.py."""
from __future__ import annotations

VISITS: list = []

EXCLUDED = {
    "observability.healthz": "plain text \"ok\" for the load balancer (the process answers), "
                             "not a page",
    "observability.readyz": "JSON for the orchestrator (database, Redis, broker reachable), "
                            "not a page",
    "observability.scrape": "Prometheus' text format for the metrics scraper, behind a bearer "
                            "token, not a page",
}
