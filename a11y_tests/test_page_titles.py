"""Page titles tell pages apart (WCAG 2.4.2): no two kinds of page (route patterns) share a
<title> – e.g. an application's status page is not titled by its programme alone, like the
programme's guide. Read from every page version the axe suite built (no page is loaded here).
"""
from __future__ import annotations

import html
import re

import pytest

from a11y_tests import built_pages
from a11y_tests.registry import LANGUAGES, all_visits

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
KIND = re.compile(r'<main [^>]*data-page-kind="([^"]+)"')
ERROR_PREFIX = ("错误：", "Error: ")


def titles_by_route(pages: dict[str, str]) -> dict[tuple[str, str], set[str]]:
    """{(language, title): {endpoints whose pages have it}} over the default-mode pages."""
    found: dict[tuple[str, str], set[str]] = {}
    for visit in all_visits():
        for language in LANGUAGES:
            page = pages.get(f"{visit.name}-{language}-default")
            match = TITLE.search(page or "")
            if not match:
                continue
            title = html.unescape(match.group(1)).strip()
            for prefix in ERROR_PREFIX:
                title = title.removeprefix(prefix)
            # A page may say which kind it is, whichever address served it: an error page (404,
            # 403…), or the settings page shown with an error by the settings bar's GET.
            declared = KIND.search(page)
            kind = declared.group(1) if declared else visit.endpoint
            found.setdefault((language, title), set()).add(kind)
    return found


def shared_titles(pages: dict[str, str]) -> list[str]:
    return [f"[{language}] “{title}”: {sorted(endpoints)}"
            for (language, title), endpoints in sorted(titles_by_route(pages).items())
            if len(endpoints) > 1]


@pytest.mark.browser
@pytest.mark.whole_run
def test_each_kind_of_page_has_its_own_title():
    pages = built_pages.load_all()
    assert pages, "no page was built – run the page suite first (make test does)"
    shared = shared_titles(pages)
    assert not shared, "titles shared by different kinds of page:\n" + "\n".join(shared)
