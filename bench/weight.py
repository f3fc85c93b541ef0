"""Page weight: what a browser downloads for a page, compressed as it would ask for it.

A first visit fetches the HTML and every same-site asset it references – stylesheets (and the
images their ``url()`` names), scripts, icons, images – each with ``Accept-Encoding: br, gzip``.
A repeat visit fetches the HTML only: the assets carry a ``?v=`` fingerprint and are cached for
a year (portal/web/delivery.py). Counting every ``url()`` of a stylesheet, whether or not a rule
uses it, makes the first-visit figure an upper bound.

``weigh(path, fetch)`` takes any ``fetch(path) -> (status, headers, body as transferred)``: the
Flask test client in tests/perf, a real HTTP connection in the benchmark. One place for the
rules of weighing, so the test and the benchmark cannot drift apart.
"""
from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import brotli

ACCEPT_ENCODING = "br, gzip"
Fetch = Callable[[str], tuple[int, Mapping[str, str], bytes]]

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def decode(body: bytes, content_encoding: str | None) -> bytes:
    """The body as the server had it before compressing."""
    if content_encoding == "br":
        return brotli.decompress(body)
    if content_encoding == "gzip":
        return gzip.decompress(body)
    return body


class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("href"):
            rel = set((attributes.get("rel") or "").lower().split())
            if rel & {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon"}:
                self.found.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.found.append(attributes["src"])
        elif tag == "video" and attributes.get("poster"):
            self.found.append(attributes["poster"])


def referenced(html: str, base: str) -> list[str]:
    """Same-site URLs (paths) of the assets an HTML page references, in order, no repeats."""
    parser = _References()
    parser.feed(html)
    return _same_site(parser.found, base)


def css_references(css: str, base: str) -> list[str]:
    """Same-site URLs a stylesheet's ``url()`` names (images, fonts), resolved against it."""
    return _same_site([u for u in _CSS_URL.findall(css) if not u.startswith("data:")], base)


def _same_site(urls: list[str], base: str) -> list[str]:
    paths = []
    for url in urls:
        parts = urlsplit(urljoin(base, url))
        if parts.scheme or parts.netloc:
            continue  # another site: none of ours (no CDN), and not ours to weigh
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


@dataclass
class PageWeight:
    path: str
    html: int                                   # bytes transferred for the HTML
    assets: dict[str, int] = field(default_factory=dict)   # path -> bytes transferred
    problems: list[str] = field(default_factory=list)      # assets that did not load

    @property
    def first_visit(self) -> int:
        return self.html + sum(self.assets.values())

    @property
    def repeat_visit(self) -> int:
        return self.html


def weigh(path: str, fetch: Fetch) -> PageWeight:
    """Fetch `path` and everything it references as a first-time visitor's browser would."""
    status, headers, body = fetch(path)
    if status != 200:
        raise ValueError(f"{path}: HTTP {status}")
    html = decode(body, headers.get("Content-Encoding")).decode("utf-8")
    weight = PageWeight(path, len(body))
    queue = referenced(html, path)
    while queue:
        asset = queue.pop(0)
        if asset in weight.assets:
            continue
        status, headers, body = fetch(asset)
        if status != 200:
            weight.problems.append(f"{asset}: HTTP {status}")
            continue
        weight.assets[asset] = len(body)
        if headers.get("Content-Type", "").startswith("text/css"):
            css = decode(body, headers.get("Content-Encoding")).decode("utf-8")
            queue += [u for u in css_references(css, asset) if u not in weight.assets]
    return weight
