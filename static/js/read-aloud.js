/* 朗读 (read aloud) – an optional layer over the server-rendered page.
 *
 * Uses only the browser's own speech synthesis (window.speechSynthesis): nothing is sent to
 * any other service. Off until asked. The controls exist only when the browser can speak:
 * the server renders an empty, hidden slot ([data-read-aloud]) with the labels in the page's
 * language; this script fills it with buttons and shows it. Without support, or with
 * JavaScript off, the page is exactly the same minus these buttons.
 *
 * Buttons: 朗读本页 (the main content), 朗读选中的文字 (the current selection), 暂停/继续,
 * 停止朗读. Escape also stops. Chinese pages use a zh-CN voice, English pages an English one.
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
    "video,audio,.skip-link";
  var MAX_CHUNK = 180; // long utterances stop early in some browsers; speak in short pieces

  var label = function (name) { return slot.getAttribute("data-" + name) || ""; };
  var pageLang = (document.documentElement.getAttribute("lang") || "zh-CN");
  var queue = [];
  var current = null;
  var highlighted = null;
  var lastSelection = "";
  var state = "idle"; // idle | speaking | paused

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
  slot.hidden = false;

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

  function setState(next) {
    state = next;
    var active = next !== "idle";
    pause.hidden = !active;
    stop.hidden = !active;
    pause.textContent = next === "paused" ? label("label-resume") : label("label-pause");
    pause.setAttribute("aria-pressed", next === "paused" ? "true" : "false");
    if (!active) {
      mark(null);
      if (document.activeElement === pause || document.activeElement === stop) { readPage.focus(); }
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
    utterance.onerror = function () { setState("idle"); };
    mark(current.element);
    synth.speak(utterance);
  }

  function start(items) {
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
    start(blocksOf(main));
  });

  readSelection.addEventListener("click", function () {
    var text = selectedText() || lastSelection;
    if (!text) {
      say(label("status-no-selection"));
      return;
    }
    start([{ element: null, text: text }]);
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
    readPage.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state !== "idle") {
      stopReading(label("status-stopped"));
    }
  });

  window.addEventListener("pagehide", function () { synth.cancel(); });
}());
