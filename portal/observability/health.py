"""What /readyz checks: each dependency the portal is configured with, each with a short
time-out (READINESS_TIMEOUT_SECONDS), answering "ok" or "fail" – never why (a reason could
name a host or a user; the log has the error's kind).

- database: `SELECT 1` (for PostgreSQL also put `connect_timeout=2` in DATABASE_URL, so that
  an unreachable host does not hold the check for the system's TCP time-out);
- redis: each Redis the portal is set to use – the rate limits' store (RATELIMIT_STORAGE_URI)
  and the shared page cache (CACHE_TYPE=RedisCache, CACHE_REDIS_URL) – answers PING;
- broker: the task queue's broker (CELERY_BROKER_URL) accepts a connection.

A dependency that is not configured (memory:// counters, no broker) is not checked.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

OK, FAIL = "ok", "fail"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_urls(config: Mapping) -> list[str]:
    """The Redis servers the portal uses (each once)."""
    urls = []
    storage = config.get("RATELIMIT_STORAGE_URI") or ""
    if storage.startswith(REDIS_SCHEMES):
        urls.append(storage)
    if config.get("CACHE_TYPE") in ("RedisCache", "redis") and config.get("CACHE_REDIS_URL"):
        urls.append(config["CACHE_REDIS_URL"])
    return list(dict.fromkeys(urls))


def checks(config: Mapping) -> dict[str, Callable[[float], None]]:
    """The checks that apply, by name; each raises when its dependency does not answer."""
    found: dict[str, Callable[[float], None]] = {"database": _database}
    urls = redis_urls(config)
    if urls:
        found["redis"] = lambda timeout: [_redis(url, timeout) for url in urls]
    broker = config.get("CELERY_BROKER_URL")
    if broker:
        found["broker"] = lambda timeout: _broker(broker, timeout)
    return found


def readiness(config: Mapping) -> dict[str, str]:
    """Each configured dependency: "ok" or "fail"."""
    timeout = float(config.get("READINESS_TIMEOUT_SECONDS", 2.0))
    results = {}
    for name, check in checks(config).items():
        try:
            check(timeout)
            results[name] = OK
        except Exception as error:  # noqa: BLE001 – any failure means not ready
            log.warning("Readiness: %s failed (%s)", name, type(error).__name__)
            results[name] = FAIL
    return results


def _database(_timeout: float) -> None:
    from sqlalchemy import text

    from portal.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def _redis(url: str, timeout: float) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def _broker(url: str, timeout: float) -> None:
    if url.startswith(REDIS_SCHEMES):
        _redis(url, timeout)
        return
    from kombu import Connection

    with Connection(url, connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, timeout=timeout)
