// The phone's outbox (issue 11), used by the pages and by the service worker (sw.js): a case report, a party
// member's contact, a patrol's check-in or note. A record is kept in IndexedDB with its own id (client_id, a
// UUID made once per record) until the server has answered with what it made; the server answers a repeat of
// the same client_id with the record it already made, so sending again after a lost answer, a reload
// mid-send, or from both a page and Background Sync never makes a second one.
// A record: {client_id, kind ("case", "contact", "checkin", "note"), url (the form it goes to), fields (name:
// value, or a list of values for a repeated field), photos ([{blob, name, field}]), user, csrf, created,
// state, label and text (what the 待发送 list shows)}.
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

  // One record to its web form, asking for a JSON answer. Resolves to the record's new state: "sent" (with
  // the url of what was made), "refused" (the server said what is wrong, or that the form is not the user's:
  // it will not pass by sending it again), or "waiting" (no network, signed out, an expired form token: later).
  var REFUSED = [400, 404, 409];
  function send(record, csrf) {
    if (sending[record.client_id]) { return sending[record.client_id]; }
    var body = new FormData();
    Object.keys(record.fields).forEach(function (name) {
      [].concat(record.fields[name]).forEach(function (value) {
        if (value !== null && value !== undefined && value !== "") { body.append(name, value); }
      });
    });
    body.append("client_id", record.client_id);
    (record.photos || []).forEach(function (photo) { body.append(photo.field || "photos", photo.blob, photo.name); });
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
        if (REFUSED.indexOf(response.status) !== -1) {
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

  // Every waiting record of the signed-in user, oldest first (a patrol's check-ins arrive in the order they
  // were made; a phone shared in a family keeps each one's records apart).
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

  // --- for the pages' forms (report.js, links/contact.js, patrols/patrol.js); not used in the worker ---

  // A record's own id: a UUID v4, made once per record.
  function newId() {
    if (scope.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16)), hex = "";
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (var i = 0; i < 16; i += 1) { hex += (b[i] + 0x100).toString(16).slice(1); }
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // A form's text fields as typed (a repeated name, such as a contact's topics, as a list); the form token and
  // the client_id travel apart.
  function formFields(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken" || name === "client_id") { return; }
      if (Object.prototype.hasOwnProperty.call(fields, name)) { fields[name] = [].concat(fields[name], value); } else {
        fields[name] = value;
      }
    });
    return fields;
  }

  // A photo shrunk on the phone before it is kept or sent: long side at most 1600 px, JPEG (a 4 MB camera
  // photo becomes a few hundred KB). A photo already that small and JPEG goes as it is.
  var LONG_SIDE = 1600;
  function shrink(file) {
    var keep = {blob: file, name: file.name};
    if (!/^image\//.test(file.type) || !scope.createImageBitmap) { return Promise.resolve(keep); }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg") { bitmap.close(); return keep; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? {blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg"} : keep);
        }, "image/jpeg", 0.82);
      });
    }).catch(function () { return keep; });
  }

  // The photos chosen in a form's file inputs, shrunk, each to go under its input's name.
  function formPhotos(form) {
    var files = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { files.push({file: file, field: input.name}); });
    });
    return Promise.all(files.map(function (item) {
      return shrink(item.file).then(function (photo) { photo.field = item.field; return photo; });
    }));
  }

  // Ask the browser to send the waiting records in the background when the signal returns (where it can).
  function registerSync() {
    if (!navigator.serviceWorker) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(SYNC_TAG); }
    }).catch(function () {});
  }

  // Keep a record, then send it at once when the phone is online. Resolves like send(); "waiting" also asks
  // for Background Sync.
  function deliver(record, csrf) {
    return put(record).then(function () {
      return navigator.onLine ? send(record, csrf) : {state: "waiting"};
    }).then(function (result) {
      if (result.state === "waiting") { registerSync(); }
      return result;
    });
  }

  scope.GridgovOutbox = {SYNC_TAG: SYNC_TAG, put: put, remove: remove, all: all, send: send, sendAll: sendAll,
                         setMeta: setMeta, getMeta: getMeta, newId: newId, formFields: formFields, shrink: shrink,
                         formPhotos: formPhotos, registerSync: registerSync, deliver: deliver};
}(typeof self !== "undefined" ? self : window));
