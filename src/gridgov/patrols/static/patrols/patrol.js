/* The patrol page: read the phone's position and accuracy, show them, fill the check-in form (and the
problem report's point), and only then allow checking in. A check-in or a note goes through the phone's
outbox (web/static/web/outbox.js) with its own id and the phone's time: without signal it is kept, listed as
待发送, and sent once when the phone is online again, keeping the time it was made. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function readPosition() {
    var button = document.getElementById("read-position");
    var shown = document.getElementById("position");
    if (!button || !shown) { return; }
    if (!navigator.geolocation) { shown.textContent = shown.dataset.failed; button.hidden = true; return; }
    button.addEventListener("click", function () {
      shown.textContent = shown.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        var set = function (id, value) { var el = document.getElementById(id); if (el) { el.value = value; } };
        set("checkin-lat", c.latitude); set("checkin-lng", c.longitude); set("checkin-accuracy", Math.round(c.accuracy));
        set("case-lat", c.latitude); set("case-lng", c.longitude);
        shown.textContent = c.latitude.toFixed(5) + ", " + c.longitude.toFixed(5) + " · " + shown.dataset.accuracy +
          " ±" + Math.round(c.accuracy) + " " + shown.dataset.metres;
        document.getElementById("checkin-submit").disabled = false;
      }, function () { shown.textContent = shown.dataset.failed; }, {enableHighAccuracy: true, timeout: 15000});
    });
  }

  function show(id) {
    ["patrol-error", "patrol-saved"].forEach(function (other) {
      var box = document.getElementById(other);
      if (box) { box.hidden = other !== id; }
    });
    window.scrollTo(0, 0);
  }

  // The phone's time and a new id, set when the form is sent (also when it goes the plain way, online).
  function stamp(form) {
    var time = form.querySelector(".phone-time"), id = form.querySelector(".client-id");
    if (time) { time.value = new Date().toISOString(); }
    if (id && !id.value && window.GridgovOutbox) { id.value = window.GridgovOutbox.newId(); }
  }

  function throughOutbox(form, kind, describe) {
    form.addEventListener("submit", function (event) {
      var Outbox = window.GridgovOutbox, field = window.GridgovField;
      stamp(form);
      if (!Outbox || !field || !window.indexedDB || !window.Promise) { return; }
      event.preventDefault();
      if (form.dataset.busy) { return; }
      form.dataset.busy = "1";
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var fields = Outbox.formFields(form), made = new Date();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      var clientId = form.querySelector(".client-id").value;
      Outbox.formPhotos(form).then(function (photos) {
        return Outbox.deliver({
          kind: kind, client_id: clientId, user: field.user, created: made.getTime(), url: form.getAttribute("action"),
          fields: fields, photos: photos, csrf: token ? token.value : "", state: "waiting",
          label: (form.dataset.label || "") + " " + pad(made.getHours()) + ":" + pad(made.getMinutes()),
          text: describe(fields)
        }, field.cookie("csrftoken"));
      }).then(function (result) {
        if (result.state === "sent") { window.location.assign(result.url); return; }
        if (result.state === "refused") {
          var error = document.getElementById("patrol-error");
          error.textContent = result.error;
          show("patrol-error");
          return Outbox.remove(clientId);
        }
        show("patrol-saved");
        form.reset();
        form.querySelector(".client-id").value = "";
        if (kind === "checkin") { document.getElementById("checkin-submit").disabled = true; }  // read again
        if (kind === "finish") {  // the patrol is over on the phone: nothing more to add to it
          ["checkin-card", "checkin-form", "note-form", "case-form", "finish-form"].forEach(function (id) {
            var part = document.getElementById(id);
            if (part) { part.hidden = true; }
          });
        }
        return field.refresh();
      }).catch(function () {}).then(function () {
        delete form.dataset.busy;
        if (kind !== "checkin") { button.disabled = false; }
      });
    });
  }

  function init() {
    readPosition();
    var checkin = document.getElementById("checkin-form"), note = document.getElementById("note-form");
    if (checkin) {
      throughOutbox(checkin, "checkin", function (f) {
        return Number(f.lat).toFixed(5) + ", " + Number(f.lng).toFixed(5) + (f.accuracy ? " ±" + f.accuracy + " " + (document.getElementById("position").dataset.metres || "m") : "");
      });
    }
    if (note) { throughOutbox(note, "note", function (f) { return f.text || ""; }); }
    // The problem report and the finish go the same way, after what was made before them (the outbox sends
    // in the order things were made), so a patrol walked without signal ends whole when the signal returns.
    var problem = document.getElementById("case-form"), finish = document.getElementById("finish-form");
    if (problem) { throughOutbox(problem, "case", function (f) { return f.description || ""; }); }
    if (finish) { throughOutbox(finish, "finish", function () { return ""; }); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
