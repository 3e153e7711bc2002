// Grid maps with Leaflet and no tile layer: deployments on closed networks have no tile server,
// so grids are drawn as coloured polygons on a plain background.
(function () {
  "use strict";

  // Twenty colours told apart easily, so neighbouring villages do not blur into one.
  var PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
                 "#469990", "#9a6324", "#800000", "#808000", "#000075", "#ffe119", "#dcbeff", "#aaffc3",
                 "#fabed4", "#ffd8b1", "#a9a9a9", "#fffac8"];
  // A grid's name is shown once the grid is this wide on screen; below it, village names only.
  var LABEL_MIN_WIDTH = 90;

  // Names come from imported data: they reach Leaflet as text nodes, never as HTML strings
  // (a string passed to bindTooltip/bindPopup/divIcon is set as innerHTML).
  function textLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

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
        return {color: props.current ? "#b3261e" : "#444", weight: props.current ? 3 : 1, fillColor: colour,
                fillOpacity: props.current ? 0.15 : 0.55};
      },
      onEachFeature: function (feature, shape) {
        var props = feature.properties;
        if (!props.current) {
          shape.bindTooltip(textLabel(props.name), {permanent: true, direction: "center", className: "grid-label"});
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
    villageLabels(map, layer);
    map.on("zoomend", function () { fitLabels(map, layer, element); });
    fitLabels(map, layer, element);
    return colours;
  }

  function villageLabels(map, layer) {
    var villages = {};
    layer.eachLayer(function (shape) {
      var props = shape.feature.properties;
      if (props.current || !props.village_name) { return; }
      var entry = villages[props.village] || (villages[props.village] = {name: props.village_name, bounds: null});
      entry.bounds = entry.bounds ? entry.bounds.extend(shape.getBounds()) : L.latLngBounds(shape.getBounds());
    });
    var codes = Object.keys(villages);
    if (codes.length < 2) { return; }
    codes.forEach(function (code) {
      L.marker(villages[code].bounds.getCenter(), {
        icon: L.divIcon({className: "village-label", html: textLabel(villages[code].name), iconSize: null}),
        interactive: false,
        keyboard: false
      }).addTo(map);
    });
  }

  function fitLabels(map, layer, element) {
    var widths = [];
    layer.eachLayer(function (shape) {
      var b = shape.getBounds();
      widths.push(map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x);
    });
    widths.sort(function (a, b) { return a - b; });
    var typical = widths.length ? widths[Math.floor(widths.length / 2)] : 0;
    element.classList.toggle("grid-labels-hidden", typical < LABEL_MIN_WIDTH);
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
