"""Display modes the browser suite checks pages in: name → preference cookies.

The cookies are written with the portal's own serialiser, so a mode here is exactly what the
无障碍设置 page would store. `combinations()` says which (page, language, mode) versions the
axe/HTML suite checks (test_axe_and_html.py says why).
"""
from __future__ import annotations

from portal.preferences import cookie as display_cookie


def _cookie(**values: str) -> dict[str, str]:
    preferences = display_cookie.Preferences(values)
    assert not preferences.is_default, f"unknown setting or value in {values}"
    return {display_cookie.NAME: display_cookie.serialise(preferences)}


MODES: dict[str, dict[str, str]] = {
    "default": {},
    "large-text": _cookie(size="large"),
    "xlarge-text": _cookie(size="xlarge"),           # 200%
    "elder": _cookie(elder="on"),                    # 长辈版
    "yellow-on-black": _cookie(scheme="yellow"),
    "black-on-white": _cookie(scheme="white"),
    "wide-spacing": _cookie(spacing="wide"),
    "text-only": _cookie(textonly="on"),             # 纯文本
    "large-cursor": _cookie(cursor="on"),
    "reduced-motion": _cookie(motion="on"),
}

HIGH_CONTRAST = ("yellow-on-black", "black-on-white")
# The modes that change how a page is laid out or coloured (all but the cursor and motion:
# the cursor is not part of the page, and the portal has no motion to reduce).
LAYOUT_OR_COLOUR = ("default", "large-text", "xlarge-text", "elder", "yellow-on-black",
                    "black-on-white", "wide-spacing", "text-only")
# The modes the axe and HTML suites check every page in (see test_axe_and_html.py for why).
# Kept to what fits a CI run on two cores; every mode in both languages on the representative
# pages (which hold every component) besides.
EVERY_PAGE = {
    "zh": ("default", "text-only", "yellow-on-black"),
    "en": ("default",),
}

# Pages that between them hold every kind of component the layout has (links, the settings
# buttons, a form with errors and a text area, a file upload, a table, video with captions):
# the checks that are too slow for every page × every mode run on these in every mode.
REPRESENTATIVE_PAGES = ("home", "preferences", "accessibility-report-error",
                        "media-upload-errors", "media-manage", "media-preview")


def representative(visits) -> list:
    chosen = [visit for visit in visits if visit.name in REPRESENTATIVE_PAGES]
    assert len(chosen) == len(REPRESENTATIVE_PAGES), "a representative page lost its visit"
    return chosen


def combinations(visits, languages) -> list[tuple]:
    """Every page in the modes of EVERY_PAGE; the representative pages in every mode and
    language besides."""
    chosen = {visit.name for visit in representative(visits)}
    return [(visit, language, mode)
            for visit in visits for language in languages for mode in MODES
            if mode in EVERY_PAGE[language] or visit.name in chosen]
