// Behaviour shared by every page. Templates carry no inline script or on*= handlers (the
// Content-Security-Policy refuses them): they mark elements with data- attributes handled here.
(function () {
  "use strict";

  // The menu folds into a button on narrow screens; without JavaScript it simply stays open.
  var toggle = document.getElementById("menu-toggle");
  var menu = document.getElementById("menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      menu.classList.toggle("open", !open);
    });
  }

  // <button data-print> prints the page; <input data-select-on-focus> selects its text when focused
  // (a key to copy). Delegated from the document, so content swapped in by htmx works too.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) { event.target.select(); }
  });
})();
