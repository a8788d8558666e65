// Attendance on the organiser's phone. Codes typed or scanned wait in a queue kept in
// localStorage and are sent one by one; without signal they stay there and go out when
// the phone is online again. The server treats a repeat as "sudah hadir" and changes
// nothing, so sending a code twice is harmless. The camera scanner uses the browser's own
// BarcodeDetector where there is one; without it (or without JS) the form still works.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form || !window.fetch || !window.FormData || !window.localStorage) { return; }
  var scanner = document.getElementById("scanner");
  var status = document.getElementById("checkin-status");
  var log = document.getElementById("checkin-log");
  var input = form.elements.code;
  var url = window.location.pathname;
  var key = "jembatan-checkin:" + url;
  var sending = false;

  function queue() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(key, JSON.stringify(items)); }
  function show(text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }
  function note(text, isError) {
    var li = document.createElement("li");
    li.textContent = text;
    if (isError) { li.className = "field-error"; }
    log.insertBefore(li, log.firstChild);
    show(text, isError);
  }
  // The count above and the tick in the list follow each accepted code, no reload.
  function refresh(body) {
    var summary = document.getElementById("attendance-summary");
    if (summary) { summary.textContent = body.summary; }
    var row = document.getElementById("registration-" + body.registration);
    var box = row && row.querySelector("input[type=checkbox]");
    if (box) { box.checked = true; box.disabled = true; }
  }
  function pending() {
    var items = queue();
    if (items.length) {
      show(scanner.dataset.msgQueued + " " + scanner.dataset.msgPending + " " +
        items.map(function (i) { return i.code; }).join(", "), false);
    }
  }
  function add(code, method) {
    code = (code || "").trim();
    if (!code) { return; }
    var items = queue();
    if (!items.some(function (i) { return i.code === code; })) {
      items.push({ code: code, method: method });
      save(items);
    }
    flush();
  }
  function flush() {
    if (sending) { return; }
    var items = queue();
    if (!items.length) { return; }
    sending = true;
    var item = items[0];
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("code", item.code);
    data.append("method", item.method);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) { throw new Error("later"); }
      return response.json().then(function (body) {
        save(queue().filter(function (i) { return i.code !== item.code; }));
        note(body.message, body.status === "rejected");
        if (body.summary) { refresh(body); }
      });
    }).then(function () {
      sending = false;
      flush();
    }, function () {
      sending = false;
      pending();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var method = form.elements.method;
    add(input.value, (method && method.value) || "kode");
    if (method) { method.value = "kode"; }
    input.value = "";
    input.focus();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 20000);
  pending();
  flush();

  // The camera, where the browser can read QR codes by itself.
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !scanner) { return; }
  scanner.hidden = false;
  var video = document.getElementById("scan-video");
  var recent = {};
  document.getElementById("scan-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      return video.play().then(function () {
        window.setInterval(function () {
          detector.detect(video).then(function (codes) {
            codes.forEach(function (c) {
              var now = Date.now();
              if (recent[c.rawValue] && now - recent[c.rawValue] < 5000) { return; }
              recent[c.rawValue] = now;
              add(c.rawValue, "qr");
            });
          }).catch(function () {});
        }, 400);
      });
    }).catch(function () { show(scanner.dataset.msgNocamera, true); });
  });
})();
