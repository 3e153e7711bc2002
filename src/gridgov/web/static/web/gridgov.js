// The menu folds into a button on narrow screens; without JavaScript it simply stays open.
(function () {
  "use strict";
  var toggle = document.getElementById("menu-toggle");
  var menu = document.getElementById("menu");
  if (!toggle || !menu) { return; }
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    menu.classList.toggle("open", !open);
  });
})();
