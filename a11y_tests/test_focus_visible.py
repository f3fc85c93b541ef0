"""Focus is always visible and never hidden (WCAG 2.4.7, 2.4.11), walking the real Tab order.

From the top of each page, Tab is pressed until focus has gone round: every element that
receives focus must look different from when it is unfocused (outline, box-shadow, colours,
border), lie in the viewport and not be covered by other content (see a11y_tests/keyboard.py).

Which pages: every visited page in Chinese in the default mode, its main content (reached by the
skip link, as a keyboard user would); the representative pages (a11y_tests/modes.py) and a
signed-in resident's and a staff page whole – header, settings bar, staff navigation, footer –
in Chinese in the default mode and the modes that change the focus style's colours (both
high-contrast schemes, text-only) or move things about (200% text, elder), and in English.
(A walk presses Tab 20–40 times; the header, bar and footer are the same on every page, so
walking them on every page × every mode would cost minutes and find nothing new.)
"""
from __future__ import annotations

import pytest

from a11y_tests.keyboard import Keyboard
from a11y_tests.modes import REPRESENTATIVE_PAGES
from a11y_tests.registry import all_visits

# Every page: the main content, reached through the skip link. The representative pages and a
# page of each signed-in kind (a resident's, the staff console's) walk the whole page, header,
# settings bar and footer included, in every mode that changes the focus style's colours or
# moves things about, and in English.
WHOLE_PAGE = (*REPRESENTATIVE_PAGES, "account-home", "staff-queue-street")
FOCUS_MODES = ("default", "xlarge-text", "elder", "yellow-on-black", "black-on-white", "text-only")
CASES = [(visit, "zh", "default", visit.name not in WHOLE_PAGE) for visit in all_visits()]
CASES += [(visit, "zh", mode, False) for visit in all_visits() if visit.name in WHOLE_PAGE
          for mode in FOCUS_MODES if mode != "default"]
CASES += [(visit, "en", "default", False) for visit in all_visits() if visit.name in WHOLE_PAGE]


@pytest.mark.browser
@pytest.mark.parametrize("visit, language, mode, main_only", CASES,
                         ids=[f"{v.name}-{lang}-{mode}{'-main' if only else ''}"
                              for v, lang, mode, only in CASES])
def test_focus_is_visible_and_never_hidden(browser_state, visit, language, mode, main_only):
    browser_state.prepare(visit, language, mode)
    stops = Keyboard(browser_state.driver).walk(main_only=main_only)
    least = 0 if main_only else 5      # (a page of text only has no stops in its main content)
    assert len(stops) >= least, f"{visit.path}: only {len(stops)} Tab stops – did the page load?"
    problems = [f"{stop}: {'; '.join(stop.problems())}" for stop in stops if stop.problems()]
    assert not problems, f"{visit.path} [{language}, {mode}]:\n" + "\n".join(problems)
