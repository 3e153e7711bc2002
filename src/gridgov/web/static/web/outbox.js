// The phone's outbox of reports (issue 11), used by the pages and by the service worker (sw.js).
// A report is kept in IndexedDB with its own id (client_id, a UUID made once per report) until the server
// has answered with its case; the server answers a repeat of the same client_id with the case it already
// made, so sending again after a lost answer, a reload mid-send, or from both a page and Background Sync
// never makes a second case.
(function (scope) {
  "use strict";
  var DB = "gridgov", VERSION = 1, SYNC_TAG = "gridgov-outbox";
  var sending = {};

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) { db.createObjectStore("outbox", {keyPath: "client_id"}); }
        if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta", {keyPath: "key"}); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        var request = work(tx.objectStore(store));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function put(record) { return run("outbox", "readwrite", function (s) { return s.put(record); }); }
  function remove(id) { return run("outbox", "readwrite", function (s) { return s.delete(id); }); }
  function all() {
    return run("outbox", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function setMeta(key, value) { return run("meta", "readwrite", function (s) { return s.put({key: key, value: value}); }); }
  function getMeta(key) {
    return run("meta", "readonly", function (s) { return s.get(key); }).then(function (row) { return row ? row.value : null; });
  }

  // One report to the web report form, asking for a JSON answer. Resolves to the record's new state:
  // "sent" (with the case's url and number), "refused" (the server said what is wrong: it will not pass
  // by sending it again), or "waiting" (no network, signed out, an expired form token: try later).
  function send(record, csrf) {
    if (sending[record.client_id]) { return sending[record.client_id]; }
    var body = new FormData();
    Object.keys(record.fields).forEach(function (name) {
      var value = record.fields[name];
      if (value !== null && value !== undefined && value !== "") { body.append(name, value); }
    });
    body.append("client_id", record.client_id);
    (record.photos || []).forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
    var token = csrf || record.csrf;
    var attempt = fetch(record.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { return {state: "waiting"}; }
      return response.json().then(function (answer) {
        if (response.status === 200 || response.status === 201) {
          return remove(record.client_id).then(function () {
            return {state: "sent", url: answer.url, number: answer.number};
          });
        }
        if (response.status === 400) {
          record.state = "refused";
          record.error = answer.detail || "";
          return put(record).then(function () { return {state: "refused", error: record.error}; });
        }
        return {state: "waiting"};
      });
    }, function () { return {state: "waiting"}; }).then(function (result) {
      delete sending[record.client_id];
      return result;
    }, function (error) {
      delete sending[record.client_id];
      throw error;
    });
    sending[record.client_id] = attempt;
    return attempt;
  }

  // Every waiting report of the signed-in user (a phone shared in a family keeps each one's reports apart).
  function sendAll(csrf) {
    return getMeta("user").then(function (user) {
      if (!user) { return []; }
      return all().then(function (records) {
        var mine = records.filter(function (r) { return r.user === user && r.state !== "refused"; });
        return mine.reduce(function (chain, record) {
          return chain.then(function (results) {
            return send(record, csrf).then(function (result) { results.push(result); return results; });
          });
        }, Promise.resolve([]));
      });
    });
  }

  scope.GridgovOutbox = {SYNC_TAG: SYNC_TAG, put: put, remove: remove, all: all, send: send, sendAll: sendAll,
                         setMeta: setMeta, getMeta: getMeta};
}(typeof self !== "undefined" ? self : window));
