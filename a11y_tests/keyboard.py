"""Keyboard-only helpers for the browser suite's journeys and focus checks.

A journey uses only what a keyboard user has: Tab, Shift+Tab, Enter, Space and typing. No
clicks, no scripts that move focus or change the page – scripts only *look* (which element has
focus, where it is, how it is drawn).

    keys = Keyboard(driver)
    keys.tab_to("无障碍设置")               # by visible text, aria-label or value …
    keys.tab_to("css:button[name=size][value=xlarge]")   # … or by CSS selector
    keys.press(Keys.ENTER)                  # follows the link; waits for the next page
    keys.type("13800000004")
    assert_focus_visible(driver)            # every tab_to step checks this too

Every step of `tab_to` checks that the element that receives focus shows it (its outline,
box-shadow, colours or border differ from when it is not focused), lies inside the viewport
and is not covered by other content (the element at the centre of its box is itself or inside
it) – WCAG 2.4.7 and 2.4.11. Chrome scrolls a focused text area or video only as far as its
caret or control, so a tall element counts as in view with all its width and at least 44 px
(or all) of its height on screen.
"""
from __future__ import annotations

from dataclasses import dataclass

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from a11y_tests.browser_session import wait_for_new_page

# Styles that can show focus. The unfocused values are read by moving focus away and back.
FOCUS_STATE_JS = r"""
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) {
  return {focused: false, key: null};
}
if (!el.dataset.a11yStop) el.dataset.a11yStop = String(Math.random());
// Still on the same element (Tab moved inside it, e.g. a video's own controls): moving focus
// away and back to compare styles would reset that, so report it unchanged.
if (arguments[0] && el.dataset.a11yStop === arguments[0]) return {focused: true, key: arguments[0]};
const props = ["outlineStyle", "outlineWidth", "outlineColor", "outlineOffset", "boxShadow",
  "backgroundColor", "color", "borderTopColor", "borderBottomColor", "borderBottomWidth",
  "textDecorationLine", "textDecorationThickness"];
const read = () => { const cs = getComputedStyle(el); return props.map(p => cs[p]).join("|"); };
const focusedStyle = read();
const scrollX = window.scrollX, scrollY = window.scrollY;
el.blur();
const plainStyle = read();
el.focus({preventScroll: true});
window.scrollTo(scrollX, scrollY);
const r = el.getBoundingClientRect();
const vw = document.documentElement.clientWidth, vh = window.innerHeight;
// Chrome scrolls a focused text area or video only as far as its caret or control, so for
// those "in view" means: all of its width and at least 44 px (or all) of its height.
const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, vh);
const inside = r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= vw + 1 &&
  bottom - top >= Math.min(r.height, 44) - 1;
// A link that wraps onto two lines has one box per line and the middle of its bounding box
// may lie between them: look at the middle of each of its boxes that is on screen.
const own = hit => hit && (hit === el || el.contains(hit) ||
  (el.labels && Array.from(el.labels).some(l => l === hit || l.contains(hit))));
const hitAt = box => document.elementFromPoint(
  Math.min(Math.max(box.left + box.width / 2, 0), vw - 1),
  Math.min(Math.max((Math.max(box.top, 0) + Math.min(box.bottom, vh)) / 2, 0), vh - 1));
const boxes = Array.from(el.getClientRects()).filter(b => b.width > 0 && b.height > 0 &&
  b.bottom > 0 && b.top < vh);
const hits = (boxes.length ? boxes : [r]).map(hitAt);
const hit = hits.find(h => !own(h)) || hits[0];
const covered = !hits.some(own);
const name = (el.getAttribute("aria-label") || el.innerText || el.value || el.getAttribute("title")
  || "").replace(/\s+/g, " ").trim().slice(0, 60);
const tag = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
  (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "");
return {focused: true, key: el.dataset.a11yStop, name: name, tag: tag, shown: focusedStyle !== plainStyle,
  inside: inside, inMain: !!el.closest("main"),
  covered: covered, coveredBy: covered && hit ? hit.tagName.toLowerCase() + "." + hit.className : "",
  rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]};
"""

MATCHES_JS = r"""
const el = document.activeElement, target = arguments[0];
if (!el || el === document.body) return false;
if (target.startsWith("css:")) { try { return el.matches(target.slice(4)); } catch (e) { return false; } }
const texts = [el.getAttribute("aria-label"), el.innerText, el.value, el.getAttribute("title")];
if (el.labels) for (const l of el.labels) texts.push(l.innerText);
const norm = s => (s || "").replace(/\s+/g, " ").replace(/^✓\s*/, "").trim();
return texts.some(t => norm(t) === target);
"""


KEY_NAMES = {value: name.replace("_", " ").title().replace(" ", "")
             for name, value in reversed(list(vars(Keys).items())) if name.isupper()}


class KeyCount:
    """Every key a journey presses, by name ("Tab", "Shift+Tab", "Enter", "Ctrl+A" …), and the
    characters it types (each counts as one key press), for the report (a11y_results/keyboard/,
    shown by a11y_tests/report.py with the change from the previous run)."""

    def __init__(self):
        self.keys: dict[str, int] = {}
        self.typed = 0
        self.files_chosen = 0     # in the browser's file dialog: not key presses we can count

    def add(self, *keys: str, modifier: str = "") -> None:
        for key in keys:
            if key in KEY_NAMES or modifier:
                name = (modifier + "+" if modifier else "") + KEY_NAMES.get(key, key.upper())
                self.keys[name] = self.keys.get(name, 0) + 1
            else:
                self.typed += len(key)

    @property
    def total(self) -> int:
        return sum(self.keys.values()) + self.typed

    def as_dict(self) -> dict:
        return {"total_key_presses": self.total, "keys": dict(sorted(self.keys.items())),
                "typed_characters": self.typed, "files_chosen": self.files_chosen}

    def write(self, results_dir, name: str, description: str) -> None:
        import json

        folder = results_dir / "keyboard"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.json").write_text(json.dumps(
            {"description": description, **self.as_dict()}, ensure_ascii=False, indent=1),
            encoding="utf-8")


@dataclass(frozen=True)
class FocusState:
    focused: bool
    name: str = ""
    tag: str = ""
    shown: bool = False
    inside: bool = False
    covered: bool = False
    coveredBy: str = ""  # noqa: N815
    rect: tuple = ()
    key: str | None = None   # tells Tab stops apart (a data attribute the check adds)
    inMain: bool = False     # noqa: N815 – inside <main>

    def problems(self) -> list[str]:
        if not self.focused:
            return ["nothing has focus"]
        found = []
        if not self.shown:
            found.append("no visible focus indicator (looks the same focused and unfocused)")
        if not self.inside:
            found.append(f"outside the viewport at {self.rect}")
        if self.covered:
            found.append(f"covered by {self.coveredBy}")
        return found

    def __str__(self) -> str:
        return f"{self.tag} “{self.name}”"


def focus_state(driver, same_as: str | None = None) -> FocusState:
    data = driver.execute_script(FOCUS_STATE_JS, same_as)
    return FocusState(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def assert_focus_visible(driver) -> FocusState:
    """The focused element shows focus, is in the viewport and is not covered."""
    state = focus_state(driver)
    problems = state.problems()
    assert not problems, f"{driver.current_url}: focus on {state}: {'; '.join(problems)}"
    return state


class Keyboard:
    """Tab, Shift+Tab, Enter, Space and typing – nothing else."""

    def __init__(self, driver, max_steps: int = 150, check_focus: bool = True):
        self.driver = driver
        self.max_steps = max_steps
        self.check_focus = check_focus
        self.count = KeyCount()

    def press(self, key: str, shift: bool = False) -> None:
        """Press one key. Enter or Space on a link or submit button waits for the next page."""
        self.count.add(key, modifier="Shift" if shift else "")
        navigates = key in (Keys.ENTER, Keys.SPACE) and self.driver.execute_script(
            "const e = document.activeElement; if (!e) return false;"
            "const a = e.closest('a[href]'), here = l => l.origin + l.pathname + l.search;"
            "const go = a ? !(a.hash && here(a) === here(location)) :"
            " !!(e.form && ['submit', 'image'].includes(e.type));"
            "if (go) window.__a11yOldPage = true; return go;")
        actions = ActionChains(self.driver)
        if shift:
            actions.key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT)
        else:
            actions.send_keys(key)
        actions.perform()
        if navigates:
            wait_for_new_page(self.driver)

    def tab(self, backwards: bool = False) -> FocusState:
        """One Tab (or Shift+Tab). Past the last (or first) element focus leaves the page for
        the browser's own controls; the next Tab comes back in at the other end."""
        self.press(Keys.TAB, shift=backwards)
        state = focus_state(self.driver)
        if self.check_focus and state.focused:
            assert_focus_visible(self.driver)
        return state

    def tab_to(self, target: str, backwards: bool = False) -> FocusState:
        """Press Tab (or Shift+Tab) until the focused element has the visible text, label or
        value `target`, or matches the CSS selector given as "css:<selector>"."""
        seen = []
        for _ in range(self.max_steps):
            state = self.tab(backwards)
            seen.append(str(state))
            if self.driver.execute_script(MATCHES_JS, target):
                return state
        raise AssertionError(f"{self.driver.current_url}: Tab never reached {target!r}; "
                             f"the Tab order was: {', '.join(seen[:60])}")

    def focused(self):
        return self.driver.switch_to.active_element

    def type(self, text: str) -> None:
        self.count.add(text)
        ActionChains(self.driver).send_keys(text).perform()

    def start_from_top(self) -> None:
        """As after loading a page: nothing focused, at the top (the next Tab is the first)."""
        # (Focusing the body for a moment moves the browser's starting point for Tab back to
        # the top, where a freshly loaded page has it; a page shown after a form was sent may
        # have it on a field.)
        self.driver.execute_script(
            "if (document.activeElement) document.activeElement.blur();"
            "const b = document.body; b.setAttribute('tabindex', '-1'); b.focus({preventScroll: true});"
            "b.blur(); b.removeAttribute('tabindex'); window.scrollTo(0, 0);")

    def walk(self, main_only: bool = False) -> list[FocusState]:
        """Tab through the whole page from the top, checking each stop; return the stops.
        (Tabbing inside one element, e.g. a video's own controls, counts as one stop.)
        `main_only`: follow the skip link (Tab, Enter) and walk the main content only, up to
        the first stop after it – the header, settings bar and footer around it are the same
        on every page and walked in full on the pages that show each of their states."""
        self.start_from_top()
        if main_only:
            self.press(Keys.TAB)
            assert "skip-link" in (self.focused().get_attribute("class") or ""), \
                "the first Tab stop is not the skip link"
            self.press(Keys.ENTER)
        stops: list[FocusState] = []
        seen: set[str] = set()
        last = None
        for _ in range(self.max_steps):
            self.press(Keys.TAB)
            state = focus_state(self.driver, same_as=last)
            key = state.key
            if key is None or (key in seen and key != last):
                return stops   # past the last element, or round to the start again
            if main_only and not state.inMain:
                return stops
            if key != last:
                stops.append(state)
            seen.add(key)
            last = key
        raise AssertionError(f"{self.driver.current_url}: more than {self.max_steps} Tab stops")
