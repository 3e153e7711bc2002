// 我要反映: subcategories follow the chosen main category; the place is a pin on a map of the grids the
// user may see (no tiles), the device's position, or a chosen grid, and optionally a few words.
(function () {
  "use strict";

  function linkCategories() {
    var main = document.getElementById("id_main");
    var sub = document.getElementById("id_category");
    if (!main || !sub) { return; }
    function filter() {
      var label = main.options[main.selectedIndex] ? main.options[main.selectedIndex].text : "";
      Array.prototype.forEach.call(sub.querySelectorAll("optgroup"), function (group) {
        var show = !main.value || group.label === label;
        group.hidden = !show;
        group.disabled = !show;
      });
      var chosen = sub.options[sub.selectedIndex];
      if (chosen && chosen.parentNode.disabled) { sub.value = ""; }
    }
    main.addEventListener("change", filter);
    if (sub.value) {
      var group = sub.options[sub.selectedIndex].parentNode;
      Array.prototype.forEach.call(main.options, function (option) {
        if (option.text === group.label) { main.value = option.value; }
      });
    }
    filter();
  }

  // The category as large labelled tiles (main category, then its subcategories) over the two selects,
  // which stay the form's fields (and what a browser without JavaScript shows).
  function categoryTiles() {
    var main = document.getElementById("id_main");
    var sub = document.getElementById("id_category");
    var box = document.getElementById("category-tiles");
    if (!main || !sub || !box) { return; }
    var mains = box.querySelector(".tiles-main"), subs = box.querySelector(".tiles-sub");
    var chosen = box.querySelector(".tiles-chosen");
    function tile(text, value, onPick) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tile";
      button.textContent = text;
      button.dataset.value = value;
      button.addEventListener("click", onPick);
      return button;
    }
    function showChosen() {
      var option = sub.options[sub.selectedIndex];
      if (!option || !option.value) { chosen.hidden = true; return; }
      chosen.querySelector(".tiles-chosen-text").textContent = option.parentNode.label + " / " + option.text;
      chosen.hidden = false;
      mains.hidden = true;
      subs.hidden = true;
    }
    function showSubs(label) {
      subs.textContent = "";
      var group = Array.prototype.filter.call(sub.querySelectorAll("optgroup"), function (g) { return g.label === label; })[0];
      if (!group) { return; }
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        subs.appendChild(tile(option.text, option.value, function () {
          sub.value = option.value;
          sub.dispatchEvent(new Event("change"));
          showChosen();
        }));
      });
      mains.hidden = true;
      subs.hidden = false;
    }
    Array.prototype.forEach.call(main.options, function (option) {
      if (!option.value) { return; }
      mains.appendChild(tile(option.text, option.value, function () {
        main.value = option.value;
        main.dispatchEvent(new Event("change"));
        showSubs(option.text);
      }));
    });
    chosen.querySelector("button").addEventListener("click", function () {
      chosen.hidden = true;
      subs.hidden = true;
      mains.hidden = false;
    });
    var form = document.getElementById("report-form");
    if (form) {
      form.addEventListener("reset", function () {
        window.setTimeout(function () { chosen.hidden = true; subs.hidden = true; mains.hidden = false; }, 0);
      });
    }
    sub.addEventListener("change", showChosen);  // chosen in the select itself (a screen reader)
    box.hidden = false;
    document.getElementById("category-selects").classList.add("with-tiles");
    showChosen();
  }

  // The report's own id, made once per form (kept when the form comes back with an error): a retry after
  // a lost answer sends the same id, and the server returns the case it already made.
  function fillClientId() {
    var field = document.getElementById("id_client_id");
    if (!field || field.value || !window.GridgovOutbox) { return; }
    field.value = window.GridgovOutbox.newId();
  }

  // The pin is kept in WGS-84 (what phones give and gridgov stores); on GCJ-02 tiles it is shown shifted.
  function setPin(state, lat, lng, accuracy) {
    document.getElementById("id_lat").value = lat.toFixed(6);
    document.getElementById("id_lng").value = lng.toFixed(6);
    var text = lat.toFixed(5) + ", " + lng.toFixed(5);
    if (accuracy) { text += " (±" + Math.round(accuracy) + " m)"; }
    document.getElementById("pin-text").textContent = text;
    if (state.map) {
      var point = state.map.gridgov.display(lat, lng);
      if (state.marker) { state.marker.setLatLng(point); } else {
        state.marker = L.marker(point, {draggable: true}).addTo(state.map);
        state.marker.on("dragend", function () {  // corrected by hand on the map
          var stored = state.map.gridgov.stored(state.marker.getLatLng());
          setPin(state, stored[0], stored[1]);
        });
      }
      if (state.circle) { state.map.removeLayer(state.circle); state.circle = null; }
      if (accuracy) { state.circle = L.circle(point, {radius: accuracy, weight: 1, fillOpacity: 0.1}).addTo(state.map); }
    }
  }

  function drawMap(state, element, collection) {
    var map = GridgovMap.create(element);
    var layer = GridgovMap.outlines(map, collection, "");
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [8, 8]}); } else { map.setView([35, 105], 4); }
    if (!collection.features || !collection.features.length) { element.classList.add("no-grids"); }
    map.on("click", function (event) {
      var stored = map.gridgov.stored(event.latlng);
      setPin(state, stored[0], stored[1]);
    });
    state.map = map;
    element.dataset.ready = "1";
  }

  // The report goes through the phone's outbox: kept first (with its client_id and shrunk photos), then
  // sent. Answered: the case page. No signal (or no answer): it stays, listed as 待发送, and is sent when
  // the phone is online again. Refused (a field is wrong): the form is sent the plain way to show why.
  function sendThroughOutbox(form, state) {
    var Outbox = window.GridgovOutbox, field = window.GridgovField;
    if (!Outbox || !field || !window.indexedDB || !window.Promise) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.busy) { return; }
      form.dataset.busy = "1";
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var input = document.getElementById("id_photos");
      // Every text field is kept as typed (category, description, pin, grid, the place in words, a
      // resident's phone), so a report sent later is the report made.
      var fields = Outbox.formFields(form);
      var category = document.getElementById("id_category");
      var chosen = category && category.options ? category.options[category.selectedIndex] : null;
      var record;
      Outbox.formPhotos(form).then(function (photos) {
        var token = form.querySelector("input[name=csrfmiddlewaretoken]");
        record = {
          kind: "case", client_id: document.getElementById("id_client_id").value, user: field.user,
          created: Date.now(), url: form.getAttribute("action") || window.location.pathname, fields: fields,
          photos: photos, csrf: token ? token.value : "", state: "waiting",
          // what the 待发送 list shows: the category and, when given, the place (村口小卖部旁)
          label: [chosen && chosen.value ? chosen.text : "", fields.place || ""].filter(Boolean).join(" · "),
          text: fields.description || ""
        };
        return Outbox.deliver(record, field.cookie("csrftoken"));
      }).then(function (result) {
        if (result.state === "sent") { window.location.assign(result.url); return; }
        if (result.state === "refused") {
          return Outbox.remove(record.client_id).then(function () {
            if (window.DataTransfer && input && record.photos.length) {
              var shrunk = new DataTransfer();
              record.photos.forEach(function (p) { shrunk.items.add(new File([p.blob], p.name, {type: p.blob.type})); });
              input.files = shrunk.files;
            }
            HTMLFormElement.prototype.submit.call(form);
          });
        }
        document.getElementById("report-saved").hidden = false;
        form.reset();
        document.getElementById("id_client_id").value = "";
        document.getElementById("id_lat").value = "";
        document.getElementById("id_lng").value = "";
        if (state.marker && state.map) { state.map.removeLayer(state.marker); state.marker = null; }
        fillClientId();
        delete form.dataset.busy;
        if (button) { button.disabled = false; }
        window.scrollTo(0, 0);
        return field.refresh();
      }).catch(function () {
        delete form.dataset.busy;
        if (button) { button.disabled = false; }
      });
    });
  }

  function init() {
    linkCategories();
    categoryTiles();
    fillClientId();
    var element = document.getElementById("report-map");
    var state = {map: null, marker: null, circle: null};
    if (element && window.L && window.GridgovMap) {
      var get = function (url) {
        return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {features: []}; })
          .catch(function () { return {features: []}; });
      };
      // small grids, and the village grids' boundaries
      Promise.all([get(element.dataset.geojson), get(element.dataset.villages)]).then(function (both) {
        drawMap(state, element, {type: "FeatureCollection", features: (both[1].features || []).concat(both[0].features || [])});
        var lat = document.getElementById("id_lat");
        if (lat && lat.value) { setPin(state, parseFloat(lat.value), parseFloat(document.getElementById("id_lng").value)); }
      });
    }
    var form = document.getElementById("report-form");
    if (form) { sendThroughOutbox(form, state); }
    var lat = document.getElementById("id_lat");
    if (lat && lat.value) { setPin(state, parseFloat(lat.value), parseFloat(document.getElementById("id_lng").value)); }
    var button = document.getElementById("use-position");
    if (button) {
      if (!navigator.geolocation) { button.hidden = true; }
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var c = position.coords;
          setPin(state, c.latitude, c.longitude, c.accuracy);
          if (state.map) { state.map.setView(state.map.gridgov.display(c.latitude, c.longitude), Math.max(state.map.getZoom(), 16)); }
        }, function () {
          document.getElementById("pin-text").textContent = button.dataset.failed || "";
        }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 30000});
      });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
