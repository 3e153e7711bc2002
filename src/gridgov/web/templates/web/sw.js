{% autoescape off %}// gridgov's service worker, version __VERSION__ (served by gridgov.web.pwa at /sw.js, scope "/").
// 1. The shell (CSS, JS, icons under hashed names) is kept at install and answered from the phone.
// 2. The field pages (home, report, my reports, notifications; a party member's households and contact
//    forms; a grid worker's patrols and the patrol page) are fetched from the network when there is one and
//    kept; without signal the kept copy answers.
// 3. Everything else (other pages, the API, POSTs) goes to the network untouched.
// 4. Records made without signal (reports, contacts, check-ins, patrol notes) wait in IndexedDB (outbox.js);
//    Background Sync sends them.
"use strict";
importScripts({{ outbox }});

var SHELL = "gridgov-shell-__VERSION__";
var PAGES = "gridgov-pages";
var SHELL_FILES = {{ shell }};
var FIELD_PAGES = {{ pages }};
var OFFLINE_TEXT = {{ offline }};
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
// Field pages with an id in their address: one contact form per linked household, one page per patrol.
var LINKS = "{% url 'links:index' %}", PATROLS = "{% url 'patrols:index' %}";

function isFieldPage(path) {
  if (FIELD_PAGES.indexOf(path) !== -1 || path === LINKS || path === PATROLS) { return true; }
  if (path.indexOf(LINKS) === 0) { return /^households\/\d+\/contact\/$/.test(path.slice(LINKS.length)); }
  if (path.indexOf(PATROLS) === 0) { return /^\d+\/$/.test(path.slice(PATROLS.length)); }
  return false;
}

function keepFrom(path) {  // fetch a field page now and keep it, unless it is not the user's (a redirect, an error)
  return caches.open(PAGES).then(function (cache) {
    return fetch(path, {credentials: "same-origin"}).then(function (response) {
      if (response.ok && !response.redirected) { return cache.put(path, response); }
    });
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("gridgov-shell-") === 0 && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  // Only a page the user really got (not a redirect to the login page) is kept.
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(new URL(request.url).pathname, copy); });
  }
  return response;
}

function offlinePage() {
  return new Response("<!DOCTYPE html><meta charset=utf-8><meta name=viewport content='width=device-width'><p>" +
    OFFLINE_TEXT + "</p>", {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    if (HASHED.test(url.pathname)) {  // never changes: the phone's copy first
      event.respondWith(caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { var copy = response.clone(); caches.open(SHELL).then(function (c) { c.put(request, copy); }); }
          return response;
        });
      }));
    } else {  // a plain name may change (no collectstatic yet): the network first, the last copy offline
      event.respondWith(fetch(request).then(function (response) {
        if (response.ok) { var copy = response.clone(); caches.open(SHELL).then(function (c) { c.put(request, copy); }); }
        return response;
      }).catch(function () { return caches.match(request); }));
    }
    return;
  }
  if (request.mode === "navigate" && isFieldPage(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) { return keepPage(request, response); })
      .catch(function () {
        return caches.open(PAGES).then(function (cache) { return cache.match(url.pathname); })
          .then(function (hit) { return hit || offlinePage(); });
      }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (url.pathname === "/api/v1/grids/geojson") {  // the report map's outlines
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(PAGES).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () { return caches.open(PAGES).then(function (c) { return c.match(request); }); }));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "warm") {  // a signed-in page asks for the field pages to be kept now
    event.waitUntil(Promise.all(FIELD_PAGES.map(keepFrom)));
  } else if (data.type === "keep") {  // field pages a page links (its contact forms, the patrol under way)
    event.waitUntil(Promise.all((data.pages || []).filter(isFieldPage).slice(0, 50).map(keepFrom)));
  } else if (data.type === "forget") {  // signed out: the kept pages hold the user's data
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === GridgovOutbox.SYNC_TAG) { event.waitUntil(GridgovOutbox.sendAll()); }
});
{% endautoescape %}
