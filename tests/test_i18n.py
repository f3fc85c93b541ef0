"""Language choice: explicit cookie → Accept-Language → Chinese; the switch is safe."""
import pytest


def test_default_is_simplified_chinese(client):
    assert client.get("/").headers["Content-Language"] == "zh-CN"


@pytest.mark.parametrize("header, expected", [
    ("en-GB,en;q=0.9", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
    ("zh-TW", "zh-CN"),
    ("fr-FR,en;q=0.5", "en"),
    ("fr-FR", "zh-CN"),
])
def test_accept_language_is_used_without_a_choice(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.headers["Content-Language"] == expected


def test_explicit_choice_beats_accept_language(client):
    client.set_cookie("lang", "zh")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "zh-CN"


def test_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/language/en?next=/help")
    assert response.status_code == 303
    assert response.headers["Location"] == "/help"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/help").headers["Content-Language"] == "en"


def test_unknown_language_is_not_found(client):
    assert client.get("/language/fr").status_code == 404


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "/%0d%0aSet-Cookie:x=1", "\\\\evil", "",
])
def test_switch_only_returns_to_this_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location.split("?")[0] or location == target


def test_switch_keeps_query_string_of_same_site_path(client):
    response = client.get("/language/zh", query_string={"next": "/help?x=1"})
    assert response.headers["Location"] == "/help?x=1"
