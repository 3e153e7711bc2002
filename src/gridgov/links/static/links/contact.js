// The contact form records where the contact took place when the device tells it (no prompt is an error).
// A static file, as the Content-Security-Policy refuses inline scripts.
(function () {
  "use strict";
  var lat = document.getElementById("contact-lat"), lng = document.getElementById("contact-lng");
  if (!lat || !lng || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    lat.value = p.coords.latitude;
    lng.value = p.coords.longitude;
  }, function () {}, {timeout: 5000});
})();
