// The offline page: lists the pages kept on this phone (the service worker's pages cache),
// newest first, as links that open without signal.
(function () {
  "use strict";
  var list = document.getElementById("saved-pages");
  if (!list || !window.caches) { return; }
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, args) { return fmt.replace("%s", args[0]); };
  var empty = document.getElementById("saved-pages-empty");
  var retry = document.getElementById("offline-retry");
  var here = location.pathname + location.search;
  // Every title ends in " · <site name>", like this page's own: shown once is enough.
  var suffix = document.title.slice(document.title.lastIndexOf(" · "));

  if (retry) {
    retry.hidden = false;
    retry.querySelector("button").addEventListener("click", function () { location.reload(); });
  }

  function decode(text) {
    // Titles are stored as they appear in the HTML (entities included).
    var doc = new DOMParser().parseFromString("<p>" + text + "</p>", "text/html");
    return doc.body.textContent || "";
  }

  function savedAt(value) {
    var date = new Date(value);
    if (isNaN(date.getTime())) { return ""; }
    try {
      return date.toLocaleString(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return date.toLocaleString();
    }
  }

  caches.open(list.getAttribute("data-cache")).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (request) {
        return cache.match(request).then(function (response) {
          var url = new URL(request.url);
          return {
            href: url.pathname + url.search,
            title: decode(decodeURIComponent(response.headers.get("X-Jembatan-Title") || "")),
            saved: response.headers.get("X-Jembatan-Saved") || ""
          };
        });
      }));
    });
  }).then(function (pages) {
    pages.reverse();  // the cache keeps them oldest first
    pages.forEach(function (page) {
      if (page.href === here) { return; }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = page.href;
      var title = page.title;
      if (suffix.length > 3 && title.slice(-suffix.length) === suffix) {
        title = title.slice(0, -suffix.length);
      }
      link.textContent = title || page.href;
      item.appendChild(link);
      var when = savedAt(page.saved);
      if (when) {
        var note = document.createElement("span");
        note.className = "small muted saved-at";
        note.textContent = interpolate(gettext("disimpan %s"), [when]);
        item.appendChild(note);
      }
      list.appendChild(item);
    });
    if (empty) { empty.hidden = list.children.length > 0; }
  }).catch(function () { /* no cache access: the page's text still explains */ });
})();
