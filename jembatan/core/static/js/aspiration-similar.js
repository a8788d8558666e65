// Before sending: show recent cases of the same category in the same desa (optional aid;
// the form works without it).
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  if (!form || !window.fetch) { return; }
  var box = document.getElementById("similar");
  var list = box.querySelector("ul");
  var timer;
  function check() {
    var category = form.elements.category.value;
    var desa = form.elements.region.value.trim();
    if (!category || desa.length < 3) { box.hidden = true; return; }
    var url = new URL(form.dataset.similarUrl, window.location.href);
    url.searchParams.set("kategori", category);
    url.searchParams.set("desa", desa);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (c) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = c.url;
          link.textContent = c.code + " · " + c.status;
          item.appendChild(link);
          item.appendChild(document.createTextNode(" " + c.text));
          list.appendChild(item);
        });
        box.hidden = data.results.length === 0;
      })
      .catch(function () { box.hidden = true; });
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(check, 300); });
})();
