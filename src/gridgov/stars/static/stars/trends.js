// Each village's total across the quarters shown, one line per village.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("trend-chart"), data = document.getElementById("trend-data");
    if (!box || !data || !window.echarts) { return; }
    var chart = JSON.parse(data.textContent);
    var plot = window.echarts.init(box);
    plot.setOption({
      // Drawn by ECharts, not as HTML: HTML tooltips carry style="" attributes, refused by the Content-Security-Policy.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: chart.periods },
      yAxis: { type: "value", min: 0, max: 100 },
      series: chart.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  });
})();
