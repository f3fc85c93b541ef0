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
  narrow screen is where extra spacing is hardest to absorb).

Both languages (English words are longer and wrap differently); the elder mode at 320 px in
both. Each page is loaded once per row of LAYOUTS; a11y_tests/layout.py has the measurements.
"""
from __future__ import annotations

import pytest

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
        checked, small = layout.small_targets(driver, MINIMUM_TARGET[mode])
        if spacing_too:
            assert layout.apply_text_spacing(driver) != "normal", "text spacing did not apply"
            spaced = layout.overflow_problems(driver)
    where = f"{visit.path} [{language}, {mode}, {width} px]"
    assert not overflow, f"{where}: content does not fit:\n" + "\n".join(overflow)
    assert checked >= 5, f"{where}: only {checked} targets found – did the page load?"
    minimum = MINIMUM_TARGET[mode]
    assert not small, f"{where}: targets smaller than {minimum}×{minimum} px:\n" + "\n".join(small)
    if spacing_too:
        assert not spaced, f"{where} with the WCAG text spacing:\n" + "\n".join(spaced)
