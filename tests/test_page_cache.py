"""Kept pages (portal/web/page_cache.py): the home, help and privacy pages and the service guides
are rendered once per address, language and display settings (Flask-Caching) and served again,
compressed once per encoding (Flask-Compress's cache), with nothing of the visitor's own in
them – never for a signed-in visitor, never over a message waiting to be shown."""
import uuid

import brotli
import gzip
import pytest

from portal import create_app
from portal.web import page_cache
from portal.extensions import cache
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.pages import decoded


def _renders(monkeypatch) -> list[str]:
    """Count the real renders of kept pages."""
    calls: list[str] = []
    real = page_cache.render_template

    def counting(template, **context):
        calls.append(template)
        return real(template, **context)

    monkeypatch.setattr(page_cache, "render_template", counting)
    return calls


def test_a_page_is_rendered_once_and_served_again(client, monkeypatch):
    renders = _renders(monkeypatch)
    first = client.get("/").get_data(as_text=True)
    second = client.get("/").get_data(as_text=True)
    assert renders == ["public/home.html"]
    assert first == second


def test_a_first_visitor_gets_nothing_of_their_own_and_no_cookie(app, client):
    with app.test_client() as first_time:
        response = first_time.get("/help")
        assert "csrf_token" not in response.get_data(as_text=True)
        assert response.headers.get("Set-Cookie") is None
    # The same page for someone who already has a session (from a form they opened): kept,
    # and their session cookie is not sent again.
    client.get("/account/sign-in")
    again = client.get("/help")
    assert again.headers.get("Set-Cookie") is None
    assert "public" in again.headers["Cache-Control"]


def test_a_kept_page_may_be_stored_briefly_by_a_browser_or_proxy(client):
    response = client.get("/privacy")
    assert response.cache_control.public
    assert response.cache_control.max_age == page_cache.BROWSER_MAX_AGE
    assert "no-store" not in response.headers["Cache-Control"]
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert vary == {"Accept-Encoding", "Accept-Language", "Cookie"}
    assert response.headers["ETag"]
    # Kept here and then by a browser: together never longer than MAX_AGE.
    assert page_cache.KEPT_FOR + page_cache.BROWSER_MAX_AGE <= page_cache.MAX_AGE


def test_language_and_display_settings_each_have_their_own_page(client, monkeypatch):
    renders = _renders(monkeypatch)
    chinese = client.get("/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN"' in chinese and '<html lang="en"' in english
    client.get("/preferences/choose?next=/&scheme=yellow")
    yellow = client.get("/").get_data(as_text=True)
    assert "scheme-yellow" in yellow and "scheme-yellow" not in english
    assert len(renders) == 3


def test_signed_in_visitors_get_their_own_page_never_stored(client, monkeypatch):
    renders = _renders(monkeypatch)
    client.get("/")
    sign_in(client, make_account(**APPLICANT))
    for _ in range(2):
        response = client.get("/")
        assert "退出登录" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    assert len(renders) == 3        # one kept page, then two fresh ones for the signed-in visitor


def test_no_page_is_kept_while_a_message_waits_to_be_shown(client, monkeypatch):
    renders = _renders(monkeypatch)
    client.get("/help")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "已保存")]
    response = client.get("/help")
    assert response.headers["Cache-Control"] == "no-store"
    assert len(renders) == 2


def test_kept_pages_expire(app, client, monkeypatch):
    import cachelib.simple

    renders = _renders(monkeypatch)
    kept = app.view_functions["public.privacy"].kept
    assert kept.cache_timeout == page_cache.KEPT_FOR
    # The per-process cache's clock, moved on by hand (not slept: a loaded test run can take
    # more than a second between two requests).
    now = [1_000_000.0]
    monkeypatch.setattr(cachelib.simple, "time", lambda: now[0])
    client.get("/privacy")
    now[0] += page_cache.KEPT_FOR - 1
    client.get("/privacy")
    assert len(renders) == 1
    now[0] += 2
    client.get("/privacy")
    assert len(renders) == 2


@pytest.mark.parametrize("accept, encoding, decompress", [
    ("br, gzip", "br", brotli.decompress), ("gzip, deflate", "gzip", gzip.decompress),
    ("br;q=0, gzip", "gzip", gzip.decompress),
])
def test_a_kept_page_is_compressed_once_per_encoding(app, client, accept, encoding, decompress):
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    first = client.get("/", headers={"Accept-Encoding": accept})
    assert first.headers["Content-Encoding"] == encoding
    assert decompress(first.get_data()) == plain.get_data()
    assert len(first.get_data()) < len(plain.get_data()) / 2
    # The compressed body is kept under the page's ETag: the next visitor is sent what is
    # kept, not a new compression (shown by a stand-in body put in its place).
    etag = plain.headers["ETag"].strip('"')
    key = f"{encoding};{page_cache.COMPRESSED_PREFIX}{etag}"
    with app.app_context():
        assert cache.get(key) == first.get_data()
        page = plain.get_data().replace(b"</html>", b"<!-- kept --></html>")
        stand_in = brotli.compress(page) if encoding == "br" else gzip.compress(page)
        cache.set(key, stand_in)
    second = client.get("/", headers={"Accept-Encoding": accept})
    assert second.get_data() == stand_in
    assert int(second.headers["Content-Length"]) == len(stand_in)


def test_pages_that_are_not_kept_are_compressed_as_usual_and_not_kept(app, client):
    sign_in(client, make_account(**APPLICANT))
    for _ in range(2):
        response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
        assert response.headers["Content-Encoding"] == "br"
        assert "退出登录" in decoded(response)
    with app.app_context():
        assert cache.get("br;None") is None and cache.get("br;") is None


def test_service_guides_are_kept_and_unknown_ones_still_404(client, monkeypatch):
    renders = _renders(monkeypatch)
    for path in ("/programmes", "/programmes/nursing_allowance",
                 "/programmes/nursing_allowance/easy-read"):
        first = client.get(path)
        second = client.get(path)
        assert first.status_code == second.status_code == 200, path
        assert first.get_data() == second.get_data()
    assert renders == ["guides/index.html", "guides/programme.html", "guides/easy_read.html"]
    for _ in range(2):
        missing = client.get("/programmes/no_such_programme")
        assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at " + url)


def test_workers_can_share_kept_pages_in_redis(app, monkeypatch):
    """CACHE_TYPE=RedisCache: two apps (two workers) with one cache render a page once. The
    test keeps its keys under a prefix of its own and removes them."""
    url = "redis://127.0.0.1:6379/0"
    _redis_or_skip(url)
    renders = _renders(monkeypatch)
    settings = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI":
                app.config["SQLALCHEMY_DATABASE_URI"], "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}/"}
    workers = [create_app(settings), create_app(settings)]
    try:
        pages = [worker.test_client().get("/help", headers={"Accept-Encoding": "br"})
                 for worker in workers]
        assert renders == ["public/help.html"]
        assert pages[0].get_data() == pages[1].get_data()
    finally:
        with workers[0].app_context():
            cache.clear()   # RedisCache.clear() removes only keys under its prefix


def test_pages_are_served_when_the_shared_cache_cannot_be_reached(app, caplog):
    import socket

    with socket.socket() as probe:        # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI":
                app.config["SQLALCHEMY_DATABASE_URI"], "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}/"}
    with create_app(settings).test_client() as client:
        for accept in ("br", "identity"):
            response = client.get("/help", headers={"Accept-Encoding": accept})
            assert response.status_code == 200
            assert "帮助" in decoded(response)
    assert "unreachable" in caplog.text or "cache backend" in caplog.text
