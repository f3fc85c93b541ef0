"""What a screen-reader, keyboard or magnifier user meets that axe's rules do not see, checked in
the page loads the axe suite already makes (test_axe_and_html.py, default mode, both
languages) – no page is loaded for these alone, except that a fresh form is sent once empty.

- Error summary (WCAG 3.3.1, 2.4.3): after a form was sent with problems, focus is on the
  summary, and the summary is the first thing after the skip link in reading order (so without
  JavaScript too it comes before the header); every item links to its field, and that field
  (or its group) references its own message with aria-describedby. Every fresh form page whose
  fields are all empty is sent once, empty, to reach that state (in Chinese only).
- Invalid state (WCAG 4.1.2, 3.3.1), read from Chromium's accessibility tree: a control is
  "invalid" exactly when it has an error message – never on a fresh page (native `required`
  makes browsers announce unanswered radios, checkboxes, selects and files as invalid).
- Names (WCAG 2.4.4, 2.4.6): links with the same accessible name go to the same place; buttons
  with the same name do the same thing (same form action, same name and value).
- Landmarks: few and meaningful (at most MAX_LANDMARKS, at most MAX_REGIONS named sections).
- Masked values (WCAG 1.3.1): no asterisks reach the accessibility tree – a masked number or
  name has a spoken form ("尾号0372").
- English pages: Chinese text (people's and places' names) is inside an element marked
  lang="zh…", so that screen readers switch voice.
- The eligibility self-check's question pages say where one is: "question X of about N".
"""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from a11y_tests.browser_session import perform

MAX_LANDMARKS = 16
MAX_REGIONS = 8
LANDMARK_ROLES = {"banner", "complementary", "contentinfo", "form", "main", "navigation",
                  "region", "search"}

# The error summary and the controls, as the page has them now.
SUMMARY_JS = r"""
const summary = document.querySelector(".error-summary[data-error-summary]");
if (!summary) return null;
const skip = document.querySelector(".skip-link");
// What comes between the skip link and the summary in reading order: any visible text or any
// element one can Tab to.
const between = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
let node = walker.currentNode, started = false;
while ((node = walker.nextNode())) {
  if (node === skip || skip.contains(node)) { started = true; continue; }
  if (!started) continue;
  if (node === summary) break;
  if (node.nodeType === 3) { if (node.textContent.trim()) between.push(node.textContent.trim().slice(0, 40)); }
  else if (node.matches("a[href], button, input, select, textarea, summary, [tabindex]")) between.push(node.outerHTML.slice(0, 80));
}
const links = Array.from(summary.querySelectorAll("a[href^='#']")).map(a => {
  const target = document.getElementById(a.getAttribute("href").slice(1));
  let described = [];
  if (target) {
    const holders = [target, target.closest("fieldset")].filter(Boolean);
    for (const holder of holders)
      for (const id of (holder.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)) {
        const el = document.getElementById(id);
        if (el) described.push(el.textContent.replace(/\s+/g, " ").trim());
      }
  }
  return {text: a.textContent.replace(/\s+/g, " ").trim(), href: a.getAttribute("href"),
          target: target ? target.tagName.toLowerCase() : null, described: described};
});
return {focused: summary === document.activeElement || summary.contains(document.activeElement),
        between: between, links: links,
        beforeHeader: !!(document.querySelector(".site-header") &&
          (summary.compareDocumentPosition(document.querySelector(".site-header")) & Node.DOCUMENT_POSITION_FOLLOWING))};
"""

# For each control: does it have an error message (its own aria-describedby, or its group's,
# names an element with class field-error)?
CONTROLS = ("input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea")
CONTROL_ERRORS_JS = r"""
return Array.from(document.querySelectorAll(arguments[0])).map(el => {
  const holders = [el, el.closest("fieldset")].filter(Boolean);
  const error = holders.some(h => (h.getAttribute("aria-describedby") || "").split(/\s+/)
    .some(id => { const d = id && document.getElementById(id); return d && d.classList.contains("field-error"); }));
  return {error: error, what: el.outerHTML.slice(0, 120)};
});
"""

# Accessible names of links and buttons, as a screen reader gets them (aria-labelledby,
# aria-label, else the text without aria-hidden parts, with images' alt).
NAMES_JS = r"""
const textOf = el => {
  if (el.nodeType === 3) return el.textContent;
  if (el.nodeType !== 1 || el.getAttribute("aria-hidden") === "true") return "";
  const cs = getComputedStyle(el);
  if (cs.display === "none" || cs.visibility === "hidden") return "";
  if (el.tagName === "IMG") return el.getAttribute("alt") || "";
  return Array.from(el.childNodes).map(textOf).join("");
};
const nameOf = el => {
  const by = el.getAttribute("aria-labelledby");
  if (by) return by.split(/\s+/).map(id => { const l = document.getElementById(id); return l ? textOf(l) : ""; }).join(" ");
  return el.getAttribute("aria-label") || textOf(el) || el.getAttribute("title") || "";
};
const shown = el => el.getClientRects().length > 0 || el.classList.contains("skip-link");
// Where a link goes: the address without `next` (where to come back to afterwards).
const place = href => { const u = new URL(href, location.href); u.searchParams.delete("next"); return u.href; };
// A screen reader says the name of the group a button is in (a fieldset's legend, a named
// role=group) as one moves into it: "文字大小 标准" and "行距 标准" are told apart.
const groupOf = el => {
  const group = el.closest("fieldset, [role=group], [role=radiogroup]");
  if (!group) return "";
  if (group.tagName === "FIELDSET") { const legend = group.querySelector("legend"); return legend ? clean(textOf(legend)) : ""; }
  return clean(nameOf(group));
};
const clean = s => s.replace(/\s+/g, " ").trim();
return {
  links: Array.from(document.querySelectorAll("a[href]")).filter(shown).map(a => ({name: clean(nameOf(a)), to: place(a.href)})),
  buttons: Array.from(document.querySelectorAll("button, input[type=submit]")).filter(b => shown(b) && !b.hidden).map(b => ({
    name: clean(groupOf(b) + " " + clean(nameOf(b) || b.value || "")),
    does: [b.form ? place(b.form.action) : "", b.type, b.name || "", b.value || "", b.getAttribute("aria-controls") || ""].join(" | ")})),
};
"""

# Chinese characters in an English page outside an element marked as Chinese.
HAN_OUTSIDE_ZH_JS = r"""
const han = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
  if (!han.test(node.textContent)) continue;
  const el = node.parentElement;
  if (!el || el.closest("script, style, template, noscript, textarea")) continue;  // not what someone typed
  if (el.getClientRects().length === 0 && !el.closest(".visually-hidden")) continue;
  const lang = (el.closest("[lang]") || document.documentElement).getAttribute("lang") || "";
  if (!lang.toLowerCase().startsWith("zh")) found.push(`${el.tagName.toLowerCase()}: ${node.textContent.trim().slice(0, 40)}`);
}
return Array.from(new Set(found));
"""

# The self-check's progress: "第2题，共约8题" / "Question 2 of about 8".
PROGRESS = {"zh": re.compile(r"第\s*\d+\s*题，共约\s*\d+\s*题"),
            "en": re.compile(r"Question \d+ of about \d+")}


def ax_tree(driver) -> list[dict]:
    return driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]


def _prop(node: dict, name: str):
    for prop in node.get("properties", []):
        if prop["name"] == name:
            return prop["value"].get("value")
    return None


def invalid_states(driver) -> list[bool]:
    """Chromium's "invalid" state of each control (CONTROLS, in document order)."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    ids = driver.execute_cdp_cmd("DOM.querySelectorAll",
                                 {"nodeId": root, "selector": CONTROLS})["nodeIds"]
    states = []
    for node_id in ids:
        nodes = driver.execute_cdp_cmd("Accessibility.getPartialAXTree",
                                       {"nodeId": node_id, "fetchRelatives": False})["nodes"]
        value = _prop(nodes[0], "invalid") if nodes else None
        states.append(value not in (None, "false", False))
    return states


def invalid_problems(driver) -> list[str]:
    controls = driver.execute_script(CONTROL_ERRORS_JS, CONTROLS)
    states = invalid_states(driver)
    assert len(states) == len(controls), "the page changed while it was read"
    problems = []
    for control, invalid in zip(controls, states):
        if invalid and not control["error"]:
            problems.append(f"announced as invalid without an error message: {control['what']}")
        elif control["error"] and not invalid:
            problems.append(f"has an error message but is not invalid: {control['what']}")
    return problems


def summary_problems(driver) -> list[str] | None:
    """None when the page has no error summary; else what is wrong with it."""
    found = driver.execute_script(SUMMARY_JS)
    if found is None:
        return None
    problems = []
    if not found["focused"]:
        problems.append("focus is not on the error summary")
    if found["between"] or not found["beforeHeader"]:
        problems.append(f"the summary is not the first thing after the skip link: {found['between'][:5]}")
    for link in found["links"]:
        if link["target"] is None:
            problems.append(f"summary link {link['href']} leads nowhere")
        elif not any(link["text"] in text for text in link["described"]):
            problems.append(f"{link['href']} does not reference its message "
                            f"“{link['text']}” (aria-describedby: {link['described']})")
    return problems


def name_problems(driver) -> list[str]:
    found = driver.execute_script(NAMES_JS)
    problems = []
    for kind, key in (("links", "to"), ("buttons", "does")):
        seen: dict[str, set] = {}
        for item in found[kind]:
            if item["name"]:
                seen.setdefault(item["name"], set()).add(item[key])
        for name, targets in seen.items():
            if len(targets) > 1:
                problems.append(f"{len(targets)} {kind} named “{name}” do different things: "
                                f"{sorted(targets)[:4]}")
    return problems


def landmark_problems(nodes: list[dict]) -> list[str]:
    # A form or section is a landmark only when it has a name.
    roles = [n["role"]["value"] for n in nodes
             if not n.get("ignored") and n.get("role", {}).get("value") in LANDMARK_ROLES
             and (n["role"]["value"] not in ("form", "region") or n.get("name", {}).get("value"))]
    problems = []
    if len(roles) > MAX_LANDMARKS:
        problems.append(f"{len(roles)} landmarks (at most {MAX_LANDMARKS}): {roles}")
    if roles.count("region") > MAX_REGIONS:
        problems.append(f"{roles.count('region')} region landmarks (at most {MAX_REGIONS})")
    return problems


def asterisk_problems(nodes: list[dict]) -> list[str]:
    """Text a screen reader would read as "star star star…"."""
    texts = {n.get("name", {}).get("value", "") for n in nodes
             if not n.get("ignored") and n.get("role", {}).get("value") in ("StaticText", "text")}
    return [f"read out with asterisks: “{text[:60]}”" for text in sorted(texts) if "*" in text]


# A space before full-width punctuation in a link's or button's name ("网上申请 ：…"): Chromium
# puts one between the parts of a flex item's content that are blocks of their own.
STRAY_SPACE = re.compile(r"\s[：，。、；）」”]")


def name_spacing_problems(nodes: list[dict]) -> list[str]:
    names = {n.get("name", {}).get("value", "") for n in nodes
             if not n.get("ignored") and n.get("role", {}).get("value") in ("link", "button")}
    return [f"stray space in the name “{name[:60]}”" for name in sorted(names)
            if STRAY_SPACE.search(name)]


# Elder mode (MIIT 适老化: main text at least 18 pt = 24 CSS px) scales the whole type ramp:
# body text and every heading at least a quarter larger than without the elder mode – measured
# in the same page load, with the page's elder class taken off and put back.
ELDER_BODY_PX = 24
ELDER_GROWTH = 1.25
TYPE_JS = r"""
const root = document.documentElement;
const shown = Array.from(document.querySelectorAll("main h1, main h2, main h3, main p, main li"))
  .filter(e => e.getClientRects().length > 0);
const sizes = () => [document.body, ...shown].map(e => parseFloat(getComputedStyle(e).fontSize));
const elder = sizes();
root.classList.remove("mode-elder");
const plain = sizes();
root.classList.add("mode-elder");
return [document.body, ...shown].map((e, i) => ({
  what: i === 0 ? "body" : `${e.tagName.toLowerCase()} “${e.textContent.trim().slice(0, 24)}”`,
  elder: elder[i], plain: plain[i]}));
"""


def elder_type_problems(driver) -> list[str]:
    found = driver.execute_script(TYPE_JS)
    problems = []
    if found[0]["elder"] < ELDER_BODY_PX - 0.5:
        problems.append(f"body text is {found[0]['elder']} px in elder mode "
                        f"(at least {ELDER_BODY_PX})")
    for item in found:
        if item["elder"] < item["plain"] * ELDER_GROWTH - 0.5:
            problems.append(f"{item['what']}: {item['elder']} px in elder mode, "
                            f"{item['plain']} px without – the type ramp does not grow")
    return problems[:20]


def check_page(driver, visit, language: str) -> list[str]:
    """Every check of this module on the page as it is now; returns the problems."""
    problems = []
    summary = summary_problems(driver)
    if summary:
        problems += summary
    problems += invalid_problems(driver)
    problems += name_problems(driver)
    nodes = ax_tree(driver)
    problems += landmark_problems(nodes)
    problems += asterisk_problems(nodes)
    problems += name_spacing_problems(nodes)
    if language == "en":
        problems += [f"Chinese without lang=zh: {text}"
                     for text in driver.execute_script(HAN_OUTSIDE_ZH_JS)]
    if visit.endpoint == "checker.question":
        text = driver.find_element(By.TAG_NAME, "main").text
        if not PROGRESS[language].search(text):
            problems.append("the question page does not say “question X of about N”")
    return problems


EMPTY_FORM_JS = r"""
// A form in <main> with a required control, all of whose controls are empty (so sending it
// empty changes nothing a person has saved): its submit button, marked for clicking.
for (const form of document.querySelectorAll("main form")) {
  const controls = Array.from(form.elements).filter(e => e.matches(arguments[0]));
  if (!controls.some(c => c.getAttribute("aria-required") === "true" || c.required ||
                          (c.closest("[aria-required=true]")))) continue;
  const empty = controls.every(c => (c.type === "radio" || c.type === "checkbox") ? !c.checked
                                    : c.tagName === "SELECT" ? false : !c.value);
  const submit = form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
  if (empty && submit) { submit.setAttribute("data-a11y-send-empty", ""); return true; }
}
return false;
"""


def send_empty_form(driver) -> bool:
    """Send the page's fresh form empty (as someone pressing the button at once); False when
    the page has no such form."""
    if not driver.execute_script(EMPTY_FORM_JS, CONTROLS):
        return False
    perform(driver, ("click", "[data-a11y-send-empty]"))
    return True
