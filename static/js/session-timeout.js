/* The time-out warning (WCAG 2.2.1). SESSION_WARNING_SECONDS before the session ends, a modal
   alert dialog offers "继续使用", which asks the server to keep the session (POST keep-alive).
   Escape does the same. When the time is up the page moves to the "您已自动退出" page, which
   returns here at once if the session is in fact still going (e.g. used in another tab).
   Without JavaScript the dialog never shows; the server ends the session and explains it. */
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var form = dialog.querySelector("form");
  var warning = Number(dialog.getAttribute("data-warning")) || 120;
  var warnTimer = null;
  var endTimer = null;

  function expire() {
    window.location.assign(dialog.getAttribute("data-timed-out"));
  }

  // The time the page states (the button macro in components/forms.html, in the district's
  // time): after "继续使用" the session goes on longer, so the stated time moves with it.
  function showEnd(remaining) {
    var ends = document.querySelectorAll("[data-session-ends]");
    if (!ends.length || !window.Intl) { return; }
    var at = new Date(Date.now() + remaining * 1000);
    var text = new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", hour: "2-digit",
                                                 minute: "2-digit", hourCycle: "h23"}).format(at);
    Array.prototype.forEach.call(ends, function (element) { element.textContent = text; });
  }

  function schedule(remaining) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(function () {
      if (!dialog.open) { dialog.showModal(); }
    }, Math.max(0, remaining - warning) * 1000);
    endTimer = window.setTimeout(expire, (remaining + 2) * 1000);
  }

  function keepAlive() {
    var token = form.querySelector("[name=csrf_token]").value;
    window.fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      if (!response.ok) { throw new Error("signed out"); }
      return response.json();
    }).then(function (data) {
      if (dialog.open) { dialog.close(); }
      schedule(Number(data.remaining_seconds));
      showEnd(Number(data.remaining_seconds));
    }).catch(expire);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    keepAlive();
  });
  schedule(Number(dialog.getAttribute("data-remaining")));
})();
