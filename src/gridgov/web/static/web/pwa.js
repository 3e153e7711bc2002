// Every page: the service worker (/sw.js), and the records waiting on this phone (reports, contacts, patrol
// check-ins and notes) — listed wherever a page has a [data-outbox] box (the report page, my reports, my
// households and the contact form, the patrol page; data-outbox-kinds narrows it to some kinds) and sent when
// the connection returns (the `online` event) or when the app is next opened. See outbox.js for why a record
// is never sent twice.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name='gridgov-user']");
  var user = meta ? meta.getAttribute("content") : "";
  var Outbox = window.GridgovOutbox;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function render(records) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox]"), function (box) {
      var list = box.querySelector("ul");
      var kinds = box.dataset.outboxKinds ? box.dataset.outboxKinds.split(" ") : null;
      var mine = records.filter(function (r) {
        return r.user === user && (!kinds || kinds.indexOf(r.kind || "case") !== -1);
      });
      list.textContent = "";
      mine.forEach(function (record) {
        var li = document.createElement("li");
        li.className = "outbox-item " + record.state;
        li.dataset.clientId = record.client_id;
        var state = document.createElement("span");
        state.className = "badge outbox-state";
        state.textContent = box.dataset["label" + record.state.charAt(0).toUpperCase() + record.state.slice(1)] || record.state;
        var text = document.createElement("span");
        var words = record.text !== undefined ? record.text : record.fields.description || "";
        text.textContent = " " + [record.label || "", words.slice(0, 60)].filter(Boolean).join(" · ");
        var when = document.createElement("small");
        when.className = "row-meta";
        when.textContent = " " + new Date(record.created).toLocaleString();
        li.appendChild(state);
        li.appendChild(text);
        li.appendChild(when);
        if (record.state === "refused" && record.error) {
          var error = document.createElement("p");
          error.className = "field-error";
          error.textContent = record.error;
          li.appendChild(error);
        }
        list.appendChild(li);
      });
      box.hidden = mine.length === 0;
      box.dataset.count = String(mine.length);
    });
  }

  function refresh() {
    if (!Outbox) { return Promise.resolve(); }
    return Outbox.all().then(render).catch(function () {});
  }

  function flush() {
    if (!Outbox || !user || !navigator.onLine) { return refresh(); }
    return Outbox.sendAll(cookie("csrftoken")).then(function (results) {
      var sent = results.filter(function (r) { return r.state === "sent"; });
      var box = document.querySelector("[data-outbox]");
      if (sent.length && box) {
        var note = document.getElementById("outbox-sent");
        if (note) {
          note.hidden = false;
          note.textContent = (box.dataset.labelSentCount || "").replace("{n}", String(sent.length));
        }
      }
      return refresh();
    }).catch(refresh);
  }

  window.GridgovField = {user: user, cookie: cookie, refresh: refresh, flush: flush};

  if (Outbox) {
    Outbox.setMeta("user", user || null).then(flush, refresh);
    window.addEventListener("online", flush);
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!user) { return; }
      // Keep the field pages on the phone at most once an hour, not on every page.
      var key = "gridgov-warmed-" + user, last = Number(localStorage.getItem(key) || 0);
      if (Date.now() - last > 3600 * 1000 && registration.active) {
        registration.active.postMessage({type: "warm"});
        localStorage.setItem(key, String(Date.now()));
      }
      keepLinkedPages(registration);
    }).catch(function () {});
  }

  // Pages a page links for use without signal (a member's contact forms on my households, the patrol under
  // way): kept on the phone now, each at most once an hour. The worker keeps only field pages it knows.
  function keepLinkedPages(registration) {
    if (!registration.active || !navigator.onLine) { return; }
    var key = "gridgov-kept-" + user, kept = {};
    try { kept = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { kept = {}; }
    var now = Date.now(), pages = [];
    Array.prototype.forEach.call(document.querySelectorAll("a[data-keep-offline]"), function (a) {
      var path = a.pathname;
      if (pages.indexOf(path) === -1 && !(now - (kept[path] || 0) < 3600 * 1000)) { pages.push(path); kept[path] = now; }
    });
    if (!pages.length) { return; }
    registration.active.postMessage({type: "keep", pages: pages});
    localStorage.setItem(key, JSON.stringify(kept));
  }

  // Signing out forgets the kept pages (they hold the user's own data); waiting reports stay for their author.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || form.action.indexOf("/logout/") === -1) { return; }
    if (user) { localStorage.removeItem("gridgov-warmed-" + user); localStorage.removeItem("gridgov-kept-" + user); }
    if (window.caches) { caches.delete("gridgov-pages"); }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "forget"});
    }
  });
}());
