// The dashboard page: reads /dashboard/api/report with the filters in the
// address bar and draws it. Every figure comes from the server's report
// (the code behind GetUsageReport); this file only formats and draws. Text
// from the ledger (endpoint names, request ids) goes in through textContent,
// never as HTML.
"use strict";

const TIERS = ["nano", "mid", "frontier"];
const COLOURS = { nano: "#2a9d8f", mid: "#e9b949", frontier: "#e76f51", allMid: "#264653", allFrontier: "#9b2226", bound: "#6c757d", errors: "#c1121f", fallbacks: "#457b9d" };
const charts = {};
/** The endpoint select's value for requests without an endpoint (a NUL no endpoint name holds in practice). */
const NO_ENDPOINT = "\u0000none";

// ------------------------------------------------------------ formatting

/** pico-USD (a decimal string) as dollars to the micro-dollar, truncated: the same text as `tierd report`. */
function usd(pico) {
  let p = BigInt(pico);
  const negative = p < 0n;
  if (negative) p = -p;
  const micro = p / 1000000n;
  const whole = (micro / 1000000n).toLocaleString("en-US");
  const frac = (micro % 1000000n).toString().padStart(6, "0");
  return `${negative ? "-" : ""}$${whole}.${frac}`;
}
/** pico-USD as a float of dollars, for chart axes only. */
const dollars = (pico) => Number(BigInt(pico)) / 1e12;
const share = (x) => `${(x * 100).toFixed(1)}%`;
const ms = (x) => (x === null || x === undefined ? "-" : `${Math.round(x)} ms`);
const count = (n) => n.toLocaleString("en-US");
const endpointName = (e) => (e === "" ? "(none)" : e);

function bucketLabel(startMs, bucketMs) {
  const iso = new Date(startMs).toISOString();
  return bucketMs < 86400000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

// ------------------------------------------------------------ DOM helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === "class") node.className = v;
    // CSSOM, not a style attribute: the page's Content-Security-Policy allows no inline styles.
    else if (k === "style") Object.assign(node.style, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fillTable(id, header, rows) {
  const table = document.getElementById(id);
  table.replaceChildren(el("thead", {}, el("tr", {}, ...header.map((h) => el("th", {}, h)))), el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))));
  if (rows.length === 0) table.tBodies[0].append(el("tr", {}, el("td", { colspan: String(header.length), class: "empty" }, "nothing in this window")));
}

function setTile(name, value, sub, raw) {
  const tile = document.querySelector(`[data-figure="${name}"]`);
  tile.querySelector(".value").textContent = value;
  tile.querySelector(".sub").textContent = sub;
  tile.dataset.raw = raw;
}

// ------------------------------------------------------------ filters

function currentParams() {
  return new URLSearchParams(location.search);
}

function apiUrl(path, extra) {
  const params = currentParams();
  for (const [k, v] of Object.entries(extra ?? {})) params.set(k, v);
  return `/dashboard/api/${path}?${params}`;
}

function toInput(ms) {
  return new Date(ms).toISOString().slice(0, 16);
}

function syncForm(report, windowName, filterValues) {
  const form = document.getElementById("filters");
  const params = currentParams();
  form.window.value = windowName;
  form.since.value = toInput(report.sinceMs);
  form.until.value = toInput(report.untilMs);
  document.body.classList.toggle("custom-window", windowName === "custom");
  const fill = (select, values, selected, none) => {
    select.replaceChildren(el("option", { value: "" }, "all"), ...values.map((v) => el("option", { value: v === "" ? none : v }, v === "" ? "(none)" : v)));
    select.value = selected;
  };
  fill(form.endpoint, filterValues.endpoints, params.has("endpoint_none") ? NO_ENDPOINT : params.get("endpoint") ?? "", NO_ENDPOINT);
  fill(form.caller, filterValues.callers, params.get("caller") ?? "", "");
}

function onFilters(event) {
  event.preventDefault();
  const form = event.target;
  const params = new URLSearchParams();
  params.set("window", form.window.value);
  if (form.window.value === "custom") {
    params.set("since", form.since.value);
    params.set("until", form.until.value);
  }
  if (form.endpoint.value === NO_ENDPOINT) params.set("endpoint_none", "1");
  else if (form.endpoint.value !== "") params.set("endpoint", form.endpoint.value);
  if (form.caller.value !== "") params.set("caller", form.caller.value);
  history.pushState(null, "", `?${params}${location.hash}`);
  load();
}

// ------------------------------------------------------------ charts

function drawChart(id, config) {
  charts[id]?.destroy();
  const base = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } };
  charts[id] = new Chart(document.getElementById(id), { ...config, options: { ...base, ...config.options } });
}

function drawCharts(r) {
  const labels = r.series.map((b) => bucketLabel(b.startMs, r.bucketMs));
  const tierSeries = (value) => TIERS.map((tier, i) => ({ label: tier, data: r.series.map((b) => value(b, b.tiers[i])), backgroundColor: COLOURS[tier], borderColor: COLOURS[tier], stack: "tiers" }));
  const line = (label, data, colour, stack, dashed) => ({ type: "line", label, data, borderColor: colour, backgroundColor: colour, stack, borderDash: dashed ? [6, 4] : [], pointRadius: 2, fill: false });
  const money = { ticks: { callback: (v) => `$${Number(v).toLocaleString("en-US", { maximumFractionDigits: 4 })}` } };
  const percent = { min: 0, ticks: { callback: (v) => `${v}%` } };

  drawChart("chart-spend", {
    type: "bar",
    data: {
      labels,
      datasets: [
        ...tierSeries((_, t) => dollars(t.costPicoUsd)),
        line("all mid", r.series.map((b) => dollars(b.allMidPicoUsd)), COLOURS.allMid, "all-mid", true),
        line("all frontier", r.series.map((b) => dollars(b.allFrontierPicoUsd)), COLOURS.allFrontier, "all-frontier", true),
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ...money } } },
  });
  drawChart("chart-share", {
    type: "bar",
    data: { labels, datasets: tierSeries((b, t) => (b.requests === 0 ? 0 : (100 * t.requests) / b.requests)) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ...percent, max: 100 } } },
  });
  drawChart("chart-frontier", {
    type: "line",
    data: {
      labels,
      datasets: [
        line("frontier share", r.series.map((b) => (b.requests === 0 ? 0 : (100 * b.tiers[2].requests) / b.requests)), COLOURS.frontier, "a", false),
        line("bound", r.series.map(() => 100 * r.maxFrontierShare), COLOURS.bound, "b", true),
      ],
    },
    options: { scales: { y: percent } },
  });
  drawChart("chart-errors", {
    type: "line",
    data: {
      labels,
      datasets: [
        line("error rate", r.series.map((b) => (b.requests === 0 ? 0 : (100 * b.errors) / b.requests)), COLOURS.errors, "a", false),
        line("fallback rate", r.series.map((b) => (b.requests === 0 ? 0 : (100 * b.fallbacks) / b.requests)), COLOURS.fallbacks, "b", false),
      ],
    },
    options: { scales: { y: percent } },
  });
  drawChart("chart-latency", {
    type: "bar",
    data: {
      labels: TIERS,
      datasets: [
        { label: "p50", data: r.tiers.map((t) => t.latencyP50Ms ?? 0), backgroundColor: TIERS.map((t) => COLOURS[t]) },
        { label: "p95", data: r.tiers.map((t) => t.latencyP95Ms ?? 0), backgroundColor: TIERS.map((t) => `${COLOURS[t]}88`) },
      ],
    },
    options: { scales: { y: { ticks: { callback: (v) => `${v} ms` } } } },
  });
  drawChart("chart-shadow", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "served", data: r.series.map((b) => dollars(b.shadowActualPicoUsd)), backgroundColor: COLOURS.mid },
        { label: "on the tiers the router would have chosen", data: r.series.map((b) => dollars(b.shadowWouldCostPicoUsd)), backgroundColor: COLOURS.nano },
      ],
    },
    options: { scales: { y: money } },
  });
  drawChart("chart-misroutes", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "too low (needed a bigger tier)", data: r.series.map((b) => b.misroutesTooLow), backgroundColor: COLOURS.errors, stack: "m" },
        { label: "too high (a smaller tier would do)", data: r.series.map((b) => b.misroutesTooHigh), backgroundColor: COLOURS.fallbacks, stack: "m" },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } },
  });
}

// ------------------------------------------------------------ panels

function drawTiles(r) {
  const s = r.savings;
  const t = r.totals;
  setTile("spend", usd(s.actualPicoUsd), `of which the LLM classifier ${usd(s.classifierPicoUsd)}`, s.actualPicoUsd);
  setTile("saved-frontier", usd(s.vsFrontierPicoUsd), `${share(s.vsFrontierRatio)} of ${usd(s.allFrontierPicoUsd)}`, s.vsFrontierPicoUsd);
  setTile("saved-mid", usd(s.vsMidPicoUsd), `${share(s.vsMidRatio)} of ${usd(s.allMidPicoUsd)}`, s.vsMidPicoUsd);
  setTile("requests", count(t.requests), `errors ${share(t.errorRate)}, fallbacks ${count(t.fallbacks)}, cache hits ${count(t.cacheHits)}`, String(t.requests));
  const frontier = r.tiers[2].requestShare;
  setTile("frontier-share", share(frontier), `bound ${share(r.maxFrontierShare)}`, String(frontier));
  document.querySelector('[data-figure="frontier-share"]').classList.toggle("over", frontier > r.maxFrontierShare);
  setTile("shadow-requests", count(r.shadow?.requests ?? 0), r.shadow === undefined ? "no shadow-mode records in this window" : r.shadow.distribution.map((d) => `${d.tier} ${share(d.share)}`).join(", "), String(r.shadow?.requests ?? 0));
  setTile("shadow-savings", usd(r.shadow?.savingsPicoUsd ?? "0"), r.shadow === undefined ? "" : `served ${usd(r.shadow.actualPicoUsd)}, would cost ${usd(r.shadow.wouldCostPicoUsd)}`, r.shadow?.savingsPicoUsd ?? "0");
}

function tierMix(tiers) {
  return el("span", { class: "mix", title: tiers.map((t) => `${t.tier} ${share(t.share)}`).join(", ") }, ...tiers.map((t) => el("span", { class: `mix-${t.tier}`, style: { width: `${(t.share * 100).toFixed(1)}%` } })));
}

function verdictText(b) {
  if (b === undefined) return "no nano answers";
  if (b.verdict === "too_little_data") return `too little data (${b.nanoRequests} nano, ${b.midRequests} mid)`;
  return `${b.verdict === "slower" ? "SLOWER" : "faster"} by ${Math.abs(Math.round(b.marginMs))} ms`;
}

function drawTables(r) {
  fillTable(
    "table-series",
    ["bucket", "requests", "nano", "mid", "frontier", "spend", "all mid", "all frontier", "errors", "fallbacks"],
    r.series.map((b) => [bucketLabel(b.startMs, r.bucketMs), count(b.requests), ...b.tiers.map((t) => usd(t.costPicoUsd)), usd(b.actualPicoUsd), usd(b.allMidPicoUsd), usd(b.allFrontierPicoUsd), count(b.errors), count(b.fallbacks)]),
  );
  fillTable(
    "table-tiers",
    ["tier", "requests", "share", "cost", "error rate", "fallback rate", "fallbacks in", "p50", "p95", "cache hits"],
    r.tiers.map((t) => [t.tier, count(t.requests), share(t.requestShare), usd(t.costPicoUsd), share(t.errorRate), share(t.fallbackRate), count(t.fallbacksIn), ms(t.latencyP50Ms), ms(t.latencyP95Ms), count(t.cacheHits)]),
  );
  fillTable(
    "table-deployments",
    ["tier", "deployment", "requests", "error rate", "fallbacks in", "retried", "cost"],
    r.deployments.map((d) => [d.tier, d.deployment === "" ? "(none answered)" : d.deployment, count(d.requests), share(d.errorRate), count(d.fallbacksIn), share(d.retriedRate), usd(d.costPicoUsd)]),
  );
  const verdicts = new Map(r.breakEven.map((b) => [b.endpoint, b]));
  fillTable(
    "table-endpoints",
    ["endpoint", "requests", "cost", "cost share", "tier mix (nano / mid / frontier)", "break-even"],
    r.topEndpoints.map((e) => [endpointName(e.endpoint), count(e.requests), usd(e.costPicoUsd), share(e.costShare), tierMix(e.tiers), verdictText(verdicts.get(e.endpoint))]),
  );
  document.getElementById("min-samples").textContent = String(r.minBreakEvenSamples);
  fillTable(
    "table-break-even",
    ["endpoint", "nano answers", "mid answers", "classifier", "nano", "mid", "margin", "verdict"],
    r.breakEven.map((b) => [endpointName(b.endpoint), count(b.nanoRequests), `${count(b.midRequests)}${b.midSource === "all" ? " (all endpoints)" : ""}`, ms(b.classifierP50Ms), ms(b.nanoP50Ms), ms(b.midP50Ms), b.marginMs === null ? "-" : `${b.marginMs > 0 ? "+" : ""}${Math.round(b.marginMs)} ms`, verdictText(b)]),
  );
  fillTable("table-shadow", ["would have chosen", "served", "requests"], (r.shadow?.matrix ?? []).map((m) => [m.wouldChoose, m.served ?? "(none)", count(m.requests)]));
  fillTable(
    "table-misroutes",
    ["request id", "request time (UTC)", "endpoint", "decided", "served", "needed"],
    r.misroutes.latest.map((m) => [m.requestId, new Date(m.requestAtMs).toISOString().slice(0, 16).replace("T", " "), endpointName(m.endpoint), m.decidedTier ?? "-", m.servedTier ?? "-", m.expectedTier ?? "-"]),
  );
  for (const a of document.querySelectorAll("a.csv")) a.href = apiUrl("csv", { table: a.dataset.table });
}

function drawNotes(r) {
  const notes = r.warnings.map((w) => w.message);
  if (r.droppedRecords > 0) notes.push(`this server dropped ${r.droppedRecords} ledger records since it started: the figures undercount`);
  if (r.latencySampleEvery > 1) notes.push(`latency percentiles and break-even medians come from a sample: the answers of every ${r.latencySampleEvery}th millisecond`);
  document.getElementById("warnings").replaceChildren(...notes.map((n) => el("li", {}, n)));
  const scope = [r.endpoint === undefined ? "all endpoints" : `endpoint ${endpointName(r.endpoint)}`, r.callerId === undefined ? "all callers" : `caller ${r.callerId}`];
  const status = document.getElementById("status");
  status.textContent = `${new Date(r.sinceMs).toISOString().slice(0, 16).replace("T", " ")} to ${new Date(r.untilMs).toISOString().slice(0, 16).replace("T", " ")} UTC, ${scope.join(", ")}`;
  status.dataset.since = String(r.sinceMs);
  status.dataset.until = String(r.untilMs);
}

// ------------------------------------------------------------ loading and tabs

async function getJson(url) {
  const res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (res.status === 401) {
    location.assign("/dashboard");
    throw new Error("not logged in");
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

async function load() {
  const status = document.getElementById("status");
  document.body.dataset.state = "loading";
  try {
    const [{ report, window: windowName, authRequired }, filterValues] = await Promise.all([getJson(apiUrl("report")), getJson(apiUrl("filters"))]);
    document.getElementById("logout").hidden = !authRequired;
    syncForm(report, windowName, filterValues);
    drawNotes(report);
    drawTiles(report);
    drawTables(report);
    drawCharts(report);
    document.body.dataset.state = "ready";
  } catch (err) {
    status.textContent = `Could not load the report: ${err.message}`;
    document.body.dataset.state = "error";
  }
}

function showTab() {
  const tab = (location.hash || "#savings").slice(1);
  for (const section of document.querySelectorAll("[data-page]")) section.hidden = section.dataset.page !== tab;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
  // A chart drawn while its page was hidden has no size yet.
  for (const chart of Object.values(charts)) chart.resize();
}

document.getElementById("filters").addEventListener("submit", onFilters);
document.getElementById("filters").window.addEventListener("change", (e) => document.body.classList.toggle("custom-window", e.target.value === "custom"));
window.addEventListener("hashchange", showTab);
window.addEventListener("popstate", load);
showTab();
load();
