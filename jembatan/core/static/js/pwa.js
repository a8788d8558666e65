// Registers the service worker (static/js/sw.js, served from the root as /sw.js) on every
// page, so that the pages read are kept for reading without signal. Without a service
// worker (old browsers, private windows) the site works as before.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) { return; }
  var url = script.getAttribute("data-service-worker");
  if (!url) { return; }
  var controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register(url, { scope: "/" }).then(function () {
    // This page came before the service worker: ask it to keep the page too, unless the
    // page says it is personal (the service worker checks again).
    if (controlled || document.querySelector('meta[name="jembatan-offline"]')) { return null; }
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "keep", url: location.href.split("#")[0] });
      }
    });
  }).catch(function () {});
})();
