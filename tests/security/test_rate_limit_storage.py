"""Rate limits are shared by every worker when RATELIMIT_STORAGE_URI names a Redis server:
two create_app() objects (two workers) with the same storage count together.

Runs against the Redis server on 127.0.0.1:6379, database 5, under a key prefix of its own
(the storage's key_prefix option): only its own keys are deleted, never the database. Skipped when no
Redis answers – except in CI (CI=true), where a missing Redis is a failure."""
from __future__ import annotations

import os
import uuid

import pytest

from portal import create_app
from portal.extensions import limiter

REDIS_URI = os.environ.get("TEST_REDIS_URI", "redis://127.0.0.1:6379/5")


@pytest.fixture()
def redis_storage():
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URI} (CI=true): {error}")
        pytest.skip(f"no Redis at {REDIS_URI}")
    prefix = f"portal-test-{uuid.uuid4().hex}"
    client.prefix = prefix

    def own_keys():
        return list(client.scan_iter(match=f"*{prefix}*"))

    client.own_keys = own_keys
    try:
        yield client
    finally:
        if own_keys():
            client.delete(*own_keys())
        client.close()


def _worker(tmp_path, name, prefix):
    # The test's own keys: the Redis storage's key prefix (the storage's documented option),
    # so that nothing of another run's or another app's is counted or deleted.
    app = create_app({
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.db",
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URI,
        "RATE_LIMIT_SIGN_IN": "3 per minute", "WTF_CSRF_ENABLED": False,
    })
    return app


def test_two_workers_share_the_sign_in_limit_through_redis(tmp_path, redis_storage):
    was_enabled = limiter.enabled
    first, second = (_worker(tmp_path, "a", redis_storage.prefix),
                     _worker(tmp_path, "b", redis_storage.prefix))
    try:
        answers = []
        for app in (first, second, first, second):
            with app.test_client() as client:
                # a phone number that is not one: refused by the form, counted by the limit
                answers.append(client.post("/account/sign-in",
                                           data={"phone": "x", "password": "y"}).status_code)
        assert answers[:3] == [200, 200, 200]
        assert answers[3] == 429  # the fourth attempt, on the other worker
        assert redis_storage.own_keys(), "the counts live in Redis, under the test's prefix"
    finally:
        # not limiter.reset(): on Redis that deletes every limit key of the database
        limiter.enabled = was_enabled


def test_the_default_storage_is_in_memory(app):
    from portal.config import Config

    assert Config.RATELIMIT_STORAGE_URI == os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
