// Draw the printable report's charts with Chart.js (static/vendor, pinned from npm): stacked bars
// per hour, one colour and one legend entry per entrance. No animation, so a print shows them whole.
(function () {
  "use strict";
  const COLOURS = ["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d", "#b7950b"];
  function draw() {
    const data = JSON.parse(document.getElementById("report-charts").textContent);
    const font = { family: '"Noto Sans SC", sans-serif', size: 11 };
    for (const chart of data) {
      const canvas = document.querySelector(`canvas[data-chart="${chart.id}"]`);
      if (!canvas || !window.Chart) continue;
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: chart.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] })),
        },
        options: {
          animation: false, responsive: false, devicePixelRatio: 2,
          plugins: { legend: { position: "bottom", labels: { font } } },
          scales: { x: { stacked: true, ticks: { font } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0, font } } },
        },
      });
    }
    document.body.dataset.chartsReady = "true";
  }
  // Draw once the Noto glyphs are in, so the labels measure with the font they print with.
  (document.fonts ? document.fonts.ready : Promise.resolve()).then(draw, draw);
})();
