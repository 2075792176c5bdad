// Draw an indicator's panels (one per basis) from the page's data: figures as dots (a line where
// they follow one another), goals as triangles at their year, a dashed line from the latest
// figure to each goal, a bar for the years a total covers. Each panel saves as PNG and as the CSV
// of the points it draws.
(function () {
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const chart = JSON.parse(source.textContent);

  // The canvas is transparent; a saved image needs a background.
  const paper = {
    id: "paper",
    beforeDraw(c) {
      const { ctx, width, height } = c;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };

  // Each value written beside its point, where it does not cover another value; the words drawn
  // are kept on the chart (chart.$drawnLabels) for those who read the canvas back.
  const values = {
    id: "values",
    afterDatasetsDraw(c, _args, options) {
      c.$drawnLabels = [];
      if (!options.show) return;
      const { ctx, chartArea } = c;
      const placed = [];
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      c.data.datasets.forEach((dataset, index) => {
        if (dataset.kind !== "figure" && dataset.kind !== "goal") return;
        if (!c.isDatasetVisible(index)) return;
        c.getDatasetMeta(index).data.forEach((element, i) => {
          const point = dataset.data[i];
          if (!point || point.y === null || !point.text) return;
          const width = ctx.measureText(point.text).width;
          const height = 14;
          const offset = dataset.kind === "goal" ? 14 : 10;
          const candidates = [
            [element.x - width / 2, element.y - offset - height / 2],
            [element.x - width / 2, element.y + offset - height / 2],
            [element.x + offset, element.y - height / 2],
            [element.x - offset - width, element.y - height / 2],
          ].map(([x, y]) => [
            Math.min(Math.max(x, chartArea.left + 2), chartArea.right - width - 2),
            Math.min(Math.max(y, chartArea.top), chartArea.bottom - height),
          ]);
          const free = candidates.find(
            ([x, y]) =>
              !placed.some((r) => x < r.x + r.w && r.x < x + width && y < r.y + r.h && r.y < y + height)
          );
          if (!free) return;
          const [x, y] = free;
          placed.push({ x, y, w: width, h: height });
          ctx.fillStyle = "rgba(255,255,255,0.85)";
          ctx.fillRect(x - 2, y, width + 4, height);
          ctx.fillStyle = "#1d2733";
          ctx.fillText(point.text, x, y + height / 2);
          c.$drawnLabels.push(point.text);
        });
      });
      ctx.restore();
    },
  };

  const styles = {
    figure: (d) => ({ showLine: d.line, pointStyle: "circle", pointRadius: 5, borderWidth: 2 }),
    goal: () => ({ showLine: false, pointStyle: "triangle", pointRadius: 9, borderColor: "#ffffff", borderWidth: 1 }),
    path: () => ({ showLine: true, pointRadius: 0, borderDash: [6, 4], borderWidth: 1.5 }),
    span: () => ({ showLine: true, pointRadius: 0, borderWidth: 3 }),
  };

  // The value axis's numbers in its unit's scale (an English page reads billion yuan where the
  // data hold 100 million yuan): each tick multiplied by chart.axisScale, written as the page's
  // language writes numbers.
  const locale = document.documentElement.lang || "en";
  function scaled(value) {
    const shown = Number((value * (chart.axisScale || 1)).toPrecision(12));
    return shown.toLocaleString(locale, { maximumFractionDigits: 6 });
  }
  function scaledLogTick(value, index, ticks) {
    const written = Chart.Ticks.formatters.logarithmic.call(this, value, index, ticks);
    return written === "" ? "" : scaled(value);
  }

  function draw(panel) {
    const canvas = document.getElementById(`chart-${panel.basis}`);
    if (!canvas) return null;
    const datasets = panel.datasets.map((d) => ({
      label: d.label,
      kind: d.kind,
      data: d.data,
      borderColor: d.color,
      backgroundColor: d.color,
      spanGaps: false,
      ...styles[d.kind](d),
      // Goals over figures, figures over lines.
      order: { goal: 0, figure: 1, span: 2, path: 3 }[d.kind],
    }));
    const axis = chart.axis;
    const instance = new window.Chart(canvas, {
      type: "line",
      data: { datasets },
      plugins: [paper, values],
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: { xAxisKey: "x", yAxisKey: "y" },
        layout: { padding: { top: 8, right: 12 } },
        scales: {
          x: {
            type: "linear",
            min: axis.min,
            max: axis.max,
            ticks: {
              stepSize: 1,
              precision: 0,
              maxRotation: 0,
              autoSkipPadding: 8,
              callback: (v) => (Number.isInteger(v) ? String(v) : ""),
            },
            // On a narrow chart every year cannot be written: then the years that have a point,
            // those too close to the one before left out.
            afterBuildTicks: (scale) => {
              const width = scale.chart.width;
              if (width >= 560) return;
              const perYear = (width - 60) / (axis.max - axis.min);
              const gap = Math.ceil(38 / perYear);
              const kept = [];
              axis.years.forEach((value) => {
                if (!kept.length || value - kept[kept.length - 1] >= gap) kept.push(value);
              });
              scale.ticks = kept.map((value) => ({ value }));
            },
          },
          y:
            panel.scale === "logarithmic"
              ? {
                  type: "logarithmic",
                  min: panel.bounds.min,
                  max: panel.bounds.max,
                  title: { display: true, text: `${chart.axisUnit} (${chart.logLabel})` },
                  ticks: { callback: scaledLogTick },
                }
              : {
                  beginAtZero: true,
                  grace: "10%",
                  title: { display: true, text: chart.axisUnit },
                  ticks: { callback: (v) => scaled(v) },
                },
        },
        plugins: {
          // The legend is the list under the chart: it never takes the plot's room.
          legend: { display: false },
          values: { show: panel.labelled },
          tooltip: {
            filter: (item) => item.dataset.kind === "figure" || item.dataset.kind === "goal",
            callbacks: {
              title: (items) => (items.length ? items[0].dataset.label : ""),
              label: (item) => item.raw.tip,
            },
          },
        },
      },
    });
    canvas.dataset.rendered = "true";
    return instance;
  }

  function csv(table) {
    const cell = (v) => {
      const text = v === null || v === undefined ? "" : String(v);
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines = [table.header, ...table.rows].map((row) => row.map(cell).join(","));
    // With a byte-order mark, Excel reads the Chinese as UTF-8.
    return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
  }

  function save(blob, name) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  chart.panels.forEach((panel) => {
    const instance = draw(panel);
    const figure = document.getElementById(`panel-${panel.basis}`);
    if (!instance || !figure) return;
    const downloads = figure.querySelector(".chart-downloads");
    downloads.querySelector("[data-download=png]").addEventListener("click", (event) => {
      event.preventDefault();
      instance.canvas.toBlob((blob) => save(blob, `${panel.file}.png`), "image/png");
    });
    downloads.querySelector("[data-download=csv]").addEventListener("click", (event) => {
      event.preventDefault();
      save(csv(panel.csv), `${panel.file}.csv`);
    });
    downloads.hidden = false;
  });
})();
