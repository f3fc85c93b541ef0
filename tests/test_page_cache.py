"""Kept pages (portal/page_cache.py): the home, help and privacy pages are rendered once per
language and display settings and served again – with each visitor's own CSRF token, never
for a signed-in visitor, never over a message waiting to be shown."""
import re

from portal import page_cache
from tests.conftest import csrf_token

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
    from tests.apply_support import sign_in

    renders = _renders(monkeypatch)
    client.get("/")
    sign_in(client)
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
