// The operator page (ADR 0021): polls this node's admin listener and draws what an operator checks
// first. Everything it loads comes from the same listener; the Content-Security-Policy forbids
// anything else, inline code included.
"use strict";

(function () {
  const REFRESH_MS = 5000;
  const charts = {};
  const state = { loaded: false, refreshes: 0, failures: 0 };
  let windowMinutes = 60;

  const palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function fillTable(id, rows, emptyText) {
    const body = document.querySelector("#" + id + " tbody");
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = el("tr");
      const td = el("td", emptyText, "empty");
      td.colSpan = document.querySelectorAll("#" + id + " thead th").length;
      tr.append(td);
      body.append(tr);
      return;
    }
    for (const cells of rows) {
      const tr = el("tr");
      for (const c of cells) tr.append(el("td", c.text, c.cls));
      body.append(tr);
    }
  }

  function chartWidth(container) {
    return Math.max(300, container.clientWidth - 4);
  }

  // One uPlot per chart, rebuilt when its series change (a new currency) and otherwise fed new
  // data in place.
  function draw(name, labels, data) {
    const container = document.getElementById("chart-" + name);
    const key = labels.join("|");
    let chart = charts[name];
    if (!chart || chart.key !== key) {
      if (chart) chart.plot.destroy();
      const series = [{}].concat(
        labels.map((label, i) => ({
          label: label,
          stroke: palette[i % palette.length],
          width: 1.5,
          spanGaps: false,
        }))
      );
      const plot = new uPlot(
        {
          width: chartWidth(container),
          height: 200,
          series: series,
          axes: [{}, { size: 60 }],
          scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
          legend: { live: true },
        },
        data,
        container
      );
      chart = charts[name] = { plot: plot, key: key };
    } else {
      chart.plot.setData(data);
    }
  }

  function drawHistory(h) {
    const t = h.t;
    draw("requests", ["requests/s", "5xx/s"], [t, h.requests_per_second, h.server_errors_per_second]);
    draw("latency", ["p50 ms", "p99 ms"], [t, h.latency_p50_ms, h.latency_p99_ms]);
    draw("orders", ["orders/min"], [t, h.orders_per_minute]);
    const currencies = Object.keys(h.revenue_last_hour).sort();
    if (currencies.length === 0) {
      draw("revenue", ["no revenue yet"], [t, t.map(() => 0)]);
    } else {
      draw("revenue", currencies, [t].concat(currencies.map((c) => h.revenue_last_hour[c])));
    }
  }

  function formatBytes(v) {
    if (v === null || v === undefined) return "unknown";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return v.toFixed(i ? 1 : 0) + " " + units[i];
  }

  function drawNow(now, readiness) {
    const rows = [];
    if (readiness && readiness.checks) {
      for (const [name, c] of Object.entries(readiness.checks)) {
        rows.push([
          { text: name },
          { text: c.status, cls: "state-" + c.status },
          { text: "readiness check, " + c.latency_ms + " ms" },
        ]);
      }
    }
    for (const b of now.breakers) {
      rows.push([
        { text: b.dependency },
        { text: b.state, cls: "state-" + b.state },
        { text: "circuit breaker" },
      ]);
    }
    fillTable("dependencies", rows, "no dependencies reported");

    const gauges = document.getElementById("gauges");
    gauges.replaceChildren();
    const show = (label, value) => {
      gauges.append(el("dt", label));
      gauges.append(el("dd", value));
    };
    const lag = now.brandos_outbox_oldest_unpublished_seconds;
    show("Oldest unpublished event", lag === null ? "not relayed on this node" : lag.toFixed(1) + " s");
    show(
      "Data directory free",
      formatBytes(now.brandos_data_dir_free_bytes) + " of " + formatBytes(now.brandos_data_dir_capacity_bytes)
    );
    show(
      "Cache hit ratio (since start)",
      now.cache_hit_ratio === null ? "no lookups" : (now.cache_hit_ratio * 100).toFixed(1) + " %"
    );
    show("Open connections", now.http_open_connections);
    show("Waiting for a database connection", now.db_pool_waiting);
    show("Slow queries (total)", now.db_slow_queries_total);
    show("Unhandled errors (total)", now.unhandled_errors_total);

    fillTable(
      "tenants",
      now.busiest_tenants.map((t) => [
        { text: t.tenant, cls: "mono" },
        { text: t.requests_per_second.toFixed(2), cls: "num" },
      ]),
      "no authenticated requests in the last window"
    );
  }

  function drawSlowQueries(list) {
    fillTable(
      "slow-queries",
      list.slow_queries.map((q) => [
        { text: q.at },
        { text: q.statements, cls: "mono" },
        { text: q.ms, cls: "num" },
        { text: q.tenant || "–", cls: "mono" },
        { text: q.trace_id || "–", cls: "mono" },
        { text: q.outcome, cls: "state-" + q.outcome },
      ]),
      "no slow queries"
    );
  }

  function drawErrors(list) {
    fillTable(
      "errors",
      list.errors.map((e) => [
        { text: e.last_seen },
        { text: e.where, cls: "mono" },
        { text: e.count, cls: "num" },
        { text: e.sample, cls: "mono" },
        { text: e.first_seen },
      ]),
      "no unhandled errors"
    );
  }

  async function json(path) {
    const r = await fetch(path, { cache: "no-store" });
    // /health/ready answers 503 with its body when the node is down: still worth showing.
    if (!r.ok && r.status !== 503) throw new Error(path + " answered " + r.status);
    return r.json();
  }

  let latest = 0; // the newest refresh started: an older one that answers late is dropped

  async function refresh() {
    const mine = ++latest;
    let history, readiness, slow, errors;
    try {
      [history, readiness, slow, errors] = await Promise.all([
        json("/operator/history?minutes=" + windowMinutes),
        json("/health/ready"),
        json("/operator/slow-queries"),
        json("/errors"),
      ]);
    } catch (e) {
      // The node may be restarting: say so and try again at the next tick. Only fetching is
      // caught here: a fault in drawing is a bug and is left to surface on the console.
      state.failures++;
      const badge = document.getElementById("readiness");
      badge.textContent = "unreachable";
      badge.className = "badge down";
      return;
    }
    if (mine !== latest) return;
    try {
      drawHistory(history);
      drawNow(history.now, readiness);
      drawSlowQueries(slow);
      drawErrors(errors);
    } catch (e) {
      // A bug in the page: say so rather than leave stale figures under a green badge, and let
      // it reach the console.
      const badge = document.getElementById("readiness");
      badge.textContent = "page error";
      badge.className = "badge down";
      throw e;
    }
    const badge = document.getElementById("readiness");
    badge.textContent = readiness.status;
    badge.className = "badge " + (readiness.status === "ok" ? "ready" : readiness.status);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
    state.loaded = true;
    state.refreshes++;
    document.body.dataset.loaded = "true";
  }

  // For tests and for the curious: what each chart holds.
  window.operatorPage = {
    plot: (name) => (charts[name] ? charts[name].plot : null),
    state: () => {
      const out = { loaded: state.loaded, refreshes: state.refreshes, failures: state.failures, charts: {} };
      for (const [name, c] of Object.entries(charts)) {
        const data = c.plot.data;
        let points = 0;
        for (let s = 1; s < data.length; s++)
          for (const v of data[s]) if (v !== null && v !== undefined) points++;
        out.charts[name] = { series: data.length - 1, timestamps: data[0].length, points: points };
      }
      return out;
    },
  };

  document.getElementById("window").addEventListener("change", (e) => {
    windowMinutes = Number(e.target.value);
    refresh();
  });
  window.addEventListener("resize", () => {
    for (const name of Object.keys(charts)) {
      const container = document.getElementById("chart-" + name);
      charts[name].plot.setSize({ width: chartWidth(container), height: 200 });
    }
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
