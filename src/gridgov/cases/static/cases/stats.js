// Charts of the statistics page (Apache ECharts, served from node_modules; no external requests).
(function () {
  "use strict";

  var RED = "#b3261e", BLUE = "#1f5fa8", GREEN = "#1e7d32", AMBER = "#e0a800";
  // Tooltips drawn by ECharts itself, not as HTML: its HTML tooltips carry style="" attributes, which the
  // Content-Security-Policy refuses, and village names stay text.
  var TEXT = "richText";

  function init() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];

    var levels = document.getElementById("chart-levels");
    if (levels) {
      var levelChart = echarts.init(levels, null, {renderer: "svg"});
      levelChart.setOption({
        animation: false,
        color: [GREEN, BLUE, AMBER, RED],
        tooltip: {trigger: "item", renderMode: TEXT},
        grid: {left: 40, right: 12, top: 16, bottom: 28},
        xAxis: {type: "category", data: data.levels.map(function (l) { return l.name; })},
        yAxis: {type: "value", minInterval: 1},
        series: [{type: "bar", name: data.labels.closed, colorBy: "data", data: data.levels.map(function (l) { return l.value; }),
                  label: {show: true, position: "top"}}]
      });
      charts.push(levelChart);
    }

    var ranking = document.getElementById("chart-ranking");
    if (ranking) {
      var rankChart = echarts.init(ranking, null, {renderer: "svg"});
      var names = data.ranking.map(function (r) { return r.name; });
      rankChart.setOption({
        animation: false,
        color: [RED, BLUE],
        tooltip: {trigger: "axis", renderMode: TEXT, valueFormatter: function (v) { return v + "%"; }},
        legend: {top: 0},
        grid: {left: 8, right: 24, top: 32, bottom: 8, containLabel: true},
        xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        yAxis: {type: "category", data: names, inverse: true},
        series: [
          {type: "bar", name: data.labels.completion, data: data.ranking.map(function (r) { return r.completion; })},
          {type: "bar", name: data.labels.on_time, data: data.ranking.map(function (r) { return r.on_time; })}
        ]
      });
      charts.push(rankChart);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.getElementById("figures").dataset.charts = String(charts.length);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
