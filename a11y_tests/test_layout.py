"""Layout checks axe cannot make, on every visited page:

- reflow (WCAG 1.4.10) and resize text (1.4.4): no sideways scrolling, nothing cut off, nothing
  past the edges – at 320 CSS px wide (a phone; the same as 1280 px at 400% zoom) in the
  default and the elder mode, and with 200% text (the 特大 setting) at 1280 px;
- target size, in the same page loads: everything one can click or tap is at least 44×44 CSS px,
  60×60 in the elder mode (our rule from the MIIT ageing-friendly requirements; WCAG 2.5.8 asks
  24×24, which axe's target-size rule checks at 1280 px on every page version). Links inside
  running text are exempt (WCAG's inline exception);
- text spacing (1.4.12), in the same page loads at 320 px in the default mode, after the
  checks above: with line height 1.5, paragraph spacing 2em, letter spacing 0.12em and word
  spacing 0.16em nothing is cut off or runs out of its box and nothing scrolls sideways (the
  narrow screen is where extra spacing is hardest to absorb);
- squeezed text, in the same page loads at 320 px: no table cell narrower than four characters
  of its text whose words wrap (a column squeezed by its neighbours), and no text set one
  character to a line.

Both languages (English words are longer and wrap differently); the elder mode at 320 px in
both. Each page is loaded once per row of LAYOUTS; a11y_tests/layout.py has the measurements.
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from a11y_tests import layout
from a11y_tests.modes import representative
from a11y_tests.registry import all_visits

MINIMUM_TARGET = {"default": 44, "elder": 60, "xlarge-text": 44}
LAYOUTS = (("zh", "default", 320), ("en", "default", 320), ("zh", "elder", 320),
           ("en", "elder", 320), ("zh", "xlarge-text", 1280), ("en", "xlarge-text", 1280))
# Every page in the first row; the representative pages (every component) in every row.
CASES = [(visit, *LAYOUTS[0]) for visit in all_visits()]
CASES += [(visit, *row) for visit in representative(all_visits()) for row in LAYOUTS[1:]]
# Pages with a component the representative pages lack, in the elder mode too: the staff
# queue's export link (a link on its own, which must be a 60 px target there – at 1280 px, where
# its text fits on one line; at 320 px it wraps into a tall box).
ELDER_TOO = ("staff-queue-street",)
CASES += [(visit, "zh", "elder", width) for visit in all_visits() if visit.name in ELDER_TOO
          for width in (320, 1280)]


@pytest.mark.browser
@pytest.mark.parametrize("visit, language, mode, width", CASES,
                         ids=[f"{v.name}-{lang}-{mode}-{w}px" for v, lang, mode, w in CASES])
def test_page_fits_targets_are_big_enough_and_text_spacing_loses_nothing(
        browser_state, visit, language, mode, width):
    driver = browser_state.driver
    spacing_too = mode == "default" and width == 320
    with layout.viewport(driver, width):
        browser_state.prepare(visit, language, mode)
        overflow = layout.overflow_problems(driver)
        squeezed = layout.squeezed_text(driver) if width == 320 else []
        checked, small = layout.small_targets(driver, MINIMUM_TARGET[mode])
        if spacing_too:
            assert layout.apply_text_spacing(driver) != "normal", "text spacing did not apply"
            spaced = layout.overflow_problems(driver)
    where = f"{visit.path} [{language}, {mode}, {width} px]"
    assert not overflow, f"{where}: content does not fit:\n" + "\n".join(overflow)
    assert not squeezed, f"{where}: text squeezed too narrow to read:\n" + "\n".join(squeezed)
    assert checked >= 5, f"{where}: only {checked} targets found – did the page load?"
    minimum = MINIMUM_TARGET[mode]
    assert not small, f"{where}: targets smaller than {minimum}×{minimum} px:\n" + "\n".join(small)
    if spacing_too:
        assert not spaced, f"{where} with the WCAG text spacing:\n" + "\n".join(spaced)


QUEUE = next(visit for visit in all_visits() if visit.name == "staff-queue-overdue")


def _queue_roles(driver) -> dict[str, int]:
    driver.execute_cdp_cmd("Accessibility.enable", {})
    try:
        tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    finally:
        driver.execute_cdp_cmd("Accessibility.disable", {})
    counts: dict[str, int] = {}
    for node in tree["nodes"]:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        counts[role] = counts.get(role, 0) + 1
    return counts


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_staff_queue_stacks_on_a_phone_and_stays_a_table_for_screen_readers(browser_state, width):
    """At 320 px (and 400 % zoom) each application is a box of labelled lines; the labels are
    hidden from screen readers, which still get a table with column and row headers."""
    driver = browser_state.driver
    with layout.viewport(driver, width):
        browser_state.prepare(QUEUE, "zh", "default")
        shown = driver.execute_script("""
          const row = document.querySelector('.queue-table tbody tr');
          return {display: getComputedStyle(row).display,
                  labels: Array.from(row.querySelectorAll('.stack-table__label'))
                    .filter(l => l.getClientRects().length).map(l => l.textContent),
                  overdue: (() => { const tag = document.querySelector('.queue-table .tag--overdue');
                    return tag ? tag.getClientRects().length : 0; })()};""")
        roles = _queue_roles(driver)
        squeezed = layout.squeezed_text(driver)
    rows = len(driver.find_elements(By.CSS_SELECTOR, ".queue-table tbody tr"))
    assert rows >= 1
    assert roles.get("table", 0) >= 1 and roles.get("row", 0) >= rows + 1
    assert roles.get("columnheader", 0) >= 6 and roles.get("rowheader", 0) >= rows
    assert roles.get("cell", 0) >= 5 * rows
    assert not squeezed, squeezed
    if width == 320:
        assert shown["display"] == "block"
        assert shown["labels"] == ["受理编号", "申请对象", "项目", "街道", "状态", "办理期限"]
        assert shown["overdue"] == 1, "the overdue tag breaks over lines"
    else:
        assert shown["display"] == "table-row" and shown["labels"] == []
