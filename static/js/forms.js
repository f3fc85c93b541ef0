/* After a form was sent with problems: move focus to the error summary (first on the page,
   right after the skip link), so that screen readers read it and keyboard users start from
   its links to the fields. Without JavaScript the summary is still the first thing after the
   skip link (templates/base.html). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary && !summary.contains(document.activeElement)) {
    summary.focus();
  }
})();
