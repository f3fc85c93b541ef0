"""Checks applied to every HTML page the tests render (after GOV.UK Notify's client_request).

- the HTML parses without a single parse error (html5lib, strict);
- exactly one <h1>, and <title> starts with its text (after an optional "错误：" / "Error: ");
- no duplicate ids;
- <html lang> matches the Content-Language the app chose;
- every POST form has an action and a CSRF token (inside it, or tied to it by form="its id"),
  except a form sent to a page whose forms carry none (the self-check: portal/web/same_origin.py).
"""
from __future__ import annotations

import re
from collections import Counter

from urllib.parse import urlsplit

import html5lib

from portal.web.same_origin import is_tokenless_page

ERROR_PREFIXES = ("错误：", "Error: ")


class PageProblem(AssertionError):
    pass


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def parse(html: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line, col = parser.errors[-1][0] if parser.errors else ("?", "?")
        raise PageProblem(f"HTML does not parse at line {line}, column {col}: {error}") from None


def check_page(html: str, content_language: str | None, path: str = "") -> None:
    where = f" on {path}" if path else ""
    document = parse(html)
    headings = document.findall(".//h1")
    if len(headings) != 1:
        raise PageProblem(f"expected exactly one <h1>{where}, found {len(headings)}")
    title = document.find(".//title")
    if title is None:
        raise PageProblem(f"no <title>{where}")
    title_text = text_of(title)
    for prefix in ERROR_PREFIXES:
        title_text = title_text.removeprefix(prefix)
    h1 = text_of(headings[0])
    if not title_text.startswith(h1):
        raise PageProblem(f"<title> {title_text!r} does not start with the <h1> {h1!r}{where}")
    ids = Counter(el.get("id") for el in document.iter() if el.get("id"))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageProblem(f"duplicate ids{where}: {duplicates}")
    lang = document.get("lang")  # html5lib returns the <html> element
    if content_language and lang != content_language:
        raise PageProblem(f"<html lang={lang!r}> but the page is in {content_language!r}{where}")
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        if not form.get("action"):
            raise PageProblem(f"a POST form without an action{where}")
        tied = [i for i in document.iter("input") if form.get("id") and i.get("form") == form.get("id")]
        tokens = [i for i in [*form.iter("input"), *tied]
                  if i.get("name") == "csrf_token" and i.get("value")]
        if not tokens and not is_tokenless_page(urlsplit(form.get("action")).path):
            raise PageProblem(f"a POST form without a CSRF token{where} (action {form.get('action')})")
