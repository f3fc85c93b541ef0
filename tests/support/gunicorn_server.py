"""A real gunicorn server (sync workers, as in production) for the faults that only show
there: a response streamed after the view returned (the request's database session is gone
by then), two requests of one double click handled by two workers at once.

It serves tests/support/served_app.py on the test run's own database (the `app` fixture's),
so a test makes its rows with the usual factories, commits, and asks the server over HTTP.
Use the `served` fixture: `served.get(path)` / `served.post(path, data)` with one cookie jar
per `served.browser()`.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

from bench.servers import HOST, gunicorn


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its own cookies; redirects are not followed (tests look at them)."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def open(self, path: str, data: dict | bytes | None = None,
             headers: dict | None = None) -> Answer:
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, path: str, **kwargs) -> Answer:
        return self.open(path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Answer:
        return self.open(path, data, **kwargs)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


@dataclass
class Served:
    port: int

    def browser(self) -> Browser:
        return Browser(self.port)


@pytest.fixture(scope="session")
def served(app, tmp_path_factory):
    """gunicorn on a free port, two sync workers, on the tests' database and upload folder."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {"SERVED_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SERVED_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
           "SERVED_MAX_CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"])}
    with gunicorn("tests.support.served_app:app", env=env, workers=2, log=log) as port:
        served = Served(port)
        served.log = log
        yield served
