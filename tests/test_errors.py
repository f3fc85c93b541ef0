"""Error pages are shown in the layout, translated, never as a traceback."""
import pytest

from portal.web.errors import PAGES


@pytest.mark.parametrize("code", sorted(PAGES))
def test_error_page_in_chinese(client, code):
    response = client.get(f"/_test/error/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert str(PAGES[code][0]) in html
    assert "12385" in html and "Traceback" not in html


@pytest.mark.parametrize("code", sorted(PAGES))
def test_error_page_in_english(english_client, code):
    html = english_client.get(f"/_test/error/{code}").get_data(as_text=True)
    assert f"Error code: {code}" in html
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in html.split("<main")[1].split("</main>")[0])


def test_unknown_page_is_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "找不到此页面" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_allow_header(client):
    response = client.post("/help")
    assert response.status_code in (400, 405)  # CSRF may answer first; never a traceback
    response = client.delete("/help")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_exception_shows_the_500_page():
    from portal import create_app

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/_test/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统出现问题" in html and "secret detail" not in html and "Traceback" not in html


def test_error_routes_are_absent_outside_tests():
    from portal import create_app

    app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "testing.show_error" not in app.view_functions
    assert "testing.sign_in" not in app.view_functions
