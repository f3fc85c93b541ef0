/* "显示密码": a toggle button (aria-pressed) beside each password field. Without JavaScript the
   button stays hidden and nothing is lost; the field works with paste and password managers. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-show-password]");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute("data-show-password"));
    if (!input || button.getAttribute("data-ready")) { return; }
    button.setAttribute("data-ready", "true");
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
    if (input.form) {
      // Always submit as a password field, so that browsers offer to save it.
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
      });
    }
  });
})();
