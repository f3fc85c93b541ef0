"""A small load generator: several processes, each with one HTTP connection, ask for one page
as fast as the server answers, for a fixed time; then requests/s and p50/p95/p99 latency.

Why our own and not wrk or locust: it needs nothing beyond the standard library (no apt-get,
no extra Python package on the servers that run `make bench`), it signs in and weighs pages
with the same code as the tests, and because it drives the bare Flask app in exactly the same
way as the portal, the ratio between the two is fair even where the generator itself takes
CPU (on a 2-core machine it shares the cores with the servers – so read absolute requests/s
as a floor, and the ratios as the measure). It runs in separate processes from the servers
and from each other (no GIL shared with the app), keeps its connection alive where the
server allows (gunicorn's sync workers close it after each response, as behind a proxy), and
reads every body to the end. Errors are responses that are not 2xx, and failed connections.
"""
from __future__ import annotations

import http.client
import multiprocessing
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .weight import ACCEPT_ENCODING


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def _worker(host: str, port: int, path: str, headers: Mapping[str, str], seconds: float,
            start_at: float, results) -> None:
    latencies, errors = [], 0
    connection = http.client.HTTPConnection(host, port, timeout=30)
    while time.time() < start_at:
        time.sleep(0.001)
    stop = time.perf_counter() + seconds
    while (started := time.perf_counter()) < stop:
        try:
            connection.request("GET", path, headers=dict(headers))
            response = connection.getresponse()
            response.read()
            if not 200 <= response.status < 300:
                errors += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    results.put((latencies, errors))


def run(host: str, port: int, path: str, *, seconds: float = 3.0, connections: int = 4,
        cookie: str | None = None) -> LoadResult:
    """Drive `path` with `connections` concurrent clients for `seconds`."""
    headers = {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "huyi-bench"}
    if cookie:
        headers["Cookie"] = cookie
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 0.5 + 0.1 * connections  # every process ready before the start
    workers = [context.Process(target=_worker, args=(host, port, path, headers, seconds,
                                                     start_at, results))
               for _ in range(connections)]
    for worker in workers:
        worker.start()
    latencies, errors = [], 0
    for _ in workers:
        got, failed = results.get(timeout=seconds + 120)
        latencies += got
        errors += failed
    for worker in workers:
        worker.join()
    return LoadResult(len(latencies), errors, seconds, tuple(sorted(latencies)))


def combined(parts: list[LoadResult]) -> LoadResult:
    """Several runs of one page as one result (requests and time added up)."""
    latencies = sorted(ms for part in parts for ms in part.latencies_ms)
    return LoadResult(len(latencies), sum(p.errors for p in parts),
                      sum(p.seconds for p in parts), tuple(latencies))


def get(host: str, port: int, path: str, headers: Mapping[str, str] | None = None,
        method: str = "GET", body: bytes | None = None):
    """One request: (status, headers, body as transferred)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={
            "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
