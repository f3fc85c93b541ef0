"""Focus is always visible and never hidden (WCAG 2.4.7, 2.4.11), walking the real Tab order.

From the top of each page, Tab is pressed until focus has gone round: every element that
receives focus must look different from when it is unfocused (outline, box-shadow, colours,
border), lie in the viewport and not be covered by other content (see a11y_tests/keyboard.py).

Which pages: every visited page in Chinese in the default mode; the representative pages
(a11y_tests/modes.py) in Chinese in the modes that change the focus style's colours (both
high-contrast schemes, text-only) or move things about (200% text, elder), and in English in
the default mode. (A walk presses Tab 20–40 times; every page × every mode would cost minutes
for what the representative pages already cover: the header, bar and components are shared.)
"""
from __future__ import annotations

import pytest

from a11y_tests.keyboard import Keyboard
from a11y_tests.modes import representative
from a11y_tests.registry import all_visits

CASES = [(visit, "zh", "default") for visit in all_visits()]
FOCUS_MODES = ("xlarge-text", "elder", "yellow-on-black", "black-on-white", "text-only")
CASES += [(visit, "zh", mode) for visit in representative(all_visits()) for mode in FOCUS_MODES]
CASES += [(visit, "en", "default") for visit in representative(all_visits())]


@pytest.mark.browser
@pytest.mark.parametrize("visit, language, mode", CASES,
                         ids=[f"{v.name}-{lang}-{mode}" for v, lang, mode in CASES])
def test_focus_is_visible_and_never_hidden(browser_state, visit, language, mode):
    browser_state.prepare(visit, language, mode)
    stops = Keyboard(browser_state.driver).walk()
    assert len(stops) >= 5, f"{visit.path}: only {len(stops)} Tab stops – did the page load?"
    problems = [f"{stop}: {'; '.join(stop.problems())}" for stop in stops if stop.problems()]
    assert not problems, f"{visit.path} [{language}, {mode}]:\n" + "\n".join(problems)
