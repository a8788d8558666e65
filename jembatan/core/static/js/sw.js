// Service worker: keeps the aspiration form and the files it needs so that the form opens
// without signal. Pages are fetched from the network first; the cache is the fallback.
var CACHE = "jembatan-offline-v1";
var OFFLINE_PAGES = ["/aspirasi/kirim/"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(OFFLINE_PAGES); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var cacheable = OFFLINE_PAGES.indexOf(url.pathname) !== -1 ||
    url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/jsi18n/") === 0;
  if (!cacheable) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: url.pathname.indexOf("/static/") !== 0 });
    })
  );
});
