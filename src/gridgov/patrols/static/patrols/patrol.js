/* The patrol page: read the phone's position and accuracy, show them, fill the check-in form (and the
problem report's point), and only then allow checking in. */
(function () {
  "use strict";

  function init() {
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

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
