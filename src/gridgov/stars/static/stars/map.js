// The star map: each village's outline coloured by the stars it earned in the quarter.
(function () {
  "use strict";
  var COLOURS = ["#d9d9d9", "#fde0c5", "#facba6", "#f59e72", "#e8603c", "#b3001b"];
  function init() {
    var box = document.getElementById("star-map");
    if (!box || !window.L) { return; }
    var map = L.map(box, { attributionControl: false });
    fetch(box.dataset.source, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      if (!data.features.length) { box.textContent = box.dataset.emptyText; return; }
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#555", weight: 1, fillOpacity: 0.75, fillColor: COLOURS[Math.min(f.properties.stars, 5)] };
        },
        onEachFeature: function (f, l) {
          var p = f.properties, a = document.createElement("a");
          a.href = p.url;
          a.textContent = p.name + " · " + p.stars + " " + box.dataset.starsLabel + " · " + p.total + " " + box.dataset.totalLabel + (p.level ? " · " + p.level : "");
          l.bindPopup(a);
          // Text nodes, not strings: Leaflet sets a string as innerHTML, and village names are imported data.
          l.bindTooltip(document.createTextNode(p.name + " " + "★".repeat(p.stars)));
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
