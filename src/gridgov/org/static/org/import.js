// Follows an import job: polls its status every second, moves the bar, and reloads the page once the
// job has finished so the server renders the result or the table of problems.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-bar");
  var count = document.getElementById("import-count");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { setTimeout(poll, 3000); return; }
        if (status.state === "done" || status.state === "failed") { window.location.reload(); return; }
        if (status.total > 0) {
          bar.max = status.total;
          bar.value = status.progress;
          count.textContent = status.progress + " / " + status.total;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
