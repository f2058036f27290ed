// Draws one bar chart per question from the JSON the results page embeds.
(function () {
  "use strict";
  var data = document.getElementById("survey-charts");
  if (!data || typeof Chart === "undefined") { return; }
  JSON.parse(data.textContent).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) { return; }
    var scale = { beginAtZero: true, ticks: { precision: 0 } };
    if (chart.max) { scale.max = chart.max; scale.ticks = {}; }
    var horizontal = chart.labels.some(function (label) { return label.length > 12; });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.max ? "Average" : "Answers", data: chart.counts, backgroundColor: "#417690" }]
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
