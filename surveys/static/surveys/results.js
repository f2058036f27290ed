// Draws one bar chart per question from the JSON the results page embeds.
(function () {
  "use strict";
  var data = document.getElementById("survey-charts");
  if (!data || typeof Chart === "undefined") { return; }

  // Long answer labels wrap onto several lines rather than being cut off on a phone.
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  var narrow = window.matchMedia("(max-width: 767px)").matches;
  JSON.parse(data.textContent).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) { return; }
    var scale = { beginAtZero: true, ticks: { precision: 0 } };
    if (chart.max) { scale.max = chart.max; scale.ticks = {}; }
    var horizontal = chart.labels.some(function (label) { return label.length > 12; });
    var labels = horizontal ? chart.labels.map(function (l) { return wrap(l, narrow ? 14 : 28); }) : chart.labels;
    var colours = chart.labels.map(function (_, i) { return chart.alerts && chart.alerts[i] ? "#b02a37" : "#417690"; });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ label: chart.max ? "Average" : "Answers", data: chart.counts, backgroundColor: colours }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: horizontal ? { x: scale } : { y: scale }
      }
    });
    canvas.dataset.rendered = "true";
  });
})();
