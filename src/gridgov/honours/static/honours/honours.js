/* The score sheet: add up the criteria as the grid worker types, so the total is seen before saving. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("inspect-form");
    var total = document.getElementById("score-total");
    if (!form || !total) { return; }
    var inputs = form.querySelectorAll("input.score");
    function sum() {
      var n = 0;
      for (var i = 0; i < inputs.length; i++) { n += parseInt(inputs[i].value, 10) || 0; }
      total.textContent = String(n);
    }
    for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener("input", sum); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
