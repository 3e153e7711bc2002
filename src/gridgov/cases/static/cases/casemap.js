// The case page's map (issue 11): the reporter's pin and the outline of the case's grid, on the configured
// base map (web/mapbase.js) or on the outline alone.
(function () {
  "use strict";
  function init() {
    var element = document.getElementById("case-map");
    var source = document.getElementById("case-map-data");
    if (!element || !source || !window.L || !window.GridgovMap) { return; }
    var data = JSON.parse(source.textContent);
    var map = GridgovMap.create(element, {scrollWheelZoom: false});
    var layer = GridgovMap.outlines(map, data.grid, data.grid.features.length ? data.grid.features[0].properties.code : "");
    var bounds = layer.getBounds();
    if (data.lat !== null && data.lat !== undefined) {
      var pin = map.gridgov.display(data.lat, data.lng);
      var label = document.createElement("span");
      label.textContent = element.dataset.pinLabel;
      L.marker(pin, {title: element.dataset.pinLabel}).bindTooltip(label).addTo(map);
      bounds = bounds.isValid() ? bounds.extend(pin) : L.latLngBounds([pin, pin]);
    }
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [16, 16], maxZoom: 17}); } else { map.setView([0, 0], 2); }
    element.dataset.ready = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
