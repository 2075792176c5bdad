// Draw an indicator's figures (lines) and goals (marked points) per region, from the page's data.
(function () {
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("chart");
  if (!source || !canvas || !window.Chart) return;
  const chart = JSON.parse(source.textContent);
  const datasets = chart.datasets.map((d) => ({
    label: d.label,
    data: d.data,
    borderColor: d.color,
    backgroundColor: d.color,
    showLine: d.kind === "achievement",
    pointStyle: d.kind === "target" ? "triangle" : "circle",
    pointRadius: d.kind === "target" ? 9 : 4,
    borderDash: [],
    kind: d.kind,
  }));
  // Figures of a district and of a municipality differ a hundredfold: then a log scale shows both.
  const values = chart.datasets.flatMap((d) => d.data.map((p) => p.y)).filter((v) => v > 0);
  const logarithmic = values.length > 1 && Math.max(...values) / Math.min(...values) > 50;
  new window.Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      scales: {
        x: { type: "linear", ticks: { stepSize: 1, callback: (v) => String(v) } },
        y: logarithmic
          ? { type: "logarithmic", title: { display: true, text: `${chart.unit} (${chart.logLabel})` } }
          : { beginAtZero: true, title: { display: true, text: chart.unit } },
      },
      plugins: {
        title: { display: true, text: chart.title },
        // The legend shows each series by its marker: a circle for figures, a triangle for goals.
        legend: { labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${item.raw.label || item.formattedValue} (${item.raw.x})`,
          },
        },
      },
    },
  });
  canvas.dataset.rendered = "true";
})();
