// The aspiration form without signal: what is written offline waits in this phone's
// outbox (IndexedDB) and is sent once the phone is online again. Each form carries a
// client id made here, so a form sent twice (a retry after a lost answer) makes one case.
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-outbox]");
  if (!form || !window.indexedDB || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("outbox-status");
  var idField = form.elements.client_id;
  var gettext = window.gettext || function (s) { return s; };

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  if (idField && !idField.value) { idField.value = newId(); }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("jembatan-outbox", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("forms", { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("forms", mode);
        var result = work(tx.objectStore("forms"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function show(text, link) {
    status.hidden = false;
    status.textContent = text;
    if (status.scrollIntoView) { status.scrollIntoView({ block: "center" }); }
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = " " + gettext("Lihat aspirasi");
      status.appendChild(a);
    }
  }

  // A stored form the server sent back (a desa name found in two kecamatan, a missing
  // field) goes back into the form instead of being lost; sent again online, the answer
  // shows what to fix. Photos come back too where the browser allows setting files.
  function refill(entries) {
    var photos = {};
    entries.forEach(function (pair) {
      var name = pair[0], value = pair[1], field = form.elements[name];
      if (!field || name === "csrfmiddlewaretoken" || name === "client_id") { return; }
      if (typeof value !== "string") {
        if (value && value.size) { (photos[name] = photos[name] || []).push(value); }
        return;
      }
      if (field.type === "checkbox") { field.checked = true; } else { field.value = value; }
    });
    Object.keys(photos).forEach(function (name) {
      try {
        var files = new DataTransfer();
        photos[name].forEach(function (file) { files.items.add(file); });
        form.elements[name].files = files.files;
      } catch (e) { /* this browser cannot set files: the text is back, the photos not */ }
    });
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }  // online: the normal form post
    event.preventDefault();
    var entries = [];
    new FormData(form).forEach(function (value, name) { entries.push([name, value]); });
    store("readwrite", function (s) { return s.put({ id: idField.value, entries: entries, at: Date.now() }); })
      .then(function () {
        form.reset();
        idField.value = newId();
        show(gettext("Tidak ada sinyal. Aspirasi disimpan di ponsel ini dan dikirim otomatis saat online."));
      })
      .catch(function () { show(gettext("Tidak dapat menyimpan di ponsel ini. Coba lagi saat ada sinyal.")); });
  });

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) { return; }
    sending = true;
    store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          var data = new FormData();
          item.entries.forEach(function (pair) { data.append(pair[0], pair[1]); });
          return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
            .then(function (response) {
              if (response.ok && response.redirected) {
                show(gettext("Aspirasi yang tersimpan sudah terkirim."), response.url);
                return store("readwrite", function (s) { return s.delete(item.id); });
              }
              if (response.status === 400) {
                refill(item.entries);
                show(gettext("Aspirasi yang tersimpan belum lengkap. Isinya sudah dikembalikan ke formulir ini: periksa, lalu kirim lagi."));
                return store("readwrite", function (s) { return s.delete(item.id); });
              }
              return null;  // 429 or a server error: keep it and try again later
            });
        });
      }, Promise.resolve());
    }).catch(function () { /* still offline: try again at the next chance */ })
      .then(function () { sending = false; });
  }
  window.addEventListener("online", flush);
  flush();
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: "/" }).catch(function () {});
  }
})();
