// Every page: the service worker (/sw.js), and the reports waiting on this phone — listed wherever a page
// has a [data-outbox] box (the report page, my reports) and sent when the connection returns (the
// `online` event) or when the app is next opened. See outbox.js for why a report is never sent twice.
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
      var mine = records.filter(function (r) { return r.user === user; });
      list.textContent = "";
      mine.forEach(function (record) {
        var li = document.createElement("li");
        li.className = "outbox-item " + record.state;
        li.dataset.clientId = record.client_id;
        var state = document.createElement("span");
        state.className = "badge outbox-state";
        state.textContent = box.dataset["label" + record.state.charAt(0).toUpperCase() + record.state.slice(1)] || record.state;
        var text = document.createElement("span");
        text.textContent = " " + (record.label ? record.label + " · " : "") + (record.fields.description || "").slice(0, 60);
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
    }).catch(function () {});
  }

  // Signing out forgets the kept pages (they hold the user's own data); waiting reports stay for their author.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || form.action.indexOf("/logout/") === -1) { return; }
    if (user) { localStorage.removeItem("gridgov-warmed-" + user); }
    if (window.caches) { caches.delete("gridgov-pages"); }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "forget"});
    }
  });
}());
