// Service worker: Jembatan opens without signal.
//
// - The app shell (stylesheet, scripts, icons, the offline page, the aspiration form and
//   the scripts' translations) is stored at install, so the aspiration form opens and
//   queues aspirations offline (offline-form.js sends them once online).
// - Pages: network first; each public page read is kept in the "pages" cache, the last
//   CONFIG.pagesLimit of them, so that the reader can open them again without signal.
//   A page not kept shows the offline page, which lists the kept ones. The first page of a
//   visit, loaded before the service worker took over, is kept on pwa.js's request.
// - Never kept: the signed-in workspace (/kelola/), accounts (/akun/), the admin, answers
//   to anything but GET, answers marked Cache-Control private or no-store, and pages
//   rendered for a signed-in visitor or carrying a one-time message (base.html marks them
//   with CONFIG.privateMarker: a service worker cannot see Set-Cookie). Signing in or out
//   empties the pages cache (shared phones and laptops at the balai desa).
// - /static/ files have hashed names: cache first, refreshed in the background.
//
// CONFIG is written in by jembatan.core.views_pwa.service_worker (hashed static names,
// cache names); its version changes with this file and with every static file named here.
var CONFIG = /* CONFIG */ {};
var VERSION = CONFIG.version || "dev";
var SHELL_CACHE = "jembatan-shell-" + VERSION;
var STATIC_CACHE = "jembatan-static-v1";
var PAGES_CACHE = CONFIG.pagesCache || "jembatan-pages-v1";
var KEEP = [SHELL_CACHE, STATIC_CACHE, PAGES_CACHE];
var SHELL_PAGES = CONFIG.shellPages || [];
var OFFLINE_PAGE = CONFIG.offlinePage || "/offline/";

function startsWithAny(path, prefixes) {
  return (prefixes || []).some(function (prefix) { return path.indexOf(prefix) === 0; });
}

function isUsable(response) {
  return !!response && response.ok && response.status === 200 && response.type === "basic" &&
    !response.redirected;
}

// Store the shell pages one by one: a page that fails (or is redirected, e.g. to a
// second sign-in step) is left out instead of failing the whole install.
function storeShellPage(cache, url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (isUsable(response)) { return cache.put(url, response); }
    return null;
  }).catch(function () { return null; });
}

function fillShell() {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return Promise.all(
      (CONFIG.shellStatic || []).map(function (url) {
        return cache.add(url).catch(function () { return null; });
      }).concat(SHELL_PAGES.map(function (url) { return storeShellPage(cache, url); }))
    );
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(fillShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return KEEP.indexOf(key) === -1; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function trim(cacheName, limit) {
  return caches.open(cacheName).then(function (cache) {
    return cache.keys().then(function (keys) {
      // Keys come back in the order they were stored: the oldest first.
      return Promise.all(keys.slice(0, Math.max(0, keys.length - limit))
        .map(function (key) { return cache.delete(key); }));
    });
  });
}

function cacheControlForbids(response) {
  var value = (response.headers.get("Cache-Control") || "").toLowerCase();
  return /(^|[\s,])(private|no-store)([\s,=]|$)/.test(value);
}

function pageKey(url) {
  return url.origin + url.pathname + url.search;
}

// Keep a page the visitor read, unless it is personal. Read from a copy: the original
// goes to the page untouched.
function keepPage(url, response) {
  if (!isUsable(response) || cacheControlForbids(response)) { return Promise.resolve(); }
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return copy.text().then(function (html) {
    if (CONFIG.privateMarker && html.indexOf(CONFIG.privateMarker) !== -1) { return null; }
    var title = (/<title[^>]*>([^<]*)<\/title>/i.exec(html) || [])[1] || "";
    var headers = new Headers(response.headers);
    headers.delete("Content-Encoding");  // the text read here is already decoded
    headers.delete("Content-Length");
    headers.set("X-Jembatan-Title", encodeURIComponent(title.trim()));
    headers.set("X-Jembatan-Saved", new Date().toISOString());
    var stored = new Response(html, { status: 200, statusText: "OK", headers: headers });
    var key = pageKey(url);
    return caches.open(PAGES_CACHE).then(function (cache) {
      // Delete first so that the page moves to the end: the last visited are kept.
      return cache.delete(key).then(function () { return cache.put(key, stored); });
    }).then(function () { return trim(PAGES_CACHE, CONFIG.pagesLimit || 30); });
  }).catch(function () { return null; });
}

// The shell's pages follow the visitor's language (Content-Language) and come back after
// a sign-out emptied them.
function refreshShell(response) {
  var language = response.headers.get("Content-Language");
  return caches.open(SHELL_CACHE).then(function (cache) {
    return Promise.all(SHELL_PAGES.map(function (url) {
      return cache.match(url).then(function (stored) {
        if (stored && stored.headers.get("Content-Language") === language) { return null; }
        return storeShellPage(cache, url);
      });
    }));
  }).catch(function () { return null; });
}

// The page as kept on the phone: a page read before, or one of the shell's pages.
function keptCopy(url) {
  return caches.match(pageKey(url), { cacheName: PAGES_CACHE }).then(function (page) {
    if (page || SHELL_PAGES.indexOf(url.pathname) === -1) { return page || null; }
    return caches.match(url.pathname, { cacheName: SHELL_CACHE, ignoreSearch: true });
  });
}

function offlineAnswer(request, url) {
  return keptCopy(url).then(function (found) {
    return found || caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE });
  }).then(function (found) {
    return found || Response.error();
  });
}

function navigate(event, url) {
  var request = event.request;
  var personal = startsWithAny(url.pathname, CONFIG.privatePrefixes);
  return fetch(request).then(function (response) {
    var work = [];
    if (!personal && SHELL_PAGES.indexOf(url.pathname) === -1) {
      work.push(keepPage(url, response));
    }
    if (SHELL_PAGES.indexOf(url.pathname) !== -1 && !url.search && isUsable(response)) {
      var copy = response.clone();
      work.push(caches.open(SHELL_CACHE).then(function (cache) { return cache.put(url.pathname, copy); }));
    } else if (isUsable(response)) {
      work.push(refreshShell(response));
    }
    event.waitUntil(Promise.all(work));
    if (response.status >= 500) {
      // The server is up but cannot answer (its database away, a proxy error): the kept
      // copy is better than an error page; without one, the server's own error page.
      return keptCopy(url).then(function (kept) { return kept || response; });
    }
    return response;
  }).catch(function () { return offlineAnswer(request, url); });
}

function staticFile(event) {
  var request = event.request;
  var fromNetwork = fetch(request).then(function (response) {
    if (isUsable(response)) {
      var copy = response.clone();
      return caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); })
        .then(function () { return trim(STATIC_CACHE, CONFIG.staticLimit || 200); })
        .then(function () { return response; });
    }
    return response;
  });
  return caches.match(request).then(function (cached) {
    if (cached) {
      event.waitUntil(fromNetwork.catch(function () { return null; }));  // revalidate
      return cached;
    }
    return fromNetwork;
  });
}

// The first page of a visit arrives before the service worker takes over (a link shared
// on WhatsApp, say): pwa.js asks for it to be kept, under the same rules as the others.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || typeof data.url !== "string") { return; }
  var url = new URL(data.url, self.location.href);
  if (url.origin !== self.location.origin || SHELL_PAGES.indexOf(url.pathname) !== -1 ||
      startsWithAny(url.pathname, CONFIG.privatePrefixes) ||
      startsWithAny(url.pathname, CONFIG.bypassPrefixes)) {
    return;
  }
  event.waitUntil(caches.match(pageKey(url), { cacheName: PAGES_CACHE }).then(function (found) {
    if (found) { return null; }
    return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      return keepPage(url, response);
    });
  }).catch(function () { return null; }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (startsWithAny(url.pathname, CONFIG.bypassPrefixes)) { return; }
  if (request.method !== "GET") {
    // Signing in or out (or the second step): what was kept belongs to someone else now.
    if (url.pathname.indexOf("/akun/") === 0) {
      event.waitUntil(caches.delete(PAGES_CACHE).then(function () {
        return caches.open(SHELL_CACHE).then(function (cache) {
          return Promise.all(SHELL_PAGES.map(function (page) { return cache.delete(page); }));
        });
      }));
    }
    return;  // never answered from or kept in a cache
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticPrefix || "/static/") === 0) {
    event.respondWith(staticFile(event));
    return;
  }
  if (SHELL_PAGES.indexOf(url.pathname) !== -1) {
    // The scripts' translations (/jsi18n/): the network first, the stored copy offline.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(url.pathname, { cacheName: SHELL_CACHE }).then(function (found) {
        return found || Response.error();
      });
    }));
  }
});
