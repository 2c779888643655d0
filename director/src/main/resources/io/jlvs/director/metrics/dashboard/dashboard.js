"use strict";
// The jlvs dashboard: polls jlvsd's /status every 2 s (its rate period) and draws every
// service and its real servers. The first poll asks for the rates' history (?history=1) so
// the charts show the last five minutes at once; later polls append the newest period.
(function () {
  const POLL_MS = 2000;
  const HISTORY = 150;
  const main = document.getElementById("services");
  const summary = document.getElementById("summary");
  const live = document.getElementById("live");
  /** Per real server ("service|server"): its chart and the series it draws. */
  const charts = new Map();
  let lastUpdates = -1;
  let needHistory = true;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** 1234567 → "1.23 M"; small numbers as they are (fractions, as on a chart's axis, to one decimal). */
  function count(n) {
    if (n < 1000) return Number.isInteger(n) ? String(n) : n.toFixed(1);
    const units = ["k", "M", "G", "T"];
    let u = -1;
    while (n >= 1000 && u < units.length - 1) { n /= 1000; u++; }
    return (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + " " + units[u];
  }

  function bytes(n) {
    return count(n) + (n < 1000 ? " B/s" : "B/s");
  }

  function cell(row, className, label) {
    const td = el("td", className);
    td.dataset.label = label;
    row.appendChild(td);
    return td;
  }

  function serviceSection(service) {
    let section = main.querySelector('section[data-service="' + CSS.escape(service.service) + '"]');
    if (!section) {
      section = el("section", "service");
      section.dataset.service = service.service;
      const head = el("div", "service-head");
      head.appendChild(el("h2", "name", service.service));
      head.appendChild(el("p", "totals"));
      section.appendChild(head);
      const table = el("table", "servers");
      const header = el("tr");
      for (const h of ["real server", "method", "weight", "health", "active", "inactive", "conn/s",
          "pkt/s in / out", "bytes/s in / out", "pkt/s, last 5 min"]) {
        header.appendChild(el("th", null, h));
      }
      const thead = el("thead");
      thead.appendChild(header);
      table.appendChild(thead);
      table.appendChild(el("tbody"));
      section.appendChild(table);
      main.appendChild(section);
    }
    return section;
  }

  function serverRow(tbody, server) {
    let row = tbody.querySelector('tr[data-server="' + CSS.escape(server.server) + '"]');
    if (!row) {
      row = el("tr", "server");
      row.dataset.server = server.server;
      cell(row, "address", "real server").textContent = server.server;
      for (const [c, l] of [["method", "method"], ["weight", "weight"], ["health", "health"],
          ["active", "active"], ["inactive", "inactive"], ["cps", "conn/s"]]) {
        cell(row, c, l);
      }
      for (const [c, l] of [["pps", "pkt/s in / out"], ["bps", "bytes/s in / out"]]) {
        const pair = el("span", "pair");
        pair.appendChild(el("span", "in-" + c));
        pair.appendChild(document.createTextNode(" / "));
        pair.appendChild(el("span", "out-" + c));
        cell(row, c, l).appendChild(pair);
      }
      cell(row, "chart", "pkt/s, last 5 min");
      tbody.appendChild(row);
    }
    return row;
  }

  function health(td, server) {
    td.replaceChildren();
    const h = server.health;
    let state;
    let detail;
    if (h === null) {
      state = server.scheduled ? "unchecked" : "out";
      detail = server.scheduled ? "no health check" : "not scheduled";
    } else {
      state = h.up ? "up" : "down";
      detail = h.type + " check, last " + (h.lastCheck === "failed" ? "failed: " + h.lastFailure : h.lastCheck);
    }
    td.dataset.state = state;
    td.appendChild(el("span", "badge " + state, state));
    td.appendChild(el("span", "detail", detail));
    if (h !== null) {
      td.appendChild(el("span", "detail", h.checks + " checks, " + h.failures + " failed"
        + (server.scheduled ? "" : "; not scheduled")));
    }
  }

  function weight(td, server) {
    const configured = server.configuredWeight;
    td.replaceChildren(String(server.weight));
    if (configured !== undefined && configured !== server.weight) {
      td.appendChild(el("span", "detail", "configured " + configured));
    }
    td.dataset.weight = server.weight;
  }

  /** A chart as wide as its cell allows on a phone (the cell is the card's width), else 190 px. */
  function chartWidth(td) {
    return window.matchMedia("(max-width: 760px)").matches ? Math.max(160, Math.min(340, td.clientWidth - 24)) : 190;
  }

  function chartFor(key, td) {
    let c = charts.get(key);
    if (c && c.td === td) return c;
    const width = chartWidth(td);
    const data = c ? c.data : [[], [], []];
    if (c) c.plot.destroy();
    const plot = new uPlot({
      width: width,
      height: 70,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ show: false },
        { size: 44, font: "10px system-ui, sans-serif", ticks: { show: false },
          values: (u, splits) => splits.map(count), grid: { stroke: "#e4e7eb", width: 1 } }],
      series: [{}, { label: "in", stroke: "#1f8a5b", width: 1.5, fill: "rgba(31,138,91,0.10)", points: { show: false } },
        { label: "out", stroke: "#3b6fd6", width: 1.5, points: { show: false } }],
    }, data, td);
    c = { td: td, plot: plot, data: data };
    charts.set(key, c);
    return c;
  }

  function record(c, series, times) {
    for (let i = 0; i < times.length; i++) {
      c.data[0].push(times[i]);
      c.data[1].push(series.inPps[i]);
      c.data[2].push(series.outPps[i]);
    }
    const excess = c.data[0].length - HISTORY;
    if (excess > 0) for (const d of c.data) d.splice(0, excess);
    c.plot.setData(c.data);
  }

  function render(status, withHistory) {
    const rates = status.rates;
    const fresh = rates.updates !== lastUpdates;
    const keep = new Set();
    let servers = 0;
    for (const service of status.services) {
      const section = serviceSection(service);
      section.querySelector(".name").textContent = service.service + "  ·  " + service.scheduler;
      section.querySelector(".totals").textContent = service.activeConns + " active, "
        + service.inactConns + " inactive · " + count(service.rates.cps) + " conn/s · "
        + count(service.rates.inPps) + " pkt/s in, " + count(service.rates.outPps) + " out · "
        + bytes(service.rates.inBps) + " in, " + bytes(service.rates.outBps) + " out";
      const tbody = section.querySelector("tbody");
      const present = new Set();
      for (const server of service.servers) {
        servers++;
        present.add(server.server);
        const key = service.service + "|" + server.server;
        keep.add(key);
        const row = serverRow(tbody, server);
        row.querySelector(".method").textContent = server.method;
        weight(row.querySelector(".weight"), server);
        health(row.querySelector(".health"), server);
        row.querySelector(".active").textContent = server.activeConns;
        row.querySelector(".inactive").textContent = server.inactConns;
        row.querySelector(".cps").textContent = count(server.rates.cps);
        row.querySelector(".in-pps").textContent = count(server.rates.inPps);
        row.querySelector(".out-pps").textContent = count(server.rates.outPps);
        row.querySelector(".in-bps").textContent = bytes(server.rates.inBps);
        row.querySelector(".out-bps").textContent = bytes(server.rates.outBps);
        const known = charts.has(key) && charts.get(key).td === row.querySelector(".chart");
        const c = chartFor(key, row.querySelector(".chart"));
        if (withHistory && server.rates.history) {
          const h = server.rates.history;
          const n = h.inPps.length;
          const times = h.inPps.map((_, i) => (rates.updatedAtMs - (n - 1 - i) * rates.periodMs) / 1000);
          c.data = [[], [], []];
          record(c, h, times);
        } else if (fresh || !known) {
          record(c, { inPps: [server.rates.inPps], outPps: [server.rates.outPps] }, [rates.updatedAtMs / 1000]);
        }
      }
      for (const row of [...tbody.children]) {
        if (!present.has(row.dataset.server)) row.remove();
      }
    }
    const services = new Set(status.services.map(s => s.service));
    for (const section of [...main.children]) {
      if (!services.has(section.dataset.service)) section.remove();
    }
    for (const key of [...charts.keys()]) {
      if (!keep.has(key)) {
        charts.get(key).plot.destroy();
        charts.delete(key);
      }
    }
    lastUpdates = rates.updates;
    let text = status.services.length + (status.services.length === 1 ? " service" : " services") + " · "
      + servers + (servers === 1 ? " real server" : " real servers") + " · "
      + status.workers.length + (status.workers.length === 1 ? " worker" : " workers");
    let lost = 0;
    let dropped = 0;
    for (const worker of status.workers) {
      dropped += worker.verdicts.dropped || 0;
      for (const io of worker.io) {
        for (const n of Object.values(io.drops)) lost += n;
      }
    }
    text += " · " + count(lost) + " frames lost in the rings, " + count(dropped) + " dropped (reasons in /metrics)";
    if (status.connectionTable) {
      const t = status.connectionTable;
      text += " · connection table " + count(t.entries) + " of " + count(t.capacity)
        + (t.defense.underPressure ? " (under pressure)" : "");
    }
    summary.textContent = text;
    if (status.services.length === 0) {
      main.replaceChildren(el("p", "empty", "No virtual service is configured."));
    } else {
      const empty = main.querySelector(".empty");
      if (empty) empty.remove();
    }
  }

  function setLive(ok, error) {
    live.classList.toggle("stale", !ok);
    live.textContent = ok ? "live, updated " + new Date().toLocaleTimeString()
      : "jlvsd does not answer (" + error.message + "); retrying";
  }

  async function poll() {
    try {
      const response = await fetch(needHistory ? "/status?history=1" : "/status", { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const status = await response.json();
      render(status, needHistory);
      needHistory = false;
      setLive(true);
    } catch (e) {
      needHistory = true;
      setLive(false, e);
    }
    setTimeout(poll, POLL_MS);
  }

  window.addEventListener("resize", () => {
    for (const c of charts.values()) {
      c.plot.setSize({ width: chartWidth(c.td), height: 70 });
    }
  });
  poll();
})();
