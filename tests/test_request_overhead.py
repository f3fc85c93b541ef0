"""What serving a page does for every request changes no behaviour: rate limits count POSTs
only (Flask-Limiter's request filter, portal/web/rate_limits.py), and each header is sent once (a
view's own stays: see test_staff_console)."""
from pathlib import Path

from portal import create_app
from portal.extensions import limiter

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_is_plain_flask_with_flasks_own_session_cookie(app, client):
    """No replaced signer: the session interface only opens an empty session early when no
    cookie came (portal/web/sessions.py); signing, checking and saving are Flask's own, and
    the cookie it writes is the one plain Flask reads, and the other way round."""
    from flask import Flask, request
    from flask.sessions import SecureCookieSessionInterface

    assert type(app) is Flask
    interface = type(app.session_interface)
    assert issubclass(interface, SecureCookieSessionInterface)
    overridden = {name for name, value in vars(interface).items() if callable(value)}
    assert overridden == {"open_session"}
    plain = SecureCookieSessionInterface()

    with client.session_transaction() as session:    # written by the portal's interface
        session["probe"] = "甲"
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert plain.get_signing_serializer(app).loads(cookie.value)["probe"] == "甲"

    value = plain.get_signing_serializer(app).dumps({"probe": "乙"})   # written by plain Flask
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    with client.session_transaction() as session:
        assert session["probe"] == "乙"

    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])   # no cookie: an empty session
    with app.test_request_context("/"):
        opened = app.session_interface.open_session(app, request)
        assert opened is not None and dict(opened) == {} and not opened.modified
        tampered = app.test_request_context("/", headers={
            "Cookie": f"{app.config['SESSION_COOKIE_NAME']}={value}x"})
    with tampered:
        assert dict(app.session_interface.open_session(app, request)) == {}   # Flask's check


# -- rate limits ----------------------------------------------------------------------------

def test_every_limit_is_made_by_rate_limits_so_all_count_post_only():
    makers = []
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "limiter.limit(" in text or "limiter.shared_limit(" in text:
            makers.append(path.relative_to(ROOT).as_posix())
    assert makers == ["portal/web/rate_limits.py"]


def test_only_posts_are_counted_and_carry_limit_headers(app):
    was_enabled = limiter.enabled
    # Its own counters in memory: reset() below empties the store, which with a Redis server
    # configured (RATELIMIT_STORAGE_URI in the environment) would wipe every limit key there.
    limited = create_app({"ENV_NAME": "testing", "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "WTF_CSRF_ENABLED": False, "RATE_LIMIT_ACCESSIBILITY_REPORT": "2 per minute",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert type(limiter.storage).__name__ == "MemoryStorage", limiter.storage
    limiter.reset()
    try:
        with limited.test_client() as client:
            for _ in range(5):    # more GETs than the limit allows POSTs: none is counted
                page = client.get("/accessibility")
                assert page.status_code == 200
                assert "X-RateLimit-Limit" not in page.headers
            counted = client.post("/accessibility", data={})
            assert counted.headers["X-RateLimit-Limit"] == "2"
            assert counted.headers["X-RateLimit-Remaining"] == "1"
            client.post("/accessibility", data={})
            assert client.post("/accessibility", data={}).status_code == 429
            assert client.get("/accessibility").status_code == 200   # reading still works
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
