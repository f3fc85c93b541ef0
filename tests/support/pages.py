"""Reading the pages the tests get: the page-checking test client (every HTML page it gets is
checked, tests/support/page_check.py), a response's body whatever its encoding, and a page's
text as one line – the whole page, only its <main>, or as a screen reader speaks it."""
from __future__ import annotations

import gzip
import re

import brotli
from flask.testing import FlaskClient

from tests.support.page_check import check_page


class PageCheckingClient(FlaskClient):
    """A test client that runs the page checks on every HTML response."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            path = response.request.path if response.request else ""
            check_page(decoded(response), response.headers.get("Content-Language"), path)
        return response


def decoded(response) -> str:
    """The response's page as text, whatever its Content-Encoding."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        body = brotli.decompress(body)
    return body.decode("utf-8")


def _one_line(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text(response) -> str:
    """The whole page's text as one line (every tag a space)."""
    return _one_line(response.get_data(as_text=True))


def main_text(response) -> str:
    """The text of the page's <main> as one line; inline spans leave no gap."""
    html = response.get_data(as_text=True)
    main = html[html.find("<main"):html.find("</main>")]
    return _one_line(re.sub(r"</?span[^>]*>", "", main))


def spoken_text(page) -> str:
    """A page's text as one line, without the column names that stacked table rows repeat for
    narrow screens (aria-hidden, so a screen reader does not read them either). `page`: a
    response or its HTML."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    html = re.sub(r'<span class="stack-table__label" aria-hidden="true">[^<]*</span>', "", html)
    return _one_line(html)
