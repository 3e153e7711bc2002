// The contact form: where the contact took place when the device tells it (no prompt is an error), and the
// phone's outbox (web/static/web/outbox.js): a contact made without signal is kept on the phone with its
// own id and photo, listed as 待发送, and sent once when the phone is online again.
// A static file, as the Content-Security-Policy refuses inline scripts.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  var lat = document.getElementById("contact-lat"), lng = document.getElementById("contact-lng");

  function readPosition() {
    if (!lat || !lng || !navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      lat.value = p.coords.latitude;
      lng.value = p.coords.longitude;
    }, function () {}, {timeout: 5000});
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A form kept on the phone since an earlier day says that day's date; the phone's today is the default.
  function phoneToday() {
    var input = document.getElementById("contact-date");
    if (!input) { return; }
    var d = new Date(), today = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    if (input.max && today > input.max) { input.max = today; }
    if (input.value === input.dataset.today) { input.value = today; }
  }

  function fillClientId(fresh) {
    var field = document.getElementById("contact-client-id");
    if (field && (fresh || !field.value)) { field.value = window.GridgovOutbox.newId(); }
  }

  function show(id, text) {
    ["contact-error", "contact-saved"].forEach(function (other) { document.getElementById(other).hidden = true; });
    var box = document.getElementById(id);
    if (text !== undefined) { box.textContent = text; }
    box.hidden = false;
    window.scrollTo(0, 0);
  }

  function sendThroughOutbox() {
    var Outbox = window.GridgovOutbox, field = window.GridgovField;
    if (!form || !Outbox || !field || !window.indexedDB || !window.Promise) { return; }
    fillClientId(false);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.busy) { return; }
      form.dataset.busy = "1";
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var fields = Outbox.formFields(form);
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      Outbox.formPhotos(form).then(function (photos) {
        return Outbox.deliver({
          kind: "contact", client_id: document.getElementById("contact-client-id").value, user: field.user,
          created: Date.now(), url: form.getAttribute("action") || window.location.pathname, fields: fields,
          photos: photos, csrf: token ? token.value : "", state: "waiting",
          label: form.dataset.label || "", text: [fields.date || "", fields.note || ""].filter(Boolean).join(" ")
        }, field.cookie("csrftoken"));
      }).then(function (result) {
        if (result.state === "sent") { window.location.assign(result.url); return; }
        if (result.state === "refused") {  // what is wrong, on the form as it was typed; it is not kept
          show("contact-error", result.error);
          return Outbox.remove(document.getElementById("contact-client-id").value);
        }
        show("contact-saved");
        form.reset();
        fillClientId(true);
        phoneToday();
        readPosition();
        return field.refresh();
      }).catch(function () {}).then(function () {
        delete form.dataset.busy;
        button.disabled = false;
      });
    });
  }

  function init() {
    readPosition();
    phoneToday();
    sendThroughOutbox();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
