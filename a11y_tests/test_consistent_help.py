"""Consistent help (WCAG 3.2.6): the 12385 hotline and the link to more help are in the same
place on every page – the same landmark, after the main content (the same order relative to
it, whatever other landmarks a page has: the staff pages add their navigation), at the same
position among that landmark's links.

It reads the pages the axe suite built (every page × language × mode it ran, after any
actions; a11y_tests/built_pages.py), so it costs no page loads; with none built it loads every
page in the default mode itself.
"""
from __future__ import annotations

from collections import defaultdict

import html5lib
import pytest

from a11y_tests import built_pages
from a11y_tests.browser_session import snapshot
from a11y_tests.registry import LANGUAGES, all_visits

SECTIONING = {"article", "aside", "main", "nav", "section"}
HOTLINE = "tel:12385"


def _role(element, ancestors) -> str | None:
    tag, role = element.tag, element.get("role")
    if role in ("banner", "navigation", "main", "contentinfo", "complementary", "region",
                "search", "form"):
        return role
    named = element.get("aria-label") or element.get("aria-labelledby")
    scoped = any(a.tag in SECTIONING for a in ancestors)
    return {
        "header": None if scoped else "banner",
        "footer": None if scoped else "contentinfo",
        "nav": "navigation", "main": "main", "aside": "complementary",
        "section": "region" if named else None,
        "form": "form" if named else None,
    }.get(tag)


def help_positions(html: str) -> set[tuple]:
    """Where the hotline is: for each top-level landmark holding it, (that landmark's role,
    whether it comes after <main>, the hotline's and the help link's positions among the
    landmark's links). A page may mention the hotline in its content too."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    landmarks = []

    def walk(element, ancestors):
        role = _role(element, ancestors)
        if role:
            landmarks.append((role, element))
            return                      # only top-level landmarks
        for child in element:
            if isinstance(child.tag, str):
                walk(child, ancestors + [element])

    walk(document.find("body"), [])
    order = tuple(role for role, _ in landmarks)
    found = set()
    for role, element in landmarks:
        links = [(a.get("href") or "").split("?")[0] for a in element.iter("a")]
        if HOTLINE in links:
            help_link = links.index("/help") if "/help" in links else None
            after_main = "main" in order and order.index(role) > order.index("main")
            found.add((role, after_main, links.index(HOTLINE), help_link))
    return found


@pytest.fixture(scope="module")
def pages(browser_state):
    built = built_pages.load_all()
    if not built:                       # this module alone: load the pages itself
        for visit in all_visits():
            for language in LANGUAGES:
                browser_state.prepare(visit, language, "default")
                built[f"{visit.name}-{language}-default"] = snapshot(browser_state.driver)
    return built


@pytest.mark.browser
@pytest.mark.whole_run
def test_help_is_in_the_same_place_on_every_page(pages):
    found = {name: help_positions(html) for name, html in pages.items()}
    common = set.intersection(*found.values())
    counts = defaultdict(int)
    for positions in found.values():
        for position in positions:
            counts[position] += 1
    assert common, "the help is not in the same place on every page:\n" + "\n".join(
        f"{position}: {count} of {len(found)} pages" for position, count in counts.items())
    (holder, after_main, hotline_index, help_index), = common
    assert holder == "contentinfo" and after_main
    assert help_index is not None and hotline_index < help_index


def test_help_position_sees_a_move():
    """The check can fail: the same page with the hotline moved into the header differs."""
    html = ('<body><header><a href="/">x</a></header><main><h1>x</h1></main>'
            '<footer><p><a href="tel:12385">12385</a><a href="/help">h</a></p></footer></body>')
    moved = html.replace('<a href="tel:12385">12385</a>', "").replace(
        '<a href="/">x</a>', '<a href="/">x</a><a href="tel:12385">12385</a>')
    assert help_positions(html) == {("contentinfo", True, 0, 1)}
    assert help_positions(moved) == {("banner", False, 1, None)}
    assert not help_positions(html) & help_positions(moved)
