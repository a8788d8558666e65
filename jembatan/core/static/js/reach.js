/* Count one view of this page once it has loaded, without delaying it (no cookies). */
(function () {
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon || !window.FormData) return;
  var data = new FormData();
  ["item", "kim", "post"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) data.append(name, value);
  });
  var send = function () { navigator.sendBeacon(script.getAttribute("data-url"), data); };
  if (document.readyState === "complete") send();
  else window.addEventListener("load", send);
})();
