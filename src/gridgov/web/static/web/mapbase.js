// The base map of field pages (issue 11): a configured tile layer (GRIDGOV_MAP_TILES, its attribution, its
// coordinate system GRIDGOV_MAP_CRS) or, without one (a closed network), every grid's outline with its
// name, coloured by village, and the village grids' boundaries drawn thick — so a person can still see
// where they are. Positions are WGS-84 everywhere in gridgov; on GCJ-02 tiles (高德, 腾讯) they are shifted
// for display and shifted back before they are stored (the same formula as gridgov/web/gcj02.py, after
// googollee/eviltransform; tested there against published reference points).
(function () {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323;
  var PALETTE = ["#9ccc65", "#4fc3f7", "#ffb74d", "#ba68c8", "#f06292", "#4db6ac", "#fff176", "#a1887f"];

  function outOfChina(lat, lng) { return !(lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271); }

  function transform(x, y) {
    var xy = x * y, absX = Math.sqrt(Math.abs(x)), xPi = x * Math.PI, yPi = y * Math.PI;
    var d = 20.0 * Math.sin(6.0 * xPi) + 20.0 * Math.sin(2.0 * xPi);
    var lat = d + 20.0 * Math.sin(yPi) + 40.0 * Math.sin(yPi / 3.0);
    var lng = d + 20.0 * Math.sin(xPi) + 40.0 * Math.sin(xPi / 3.0);
    lat += 160.0 * Math.sin(yPi / 12.0) + 320.0 * Math.sin(yPi / 30.0);
    lng += 150.0 * Math.sin(xPi / 12.0) + 300.0 * Math.sin(xPi / 30.0);
    lat *= 2.0 / 3.0;
    lng *= 2.0 / 3.0;
    lat += -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * absX;
    lng += 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * absX;
    return [lat, lng];
  }

  function wgsToGcj(lat, lng) {
    if (outOfChina(lat, lng)) { return [lat, lng]; }
    var d = transform(lng - 105.0, lat - 35.0), rad = lat / 180.0 * Math.PI;
    var magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sqrtMagic = Math.sqrt(magic);
    var dLat = (d[0] * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    var dLng = (d[1] * 180.0) / (A / sqrtMagic * Math.cos(rad) * Math.PI);
    return [lat + dLat, lng + dLng];
  }

  function gcjToWgs(lat, lng) {
    if (outOfChina(lat, lng)) { return [lat, lng]; }
    var wLat = lat, wLng = lng;
    for (var i = 0; i < 30; i += 1) {
      var g = wgsToGcj(wLat, wLng), eLat = g[0] - lat, eLng = g[1] - lng;
      if (Math.abs(eLat) < 1e-9 && Math.abs(eLng) < 1e-9) { break; }
      wLat -= eLat;
      wLng -= eLng;
    }
    return [wLat, wLng];
  }

  function settings(element) {
    var source = document.querySelector("meta[name='gridgov-map']");
    var data = source ? source.dataset : {};
    return {tiles: data.tiles || "", attribution: data.attribution || "", crs: data.crs || "wgs84"};
  }

  function textLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;  // names are imported data: a text node, never HTML
    return span;
  }

  // A map on `element` in display coordinates; .display(lat, lng) and .stored(latlng) convert.
  function create(element, options) {
    var conf = settings(element);
    var gcj = conf.crs === "gcj02";
    var map = L.map(element, Object.assign({attributionControl: !!conf.tiles, zoomSnap: 0.25}, options || {}));
    if (conf.tiles) {
      L.tileLayer(conf.tiles, {maxZoom: 18, attribution: conf.attribution}).addTo(map);
      if (map.attributionControl) { map.attributionControl.setPrefix(false); }
      element.classList.add("with-tiles");
    } else {
      element.classList.add("no-tiles");
    }
    map.gridgov = {
      tiles: !!conf.tiles,
      display: function (lat, lng) { var p = gcj ? wgsToGcj(lat, lng) : [lat, lng]; return L.latLng(p[0], p[1]); },
      stored: function (latlng) { return gcj ? gcjToWgs(latlng.lat, latlng.lng) : [latlng.lat, latlng.lng]; }
    };
    return map;
  }

  function shifted(map, collection) {
    var display = map.gridgov.display;
    function ring(points) { return points.map(function (p) { var q = display(p[1], p[0]); return [q.lng, q.lat]; }); }
    return {type: "FeatureCollection", features: (collection.features || []).map(function (f) {
      var g = f.geometry, coords = g.type === "Polygon" ? g.coordinates.map(ring)
        : g.type === "MultiPolygon" ? g.coordinates.map(function (poly) { return poly.map(ring); }) : g.coordinates;
      return {type: "Feature", properties: f.properties, geometry: {type: g.type, coordinates: coords}};
    })};
  }

  // Every grid outline with its name (small grids filled by village colour when there are no tiles) and the
  // village grids' boundaries thick and dashed. `highlight`: a grid code drawn in red. Returns the layer.
  function outlines(map, collection, highlight) {
    var colours = {}, tiles = map.gridgov.tiles;
    function colourOf(key) {
      if (!(key in colours)) { colours[key] = PALETTE[Object.keys(colours).length % PALETTE.length]; }
      return colours[key];
    }
    var layer = L.geoJSON(shifted(map, collection), {
      style: function (feature) {
        var p = feature.properties, mine = p.code === highlight;
        if (p.level === 2) { return {color: "#333", weight: 3, dashArray: "6 4", fill: false}; }
        if (p.level === 1) { return {color: "#666", weight: 2, fill: false}; }
        return {color: mine ? "#b3261e" : "#444", weight: mine ? 3 : 1, fillColor: colourOf(p.village),
                fillOpacity: tiles ? (mine ? 0.15 : 0.05) : (mine ? 0.45 : 0.3)};
      },
      onEachFeature: function (feature, shape) {
        if (feature.properties.level === 3) {
          shape.bindTooltip(textLabel(feature.properties.name), {permanent: true, direction: "center", className: "grid-label"});
        }
      }
    }).addTo(map);
    var villages = {};
    layer.eachLayer(function (shape) {
      var p = shape.feature.properties;
      if (p.level !== 3 || !p.village_name) { return; }
      var v = villages[p.village] || (villages[p.village] = {name: p.village_name, bounds: null});
      v.bounds = v.bounds ? v.bounds.extend(shape.getBounds()) : L.latLngBounds(shape.getBounds());
    });
    Object.keys(villages).forEach(function (code) {
      var v = villages[code];
      // a tooltip, not a marker: the only marker on a field map is the problem's pin
      map.openTooltip(L.tooltip({permanent: true, direction: "right", className: "field-village-label", interactive: false})
        .setContent(textLabel(v.name)), v.bounds.getNorthWest());
    });
    return layer;
  }

  window.GridgovMap = {create: create, outlines: outlines, wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs, settings: settings};
}());
