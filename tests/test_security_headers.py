"""Security baseline: headers on every response, CSRF on every POST route, cookie flags."""
import pytest

from portal.web.same_origin import is_tokenless_page
from portal.web.security_headers import HEADERS


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            yield rule.rule


def test_headers_on_every_parameterless_get_route(app, client):
    routes = list(_get_routes(app))
    assert "/" in routes
    for route in routes:
        response = client.get(route)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (route, name)


def test_csp_forbids_inline_script_and_framing():
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_headers_on_error_and_static_responses(client):
    for response in (client.get("/nope"), client.get("/static/css/portal.css")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response.headers


def test_every_post_route_requires_a_csrf_token(app, client):
    """…or, for the self-check's token-less forms, that it comes from this site
    (portal/web/same_origin.py): another site's POST is refused there as elsewhere."""
    post_rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    for rule in post_rules:
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
        headers = {"Sec-Fetch-Site": "cross-site"} if is_tokenless_page(url) else {}
        response = client.post(url, data={"anything": "x"}, headers=headers)
        assert response.status_code == 400, url
        assert "请求无法处理" in response.get_data(as_text=True)


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_requires_secret_key_and_secure_cookies(monkeypatch):
    from portal import create_app
    from portal.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
