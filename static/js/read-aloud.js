/* 朗读 (read aloud) – an optional layer over the server-rendered page.
 *
 * Uses only the browser's own speech synthesis (window.speechSynthesis): nothing is sent to
 * any other service. Off until asked. The controls exist only when the browser can speak:
 * the server renders an empty, hidden slot ([data-read-aloud]) with the labels in the page's
 * language; this script fills it with buttons and shows it. Without support, or with
 * JavaScript off, the page is exactly the same minus these buttons.
 *
 * Buttons: 朗读本页 (the main content), 朗读选中的文字 (the current selection), 暂停/继续,
 * 停止朗读, and after each <h2> of the main content a small 朗读这一部分 (that heading and what
 * follows it up to the next heading of its level) – the keyboard's way to read part of a page.
 * Escape also stops. Chinese pages use a zh-CN voice, English pages an English one.
 *
 * "Can speak" means: speechSynthesis exists AND it has a voice for the page's language (a
 * browser without one accepts utterances and then says nothing, or reads Chinese as noise). Voices often arrive a moment after the page
 * loads ("voiceschanged"): the controls appear then, and go again if the voices go. If speaking
 * fails all the same, the status says so instead of staying at 正在朗读.
 *
 * Focus never drops to <body>: when reading stops (Escape, 停止朗读, the end) while focus is on
 * 暂停 or 停止朗读 – which disappear – it goes back to the button that started the reading.
 */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var slot = document.querySelector("[data-read-aloud]");
  if (!slot || !synth || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }

  var BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,caption,legend,label,figcaption," +
    "blockquote,pre,summary,.hint,.field-error";
  var SKIP = "script,style,template,noscript,[hidden],[aria-hidden='true'],[data-read-aloud]," +
    "video,audio,.skip-link,.read-aloud__section";
  var MAX_CHUNK = 180; // long utterances stop early in some browsers; speak in short pieces

  var label = function (name) { return slot.getAttribute("data-" + name) || ""; };
  var pageLang = (document.documentElement.getAttribute("lang") || "zh-CN");
  var queue = [];
  var current = null;
  var highlighted = null;
  var lastSelection = "";
  var state = "idle"; // idle | speaking | paused
  var origin = null;  // the button that started the reading: focus goes back there
  var sectionButtons = [];

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "read-aloud__button " + className;
    b.textContent = text;
    return b;
  }

  var group = document.createElement("div");
  group.className = "read-aloud__controls";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", label("label-group"));
  var readPage = button(label("label-page"), "read-aloud__page");
  var readSelection = button(label("label-selection"), "read-aloud__selection");
  var pause = button(label("label-pause"), "read-aloud__pause");
  var stop = button(label("label-stop"), "read-aloud__stop");
  pause.hidden = true;
  stop.hidden = true;
  group.appendChild(readPage);
  group.appendChild(readSelection);
  group.appendChild(pause);
  group.appendChild(stop);
  var status = document.createElement("p");
  status.className = "read-aloud__status";
  status.setAttribute("role", "status");
  slot.appendChild(group);
  slot.appendChild(status);

  /* A voice for the page's language (as the accessibility statement says: without a Chinese
     voice a Chinese page offers no read-aloud). */
  function hasVoice() {
    try {
      return !!voiceFor(pageLang);
    } catch (error) {
      return false;
    }
  }

  function say(message) { status.textContent = message; }

  function voiceFor(lang) {
    var voices = synth.getVoices ? synth.getVoices() : [];
    var wanted = lang.toLowerCase();
    var primary = wanted.split("-")[0];
    var exact = null;
    var near = null;
    for (var i = 0; i < voices.length; i += 1) {
      var voiceLang = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (voiceLang === wanted && !exact) { exact = voices[i]; }
      if (voiceLang.split("-")[0] === primary && !near) { near = voices[i]; }
    }
    return exact || near;
  }

  function visible(element) {
    return !element.closest(SKIP);
  }

  /* The readable blocks of an element, outermost first, each once. */
  function blocksOf(root) {
    var found = [];
    var all = root.querySelectorAll(BLOCKS);
    for (var i = 0; i < all.length; i += 1) {
      var element = all[i];
      if (!visible(element)) { continue; }
      var parent = element.parentElement ? element.parentElement.closest(BLOCKS) : null;
      if (parent && root.contains(parent)) { continue; }
      var text = textOf(element);
      if (text) { found.push({ element: element, text: text }); }
    }
    if (!found.length && textOf(root)) { found.push({ element: root, text: textOf(root) }); }
    return found;
  }

  function textOf(element) {
    var clone = element.cloneNode(true);
    var hidden = clone.querySelectorAll(SKIP);
    for (var i = 0; i < hidden.length; i += 1) { hidden[i].remove(); }
    return (clone.textContent || "").replace(/\s+/g, " ").trim();
  }

  /* Split long text at sentence ends (Chinese and English punctuation). */
  function chunks(text) {
    if (text.length <= MAX_CHUNK) { return [text]; }
    var parts = text.match(/[^。！？；.!?;]+[。！？；.!?;]*\s*/g) || [text];
    var out = [];
    var piece = "";
    parts.forEach(function (part) {
      if ((piece + part).length > MAX_CHUNK && piece) { out.push(piece); piece = ""; }
      while (part.length > MAX_CHUNK) { out.push(part.slice(0, MAX_CHUNK)); part = part.slice(MAX_CHUNK); }
      piece += part;
    });
    if (piece.trim()) { out.push(piece); }
    return out;
  }

  function mark(element) {
    if (highlighted) { highlighted.classList.remove("read-aloud-current"); }
    highlighted = element || null;
    if (highlighted) {
      highlighted.classList.add("read-aloud-current");
      if (highlighted.scrollIntoView) { highlighted.scrollIntoView({ block: "nearest" }); }
    }
  }

  /* Where focus goes when the controls it is on disappear. */
  function liveControl() {
    var back = origin;
    if (back && document.contains(back) && !back.closest("[hidden]")) { return back; }
    return readPage;
  }

  function setState(next) {
    // Read before hiding anything: a hidden button may already have lost focus to <body>.
    var focused = document.activeElement;
    var focusWasOnControls = focused === pause || focused === stop;
    state = next;
    var active = next !== "idle";
    pause.hidden = !active;
    stop.hidden = !active;
    pause.textContent = next === "paused" ? label("label-resume") : label("label-pause");
    pause.setAttribute("aria-pressed", next === "paused" ? "true" : "false");
    if (!active) {
      mark(null);
      if (focusWasOnControls) { liveControl().focus(); }
    }
  }

  function speakNext() {
    if (state === "idle") { return; }
    current = queue.shift();
    if (!current) {
      setState("idle");
      say(label("status-done"));
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(current.text);
    utterance.lang = pageLang;
    var voice = voiceFor(pageLang);
    if (voice) { utterance.voice = voice; }
    utterance.onend = speakNext;
    utterance.onerror = function (event) {
      var error = event && event.error;
      if (error === "interrupted" || error === "canceled") { return; } // we stopped it
      stopReading(label("status-failed"));
    };
    mark(current.element);
    synth.speak(utterance);
  }

  function start(items, from) {
    if (!hasVoice()) {        // the voices went away after the buttons were shown
      update();
      say(label("status-failed"));
      return;
    }
    origin = from || null;
    synth.cancel();
    queue = [];
    items.forEach(function (item) {
      chunks(item.text).forEach(function (text) { queue.push({ element: item.element, text: text }); });
    });
    if (!queue.length) { return; }
    setState("speaking");
    say(label("status-reading"));
    speakNext();
  }

  function stopReading(message) {
    queue = [];
    setState("idle");
    synth.cancel();
    if (message) { say(message); }
  }

  function selectedText() {
    var selection = window.getSelection ? String(window.getSelection()) : "";
    return selection.replace(/\s+/g, " ").trim();
  }

  /* Keep the last selection: moving focus to the button can clear it. */
  document.addEventListener("selectionchange", function () {
    var text = selectedText();
    if (text && !slot.contains(document.activeElement)) { lastSelection = text; }
  });

  readPage.addEventListener("click", function () {
    var main = document.querySelector("main") || document.body;
    start(blocksOf(main), readPage);
  });

  readSelection.addEventListener("click", function () {
    var text = selectedText() || lastSelection;
    if (!text) {
      say(label("status-no-selection"));
      return;
    }
    start([{ element: null, text: text }], readSelection);
  });

  pause.addEventListener("click", function () {
    if (state === "speaking") {
      synth.pause();
      setState("paused");
      say(label("status-paused"));
    } else if (state === "paused") {
      synth.resume();
      setState("speaking");
      say(label("status-reading"));
    }
  });

  stop.addEventListener("click", function () {
    stopReading(label("status-stopped"));
  });

  /* 朗读这一部分: a heading and what follows it, up to the next heading of its level or higher. */
  function sectionOf(heading) {
    var main = document.querySelector("main") || document.body;
    var blocks = blocksOf(main);
    var level = Number(heading.tagName.charAt(1));
    var items = [];
    var inside = false;
    for (var i = 0; i < blocks.length; i += 1) {
      var element = blocks[i].element;
      if (element === heading) { inside = true; } else if (inside && /^H[1-6]$/.test(element.tagName) &&
          Number(element.tagName.charAt(1)) <= level) { break; }
      if (inside) { items.push(blocks[i]); }
    }
    return items;
  }

  function addSectionButtons() {
    var main = document.querySelector("main");
    if (!main || sectionButtons.length) { return; }
    var headings = main.querySelectorAll("h2");
    for (var i = 0; i < headings.length; i += 1) {
      var heading = headings[i];
      if (!visible(heading) || !textOf(heading) || heading.closest(".visually-hidden") ||
          heading.getClientRects().length === 0) { continue; }
      var b = button(label("label-section"), "read-aloud__section");
      // The name says which section (the visible words come first: label in name).
      b.setAttribute("aria-label", label("label-section") +
        label("label-section-of").replace("%s", textOf(heading)));
      b.addEventListener("click", (function (h, self) {
        return function () { start(sectionOf(h), self); };
      }(heading, b)));
      heading.insertAdjacentElement("afterend", b);
      sectionButtons.push(b);
    }
  }

  function removeSectionButtons() {
    sectionButtons.forEach(function (b) { b.remove(); });
    sectionButtons = [];
  }

  /* Show the controls only while the browser has a voice to speak with. */
  function update() {
    if (hasVoice()) {
      slot.hidden = false;
      addSectionButtons();
    } else {
      if (state !== "idle") { stopReading(label("status-failed")); }
      var focusInside = slot.contains(document.activeElement) ||
        sectionButtons.indexOf(document.activeElement) !== -1;
      slot.hidden = true;
      removeSectionButtons();
      if (focusInside) {
        var main = document.querySelector("main");
        if (main) { main.focus(); }
      }
    }
  }

  update();
  if (synth.addEventListener) {
    synth.addEventListener("voiceschanged", update);
  } else {
    synth.onvoiceschanged = update;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state !== "idle") {
      stopReading(label("status-stopped"));
    }
  });

  window.addEventListener("pagehide", function () { synth.cancel(); });
}());
