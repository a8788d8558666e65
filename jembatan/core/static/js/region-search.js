// Suggest regions while typing into a region field; the form works without this.
(function () {
  "use strict";
  var timers = new WeakMap();
  function suggest(input) {
    var text = input.value.trim();
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || text.length < 2 || /\(\d/.test(text)) { return; }
    var url = new URL(input.dataset.regionSearch, window.location.href);
    url.searchParams.set("q", text);
    if (input.dataset.level) { url.searchParams.set("level", input.dataset.level); }
    if (input.dataset.within) { url.searchParams.set("within", input.dataset.within); }
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (r) {
          var option = document.createElement("option");
          option.value = r.label;
          option.label = r.context ? r.kind + " · " + r.context : r.kind;
          list.appendChild(option);
        });
      })
      .catch(function () { /* offline: typing a name or code still works */ });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-region-search]")) { return; }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input); }, 250));
  });
})();
