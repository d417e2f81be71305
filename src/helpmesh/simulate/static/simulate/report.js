// Draws the simulation report's chart from the JSON the report carries (simulate/report.py).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("simulation-data").textContent);
  var colours = ["#2563eb", "#dc2626", "#16a34a", "#9333ea"];
  var series = [{ label: "hours" }];
  data.names.forEach(function (name, i) {
    series.push({ label: name, stroke: colours[i % colours.length], width: 2,
                  value: function (u, v) { return v == null ? "-" : (v * 100).toFixed(1) + " %"; } });
  });
  var target = document.getElementById("first-response-chart");
  var opts = {
    title: "Share of tickets answered within x hours (first response)",
    width: Math.min(target.clientWidth || 900, 1100), height: 360,
    scales: { x: { time: false }, y: { range: [0, 1] } },
    axes: [{ label: "hours" }, { label: "answered", values: function (u, ticks) {
      return ticks.map(function (t) { return Math.round(t * 100) + " %"; }); } }],
    series: series,
  };
  var chart = new uPlot(opts, [data.curve.x].concat(data.curve.series), target);
  target.setAttribute("data-drawn", chart ? "yes" : "no");
})();
