"""What the browser suite measures on a rendered page beyond axe: sideways scrolling and cut-off
content (reflow, text spacing), target sizes, the WCAG text-spacing override, the viewport,
and full-page screenshots. Each function runs one script in the page and returns findings as
plain strings (empty list: nothing wrong)."""
from __future__ import annotations

import base64
from contextlib import contextmanager
from pathlib import Path

DESCRIBE_JS = r"""
window.__a11yDescribe = window.__a11yDescribe || function (el) {
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "")
    .replace(/\s+/g, " ").trim().slice(0, 40);
  const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + (text ? " “" + text + "”" : "");
};
window.__a11yIgnored = window.__a11yIgnored || function (el) {
  if (el.closest(".visually-hidden, [hidden], script, style, template, noscript, option")) return true;
  const cs = getComputedStyle(el);
  return cs.display === "none" || cs.visibility === "hidden" || el.getClientRects().length === 0;
};
"""

# Reflow and text spacing: the page never scrolls sideways, nothing is cut off (an element that
# hides or clips its overflow holds more than it shows, or text ends in an ellipsis), nothing
# pokes out past the left or right edge, and no box holds more content than its height allows
# (with overflow visible that content runs over whatever follows).
OVERFLOW_JS = DESCRIBE_JS + r"""
const found = [];
const doc = document.documentElement, vw = doc.clientWidth;
// WCAG 1.4.10 lets a data table scroll inside its own box, if a keyboard can reach the box.
const scrollableTable = el => el.children.length === 1 && el.firstElementChild.tagName === "TABLE"
  && el.tabIndex >= 0;
const inScrollableTable = el => { const box = el.closest(".table-scroll");
  return box && scrollableTable(box) && box !== el; };
if (doc.scrollWidth > vw + 1) found.push(`the page scrolls sideways (${doc.scrollWidth} px content in ${vw} px)`);
for (const el of document.body.querySelectorAll("*")) {
  if (window.__a11yIgnored(el) || inScrollableTable(el)) continue;
  const cs = getComputedStyle(el), d = window.__a11yDescribe(el);
  const block = !cs.display.startsWith("inline") || cs.display === "inline-block" || cs.display === "inline-flex";
  const hidesX = ["hidden", "clip"].includes(cs.overflowX), hidesY = ["hidden", "clip"].includes(cs.overflowY);
  const scrollsX = ["auto", "scroll"].includes(cs.overflowX);
  const moreX = el.scrollWidth > el.clientWidth + 1, moreY = el.scrollHeight > el.clientHeight + 1;
  // (A text field is exempt: its text scrolls with the caret, as in any field too short for it.)
  if (block && el.tagName !== "INPUT" && ((hidesX && moreX) || (hidesY && moreY)))
    found.push(`content cut off in ${d}`);
  else if (block && scrollsX && moreX && el.tagName !== "TEXTAREA" && !scrollableTable(el))
    found.push(`${d} scrolls sideways`);
  if (cs.textOverflow === "ellipsis" && moreX) found.push(`text cut short with “…” in ${d}`);
  if (block && cs.overflowY === "visible" && moreY && el.clientHeight > 0 &&
      !["TEXTAREA", "SELECT", "HTML", "BODY"].includes(el.tagName)) {
    // Content taller than its box: it runs over what follows (only when the box has a fixed
    // height – with its natural height it would have grown).
    const old = el.style.height;
    el.style.height = "auto";
    const natural = el.getBoundingClientRect().height;
    el.style.height = old;
    if (natural > el.getBoundingClientRect().height + 1) found.push(`content runs out of ${d}`);
  }
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.height > 0 && (r.right > vw + 1 || r.left < -1) && cs.position !== "fixed") {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (own || ["IMG", "VIDEO", "INPUT", "SELECT", "TEXTAREA", "BUTTON", "TABLE"].includes(el.tagName))
      found.push(`${d} reaches past the ${r.left < -1 ? "left" : "right"} edge (${Math.round(r.left)}–${Math.round(r.right)} of ${vw})`);
  }
}
return Array.from(new Set(found));
"""

# Targets: everything one can click, tap or Tab to is at least `min` × `min` CSS px, except a
# link inside running text (WCAG 2.5.8's inline exception) and things not shown at the moment
# (the skip link until it has focus).
TARGETS_JS = DESCRIBE_JS + r"""
const min = arguments[0], found = [];
const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
  "video[controls], audio[controls], [tabindex]:not([tabindex='-1']), [role=button], [role=link]";
const inSentence = el => {
  if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
  let block = el.parentElement;
  while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
  const all = (block ? block.innerText : "").replace(/\s+/g, "");
  return all.length > (el.innerText || "").replace(/\s+/g, "").length;
};
let checked = 0;
for (const el of document.querySelectorAll(selector)) {
  if (window.__a11yIgnored(el) || el.disabled) continue;
  const r = el.getBoundingClientRect();
  if (r.bottom <= 0 || r.right <= 0) continue;          // off screen until focused
  if (inSentence(el)) continue;
  checked += 1;
  if (r.width < min - 0.5 || r.height < min - 0.5)
    found.push(`${window.__a11yDescribe(el)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
}
return {checked: checked, found: found};
"""

# WCAG 1.4.12: line height 1.5, paragraph spacing 2em, letter spacing 0.12em, word spacing
# 0.16em, applied through the CSS object model (the page's CSP forbids inline <style>).
TEXT_SPACING_JS = r"""
const sheet = Array.from(document.styleSheets).find(s => s.href && s.href.includes("portal.css"));
const rules = [
  "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }",
  "p { margin-bottom: 2em !important; }",
];
for (const rule of rules) sheet.insertRule(rule, sheet.cssRules.length);
return getComputedStyle(document.body).letterSpacing;
"""

# Squeezed text (WCAG 1.4.10 in spirit: content that fits but cannot be read): a table cell
# narrower than `min` em of its own font size whose text wraps (a column squeezed by its
# neighbours), or a run of text (3 or more characters) set one character to a line.
SQUEEZED_JS = DESCRIBE_JS + r"""
const minEm = arguments[0], found = [];
// The lines a text node is set on (distinct tops of its boxes).
const linesOf = node => { const range = document.createRange(); range.selectNodeContents(node);
  return new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                 .map(r => Math.round(r.top))).size; };
// Hidden for the eye only (a visually hidden header row): a 1 px box somewhere above.
const clipped = el => { for (let e = el; e && e !== document.body; e = e.parentElement) {
  const r = e.getBoundingClientRect(); if (r.width <= 1 || r.height <= 1) return true; }
  return false; };
for (const cell of document.querySelectorAll("main td, main th")) {
  if (window.__a11yIgnored(cell) || !cell.innerText.trim() || clipped(cell)) continue;
  const size = parseFloat(getComputedStyle(cell).fontSize);
  const width = cell.getBoundingClientRect().width;
  if (width >= minEm * size - 0.5) continue;
  // Narrow is fine for what fits ("1", "是"); squeezed is a narrow cell whose words wrap.
  const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let wraps = false;
  for (let t = texts.nextNode(); t && !wraps; t = texts.nextNode())
    if (t.textContent.trim() && t.parentElement && !window.__a11yIgnored(t.parentElement))
      wraps = linesOf(t) > 1;
  if (wraps)
    found.push(`${window.__a11yDescribe(cell)} is ${Math.round(width)} px wide (less than ${minEm} em) and its text wraps`);
}
const walker = document.createTreeWalker(document.querySelector("main") || document.body,
                                         NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const chars = Array.from(node.textContent.replace(/\s+/g, ""));
  if (chars.length < 3 || !node.parentElement || window.__a11yIgnored(node.parentElement)
      || clipped(node.parentElement)) continue;
  if (linesOf(node) >= chars.length)
    found.push(`“${chars.join("").slice(0, 20)}” in ${window.__a11yDescribe(node.parentElement)} stands one character to a line`);
}
return Array.from(new Set(found));
"""
MIN_CELL_EM = 4     # a column at least four characters wide (a 2-character word and room)

BODY_PX_JS = "return parseFloat(getComputedStyle(document.body).fontSize);"


def overflow_problems(driver) -> list[str]:
    return driver.execute_script(OVERFLOW_JS)


def squeezed_text(driver, min_em: float = MIN_CELL_EM) -> list[str]:
    return driver.execute_script(SQUEEZED_JS, min_em)


def small_targets(driver, minimum: int) -> tuple[int, list[str]]:
    result = driver.execute_script(TARGETS_JS, minimum)
    return result["checked"], result["found"]


def apply_text_spacing(driver) -> str:
    return driver.execute_script(TEXT_SPACING_JS)


@contextmanager
def viewport(driver, width: int, height: int = 800):
    """Emulate a viewport `width` CSS px wide (as a phone, or a desktop zoomed in)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@contextmanager
def emulated_media(driver, **features: str):
    """Emulate user preferences, e.g. prefers_contrast="more", forced_colors="active"."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": name.replace("_", "-"), "value": value} for name, value in features.items()]})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


@contextmanager
def javascript_off(driver):
    """Pages loaded inside run no script of their own (WebDriver can still look at them)."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def full_page_screenshot(driver, path: Path) -> None:
    """The whole page as a PNG (not only what fits in the window)."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000),
                 "scale": 1}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
