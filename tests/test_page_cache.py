"""Kept pages (portal/web/page_cache.py): the home, help and privacy pages are rendered once per
language and display settings and served again – with each visitor's own CSRF token, never
for a signed-in visitor, never over a message waiting to be shown."""
import re

from portal.web import page_cache
from tests.conftest import csrf_token
from tests.support.pages import decoded

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _without_token(page: str) -> str:
    assert TOKEN.search(page), "the page has no token"
    return TOKEN.sub("", page)


def _secret(page: str) -> str:
    """The session's CSRF secret a page's token carries (before its time and signature)."""
    from itsdangerous import URLSafeTimedSerializer

    token = TOKEN.search(page).group(1)
    secret = URLSafeTimedSerializer("unused", salt="wtf-csrf-token").loads_unsafe(token)[1]
    assert secret, token
    return secret


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
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert page_cache.TOKEN not in second


def test_each_visitor_gets_a_working_token_of_their_own(app, client):
    mine = csrf_token(client, "/")
    with app.test_client() as other:
        theirs = csrf_token(other, "/")
        assert theirs != mine
        # The token from the kept page works for the settings form (CSRF is checked).
        response = other.post("/preferences?next=/", data={"csrf_token": theirs, "size": "large"})
        assert response.status_code == 303
        refused = other.post("/preferences?next=/", data={"csrf_token": "forged", "size": "large"})
        assert refused.status_code == 400


def test_language_and_display_settings_each_have_their_own_page(client, monkeypatch):
    renders = _renders(monkeypatch)
    chinese = client.get("/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN"' in chinese and '<html lang="en"' in english
    token = csrf_token(client, "/")
    client.post("/preferences?next=/", data={"csrf_token": token, "scheme": "yellow"})
    yellow = client.get("/").get_data(as_text=True)
    assert "scheme-yellow" in yellow and "scheme-yellow" not in english
    assert len(renders) == 3


def test_signed_in_visitors_get_their_own_page(client, monkeypatch):
    from tests.support.accounts import APPLICANT, make_account, sign_in

    renders = _renders(monkeypatch)
    client.get("/")
    sign_in(client, make_account(**APPLICANT))
    client.get("/")
    client.get("/")
    assert len(renders) == 3        # one kept page, then two fresh ones for the signed-in visitor


def test_no_page_is_kept_while_a_message_waits_to_be_shown(client, monkeypatch):
    renders = _renders(monkeypatch)
    client.get("/help")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "已保存")]
    client.get("/help")
    assert len(renders) == 2


def test_kept_pages_expire(client, monkeypatch):
    renders = _renders(monkeypatch)
    client.get("/privacy")
    monkeypatch.setattr(page_cache, "MAX_AGE", -1)
    client.get("/privacy")
    assert len(renders) == 2


def _compressions(monkeypatch) -> list[str]:
    """Count whole-page compressions by Flask-Compress."""
    import flask_compress.flask_compress as fc

    calls: list[str] = []
    real = fc._compress_data

    def counting(app, data, algorithm):
        calls.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(fc, "_compress_data", counting)
    return calls


def test_a_kept_page_is_sent_compressed_without_compressing_it_again(client, monkeypatch):
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    compressions = _compressions(monkeypatch)
    for accept, expected in (("br, gzip", "br"), ("gzip, deflate", "gzip"),
                             ("br;q=0, gzip", "gzip"), ("*", "br")):
        response = client.get("/", headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == expected
        assert "Accept-Encoding" in response.headers["Vary"]
        assert int(response.headers["Content-Length"]) == len(response.get_data())
        page = decoded(response)
        # The same page, the same visitor's token, much smaller. (A token is the session's one
        # secret signed with the time of the request: it reads differently from one second to
        # the next, so the tokens are compared as the one secret they carry.)
        assert _without_token(page) == _without_token(plain.get_data(as_text=True))
        assert _secret(page) == _secret(plain.get_data(as_text=True))
        assert len(response.get_data()) < len(page.encode()) / 2
    assert compressions == []


def test_each_visitor_gets_their_own_token_in_the_compressed_page(app):
    tokens = set()
    for _ in range(3):
        with app.test_client() as visitor:
            page = decoded(visitor.get("/", headers={"Accept-Encoding": "br"}))
            token = TOKEN.search(page).group(1)
            assert visitor.post("/preferences?next=/", data={
                "csrf_token": token, "size": "large"}).status_code == 303
            tokens.add(token)
    assert len(tokens) == 3


def test_pages_that_are_not_kept_are_still_compressed_as_usual(client, monkeypatch):
    from tests.support.accounts import APPLICANT, make_account, sign_in

    compressions = _compressions(monkeypatch)
    sign_in(client, make_account(**APPLICANT))
    response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert "退出登录" in decoded(response)
    assert compressions == ["br"]


def test_service_guides_are_kept_and_unknown_ones_still_404(client, monkeypatch):
    renders = _renders(monkeypatch)
    for path in ("/programmes", "/programmes/nursing_allowance",
                 "/programmes/nursing_allowance/easy-read"):
        first = client.get(path)
        second = client.get(path)
        assert first.status_code == second.status_code == 200, path
        assert TOKEN.sub("", first.get_data(as_text=True)) == \
            TOKEN.sub("", second.get_data(as_text=True))
    assert renders == ["guides/index.html", "guides/programme.html", "guides/easy_read.html"]
    assert client.get("/programmes/no_such_programme").status_code == 404
