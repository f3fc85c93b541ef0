"""The per-request shortcuts that keep a kept page cheap (issue #9) change no behaviour:
session cookies keep Flask's format, hooks stay synchronous, rate limits still count POSTs,
and each header is sent once (a view's own stays: see test_staff_console)."""
import asyncio
import inspect
from pathlib import Path

import pytest
from flask import request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from portal import create_app
from portal.extensions import limiter
from portal.session_cookie import COMPRESS_FROM, SessionInterface

ROOT = Path(__file__).resolve().parent.parent


# -- session cookie -------------------------------------------------------------------------

def test_session_cookies_keep_flasks_format_both_ways(app):
    ours, flasks = SessionInterface(), SecureCookieSessionInterface()
    short = {"csrf_token": "4f" * 20}
    long = {"checker": {f"q{i}": "yes" for i in range(80)}}
    for data in (short, long):
        made_by_us = ours.get_signing_serializer(app).dumps(data)
        made_by_flask = flasks.get_signing_serializer(app).dumps(data)
        assert flasks.get_signing_serializer(app).loads(made_by_us) == data
        assert ours.get_signing_serializer(app).loads(made_by_flask) == data
    assert not ours.get_signing_serializer(app).dumps(short).startswith(".")  # not compressed
    assert ours.get_signing_serializer(app).dumps(long).startswith(".")       # compressed
    assert len(str(long)) > COMPRESS_FROM


def test_one_serializer_per_secret_and_old_secrets_still_read(app):
    interface = SessionInterface()
    serializer = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is serializer
    old_cookie = serializer.dumps({"csrf_token": "x"})
    rotated = create_app({"ENV_NAME": "testing", "SECRET_KEY": "a-new-secret",
                          "SECRET_KEY_FALLBACKS": [app.secret_key],
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    new = interface.get_signing_serializer(rotated)
    assert new is not serializer
    assert new.loads(old_cookie) == {"csrf_token": "x"}        # signed with the old secret
    with pytest.raises(BadSignature):
        serializer.loads(new.dumps({"a": 1}))                  # the old app cannot read new


def test_the_app_uses_it(app):
    assert isinstance(app.session_interface, SessionInterface)


# -- ensure_sync --------------------------------------------------------------------------

def test_plain_functions_and_methods_are_used_as_they_are(app):
    def hook():
        return None

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(app.make_response) == app.make_response


def test_coroutine_functions_still_go_to_flask(app):
    async def view():
        return "x"

    def marked():
        return "x"

    inspect.markcoroutinefunction(marked)
    for func in (view, marked):
        try:
            wrapped = app.ensure_sync(func)
        except RuntimeError as missing_async_extra:   # Flask's answer without asgiref
            assert "async" in str(missing_async_extra)
        else:
            assert wrapped is not func and not asyncio.iscoroutinefunction(wrapped)


# -- rate limits ----------------------------------------------------------------------------

def test_every_limit_is_made_by_rate_limits_so_all_count_post_only():
    makers = []
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "limiter.limit(" in text or "limiter.shared_limit(" in text:
            makers.append(path.relative_to(ROOT).as_posix())
    assert makers == ["portal/web/rate_limits.py"]


def test_only_counted_methods_reach_the_limiter(app, monkeypatch):
    was_enabled = limiter.enabled
    limited = create_app({"ENV_NAME": "testing", "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    try:
        assert limiter._check_request_limit not in limited.before_request_funcs[None]
        seen = []
        monkeypatch.setattr(limiter, "_check_request_limit",
                            lambda in_middleware=True, **_: seen.append((
                                request.method, request.path, in_middleware)))
        with limited.test_client() as client:
            client.get("/help")
            client.get("/account/sign-in")       # a limited view checks its own limits
            client.post("/accessibility", data={})
        before_views = [(method, path) for method, path, middle in seen if middle]
        assert before_views == [("POST", "/accessibility")]
        assert ("POST", "/accessibility", False) in seen
        monkeypatch.undo()
        with limited.test_client() as client:
            assert "X-RateLimit-Limit" not in client.get("/accessibility").headers
            counted = client.post("/accessibility", data={})
            assert counted.headers["X-RateLimit-Limit"] == "10"   # RATE_LIMIT_ACCESSIBILITY_REPORT
    finally:
        limiter.reset()
        limiter.enabled = was_enabled


# -- headers --------------------------------------------------------------------------------

def test_each_header_once_and_vary_names_each_thing_once(client):
    response = client.get("/")
    for name in ("Content-Security-Policy", "Content-Language", "Vary", "X-Frame-Options"):
        assert len(response.headers.getlist(name)) == 1, name
    vary = [v.strip() for v in response.headers["Vary"].split(",")]
    assert sorted(vary) == ["Accept-Encoding", "Accept-Language", "Cookie"]
