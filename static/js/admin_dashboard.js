// Draws each program card's charts from the JSON the admin home embeds:
// active pairs by health (bars) and contact hours per month (bars).
(function () {
  "use strict";
  var data = document.getElementById("dashboard-charts");
  if (!data || typeof Chart === "undefined") { return; }
  var style = getComputedStyle(document.documentElement);
  var ink = style.getPropertyValue("--body-fg").trim() || "#333";
  var primary = style.getPropertyValue("--primary").trim() || "#417690";
  Chart.defaults.color = ink;
  Chart.defaults.animation = false;
  JSON.parse(data.textContent).forEach(function (card) {
    var health = document.getElementById("chart-health-" + card.program);
    if (health) {
      new Chart(health, {
        type: "bar",
        data: { labels: card.health.labels, datasets: [{ label: "Pairs", data: card.health.values, backgroundColor: card.health.colours }] },
        options: {
          indexAxis: "y", responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
      health.dataset.rendered = "true";
    }
    var hours = document.getElementById("chart-hours-" + card.program);
    if (hours) {
      new Chart(hours, {
        type: "bar",
        data: { labels: card.hours.labels, datasets: [{ label: "Hours of held meetings", data: card.hours.values, backgroundColor: primary }] },
        options: {
          responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, title: { display: true, text: "hours" } } }
        }
      });
      hours.dataset.rendered = "true";
    }
  });
})();
