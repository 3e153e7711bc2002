// 我要反映: subcategories follow the chosen main category; the place is a pin on a map of the grids the
// user may see (no tiles), the device's position, or a chosen grid.
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

  // The report's own id, made once per form (kept when the form comes back with an error): a retry after
  // a lost answer sends the same id, and the server returns the case it already made.
  function fillClientId() {
    var field = document.getElementById("id_client_id");
    if (!field || field.value) { return; }
    if (window.crypto && crypto.randomUUID) { field.value = crypto.randomUUID(); return; }
    var b = crypto.getRandomValues(new Uint8Array(16)), hex = "";
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (var i = 0; i < 16; i += 1) { hex += (b[i] + 0x100).toString(16).slice(1); }
    field.value = hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function setPin(state, lat, lng) {
    document.getElementById("id_lat").value = lat.toFixed(6);
    document.getElementById("id_lng").value = lng.toFixed(6);
    document.getElementById("pin-text").textContent = lat.toFixed(5) + ", " + lng.toFixed(5);
    if (state.map) {
      var point = L.latLng(lat, lng);
      if (state.marker) { state.marker.setLatLng(point); } else { state.marker = L.marker(point).addTo(state.map); }
    }
  }

  function drawMap(state, element, collection) {
    if (!collection.features || !collection.features.length) {
      element.classList.add("no-grids");
      return;
    }
    var map = L.map(element, {attributionControl: false, zoomSnap: 0.25});
    var layer = L.geoJSON(collection, {
      style: function () { return {color: "#444", weight: 1, fillColor: "#9ccc65", fillOpacity: 0.35}; },
      onEachFeature: function (feature, shape) {
        // A text node, not a string: Leaflet sets a string tooltip as innerHTML, and names are imported data.
        var label = document.createElement("span");
        label.textContent = feature.properties.name;
        shape.bindTooltip(label, {permanent: true, direction: "center", className: "grid-label"});
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), {padding: [8, 8]});
    map.on("click", function (event) { setPin(state, event.latlng.lat, event.latlng.lng); });
    state.map = map;
    element.dataset.ready = "1";
  }

  function init() {
    linkCategories();
    fillClientId();
    var element = document.getElementById("report-map");
    var state = {map: null, marker: null};
    if (element && window.L) {
      fetch(element.dataset.geojson, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {features: []}; })
        .then(function (collection) { drawMap(state, element, collection); })
        .catch(function () { element.classList.add("no-grids"); });
    }
    var lat = document.getElementById("id_lat");
    if (lat && lat.value) { setPin(state, parseFloat(lat.value), parseFloat(document.getElementById("id_lng").value)); }
    var button = document.getElementById("use-position");
    if (button) {
      if (!navigator.geolocation) { button.hidden = true; }
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          setPin(state, position.coords.latitude, position.coords.longitude);
          if (state.map) { state.map.setView([position.coords.latitude, position.coords.longitude]); }
        });
      });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
