// Grid maps with Leaflet and no tile layer: deployments on closed networks have no tile server,
// so grids are drawn as coloured polygons on a plain background.
(function () {
  "use strict";

  var PALETTE = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#a04000",
                 "#2e4053", "#d4ac0d", "#cb4335", "#1f618d", "#196f3d", "#6c3483", "#ca6f1e",
                 "#148f77", "#5d6d7e"];

  function colourOf(key, colours) {
    if (!(key in colours)) {
      colours[key] = PALETTE[Object.keys(colours).length % PALETTE.length];
    }
    return colours[key];
  }

  function draw(element, collection) {
    var map = L.map(element, {zoomSnap: 0.25, attributionControl: false});
    var colours = {};
    var gridUrl = element.dataset.gridUrl;
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        var props = feature.properties;
        var colour = colourOf(props.village, colours);
        return {color: colour, weight: props.current ? 3 : 1.5, fillColor: colour,
                fillOpacity: props.current ? 0.15 : 0.35};
      },
      onEachFeature: function (feature, shape) {
        var props = feature.properties;
        if (!props.current) {
          shape.bindTooltip(props.name, {permanent: true, direction: "center", className: "grid-label"});
          shape.on("click", function () {
            window.location.href = gridUrl.replace("CODE", encodeURIComponent(props.code));
          });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, {padding: [12, 12]});
    } else {
      map.setView([0, 0], 2);
    }
    return colours;
  }

  function legend(collection, colours) {
    var box = document.getElementById("map-legend");
    if (!box) { return; }
    var seen = {};
    collection.features.forEach(function (feature) {
      var props = feature.properties;
      if (seen[props.village]) { return; }
      seen[props.village] = true;
      var item = document.createElement("span");
      item.className = "legend-item";
      var swatch = document.createElement("i");
      swatch.style.background = colours[props.village];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(props.village_name || props.village));
      box.appendChild(item);
    });
  }

  function showMessage(element, text) {
    var note = document.createElement("p");
    note.className = "map-note";
    note.textContent = text;
    element.appendChild(note);
  }

  function init(element) {
    var inline = element.querySelector("script[type='application/json']");
    if (inline) {
      draw(element, JSON.parse(inline.textContent));
      return;
    }
    fetch(element.dataset.source, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (collection) {
        if (!collection.features.length) {
          showMessage(element, element.dataset.emptyText);
          return;
        }
        legend(collection, draw(element, collection));
        element.dataset.loaded = String(collection.features.length);
      })
      .catch(function () { showMessage(element, element.dataset.errorText); });
  }

  document.querySelectorAll("[data-grid-map]").forEach(init);
})();
