"""Resident pages stay light: compressed as a browser asks (br, gzip), a first visit (HTML and
the CSS, JS and images it references) is at most 50 KB and a repeat visit (HTML only, the
fingerprinted assets cached) at most 15 KB. The weighing is the benchmark's own
(bench/weight.py), so the test and `make bench` measure the same thing."""
from __future__ import annotations

import pytest

from bench import budgets, pages, weight


def _fetcher(client):
    def fetch(path):
        response = client.get(path, headers={"Accept-Encoding": weight.ACCEPT_ENCODING})
        return response.status_code, response.headers, response.get_data()
    return fetch


@pytest.mark.parametrize("name", list(pages.resident_pages()))
def test_a_resident_page_is_within_its_weight_budget(client, name):
    measured = weight.weigh(pages.resident_pages()[name], _fetcher(client))
    assert not measured.problems
    assert "/static/css/portal.css" in " ".join(measured.assets)   # the assets were weighed
    assert measured.first_visit <= budgets.FIRST_VISIT_BYTES, (name, measured.assets)
    assert measured.repeat_visit <= budgets.REPEAT_VISIT_BYTES, name


def test_the_html_is_weighed_as_transferred_compressed(client):
    measured = weight.weigh("/", _fetcher(client))
    raw = client.get("/", headers={"Accept-Encoding": "identity"}).get_data()
    assert measured.html < len(raw) / 2


def test_weighing_finds_what_a_browser_would_fetch():
    html = ('<link rel="stylesheet" href="/static/a.css?v=1"><link rel="icon" href="/i.svg">'
            '<script src="/static/b.js?v=2" defer></script><img src="pic.png" alt="">'
            '<link rel="canonical" href="/x"><script src="https://cdn.example/c.js"></script>')
    assert weight.referenced(html, "/guides/one") == [
        "/static/a.css?v=1", "/i.svg", "/static/b.js?v=2", "/guides/pic.png"]
    css = 'a { cursor: url("../img/hand.svg") 1 2, pointer; background: url(data:x) }'
    assert weight.css_references(css, "/static/css/portal.css?v=1") == ["/static/img/hand.svg"]


def test_an_asset_that_does_not_load_is_reported_not_ignored(client):
    def fetch(path):
        if path.startswith("/static/js/"):
            return 404, {}, b""
        return _fetcher(client)(path)

    measured = weight.weigh("/", fetch)
    assert any("/static/js/" in problem for problem in measured.problems)
