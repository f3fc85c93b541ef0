"""How much the browser suite checks: the numbers printed at the end of every run. (The
accessibility statement quotes what a complete run actually did – portal/data/
accessibility_run.yaml, written by the run; test_statement_numbers.py checks it against these.)"""
from __future__ import annotations


def counts() -> dict[str, int]:
    from a11y_tests import (test_axe_and_html, test_focus_visible, test_keyboard_journeys,
                            test_layout)
    from a11y_tests.modes import HIGH_CONTRAST, MODES
    from a11y_tests.registry import LANGUAGES, all_visits

    visits = all_visits()
    return {
        "pages": len(visits),
        "languages": len(LANGUAGES),
        "modes": len(MODES),
        "axe_runs": len(test_axe_and_html.CASES),
        "keyboard_journeys": len(test_keyboard_journeys.JOURNEYS),
        "focus_pages": len({visit.name for visit, *_ in test_focus_visible.CASES}),
        "focus_walks": len(test_focus_visible.CASES),
        "layout_pages": len({visit.name for visit, *_ in test_layout.CASES}),
        "layout_runs": len(test_layout.CASES),
        "spacing_runs": sum(1 for _, _, mode, width in test_layout.CASES
                            if mode == "default" and width == 320),
        "contrast_runs": sum(1 for _, _, mode in test_axe_and_html.CASES
                             if mode in HIGH_CONTRAST),
    }


def summary() -> str:
    c = counts()
    return "\n".join([
        f"pages visited: {c['pages']} (every GET route, error states included), "
        f"{c['languages']} languages, {c['modes']} display modes",
        f"axe-core + W3C HTML checker: {c['axe_runs']} page versions",
        f"focus visible / not obscured: {c['focus_walks']} Tab walks over {c['focus_pages']} pages",
        f"keyboard-only journeys: {c['keyboard_journeys']} × JavaScript on and off",
        f"reflow (320 px, 200% text) with target size: {c['layout_runs']}; "
        f"text spacing: {c['spacing_runs']} – over all {c['layout_pages']} pages",
        f"7:1 contrast in the high-contrast schemes (axe, enhanced rule): {c['contrast_runs']}",
        "consistent help: every page version the axe suite built",
    ])
