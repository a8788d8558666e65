// While typing: answers already published for a rumour like this one (an optional aid;
// the form works without it, and the tracking page says the same after sending).
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  if (!form || !window.fetch) { return; }
  var box = document.getElementById("similar-live");
  var list = box.querySelector("ul");
  var timer;
  var last = "";
  function check() {
    var text = form.elements.text.value.trim();
    var link = form.elements.link.value.trim();
    if (text.length < 15 && !link) { box.hidden = true; return; }
    var url = new URL(form.dataset.similarUrl, window.location.href);
    url.searchParams.set("teks", text.slice(0, 1000));
    url.searchParams.set("tautan", link.slice(0, 500));
    if (url.href === last) { return; }
    last = url.href;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (c) {
          var item = document.createElement("li");
          var badge = document.createElement("span");
          badge.className = "verdict verdict-" + c.verdict;
          badge.textContent = c.verdict_label;
          var anchor = document.createElement("a");
          anchor.href = c.url;
          anchor.textContent = c.title;
          item.appendChild(badge);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(anchor);
          list.appendChild(item);
        });
        box.hidden = data.results.length === 0;
      })
      .catch(function () { box.hidden = true; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 600); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
