// A page from the shared cache (nginx, jembatan/core/pagecache.py) carries no form token:
// the token is each visitor's. On the first submit of such a form, fetch this visitor's
// token (it comes with its cookie), fill every form of the page, then send. Without script
// the server shows the form once more with a token (core.views.csrf_failure).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  if (!url) { return; }
  var SELECTOR = 'input[name="csrfmiddlewaretoken"]';
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
    var input = form.querySelector(SELECTOR);
    if (!input || input.value) { return; }
    // The aspiration form's outbox keeps a form written offline and fetches its own token.
    if (form.hasAttribute("data-offline-outbox") || navigator.onLine === false) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        document.querySelectorAll(SELECTOR).forEach(function (field) { field.value = data.token; });
        if (form.requestSubmit && data.token) { form.requestSubmit(submitter); } else { form.submit(); }
      }, function () {
        // Offline or refused: send as is (no second round); the server's page says what to do.
        form.submit();
      });
  }, true);
}());
