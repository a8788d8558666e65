// Copy-link button for the "Sebarkan" box; without JavaScript the address is selectable.
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  document.querySelectorAll("[data-copy-button]").forEach(function (button) {
    var input = button.parentNode.querySelector("[data-copy]");
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = gettext("Tersalin");
      });
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
