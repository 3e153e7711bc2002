// The board's finance table: more rows on demand and the running sums beside the totals; a village choice
// reloads the page. Without script the fixed blank rows and the server's check do the same (CSP: no inline).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-submit-on-change]") && select.form) {
      select.form.submit();
    }
  });
  var body = document.getElementById("finance-rows");
  if (!body) { return; }
  function amount(input) {
    var value = parseFloat((input.value || "").replace(/[,，\s]/g, ""));
    return isFinite(value) ? Math.round(value * 100) : 0;  // cents: no float drift in the sums
  }
  function yuan(cents) { return (cents / 100).toFixed(2); }
  var running = document.getElementById("running");
  var button = document.getElementById("add-row");
  function sums() {
    var income = 0, expense = 0;
    body.querySelectorAll("input[name^='income_']").forEach(function (i) { income += amount(i); });
    body.querySelectorAll("input[name^='expense_']").forEach(function (i) { expense += amount(i); });
    if (running) {
      running.textContent = (button ? button.getAttribute("data-label-sums") : "") + " " + yuan(income) + " / " + yuan(expense);
    }
  }
  body.addEventListener("input", sums);
  if (button) {
    button.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var n = rows.length + 1;
      copy.querySelectorAll("input").forEach(function (input) {
        input.name = input.name.replace(/_\d+$/, "_" + n);
        input.value = "";
        var label = input.getAttribute("aria-label") || "";
        input.setAttribute("aria-label", label.replace(/\d+$/, String(n)));
      });
      body.appendChild(copy);
      copy.querySelector("input").focus();
    });
  }
  sums();
})();
