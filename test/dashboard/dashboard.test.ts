// The dashboard in a real browser (Debian's Chromium, headless, driven by
// playwright-core) against a real tierd on port 0 whose ledger holds a
// generated ten-day history. Checks what a person would: it refuses a
// visitor without an admin key, logs in, every chart has one point per
// bucket, the figures shown are the report's, filters change them. It writes
// a screenshot of every page at 1280x800 into test-output/dashboard/.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTierd, type Tierd } from "../../src/app.js";
import { formatShare, formatUsd } from "../../src/cli/format-report.js";
import { silentLogger } from "../../src/core/log.js";
import { buildUsageReport, DAY_MS, type UsageReport, type UsageReportOptions } from "../../src/usage/index.js";
import { authConfigYaml, testKey } from "../callers/keys.js";
import { generateHistory } from "../usage/history-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join("test-output", "dashboard");
const admin = testKey("tierd_test_dashboard_admin_5e4d3c2b1a09f8e7", "ops", { admin: true });
const service = testKey("tierd_test_dashboard_svc_0a1b2c3d4e5f6071", "svc-search");
/** Every chart of the page and how many points each draws per dataset. */
const CHARTS = ["chart-spend", "chart-share", "chart-frontier", "chart-errors", "chart-shadow", "chart-misroutes"];
const PAGES = ["savings", "reliability", "endpoints", "shadow"] as const;

/** What the page's scripts see, for callbacks that run in the browser (the test compiles without the DOM library). */
interface PageGlobals {
  document: { getElementById(id: string): unknown; querySelector(selector: string): { hasAttribute(name: string): boolean } | null; cookie: string };
  Chart: { getChart(canvas: unknown): { data: { datasets: { data: unknown[] }[] } } | undefined };
}

if (!existsSync(CHROMIUM)) {
  console.warn(`dashboard browser test skipped: no ${CHROMIUM} (install Debian's package: apt-get install -y chromium)`);
}

describe.skipIf(!existsSync(CHROMIUM))("the dashboard in Chromium", () => {
  let tierd: Tierd;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const untilMs = Math.ceil((Date.now() + 1) / DAY_MS) * DAY_MS;
  const history = generateHistory({ untilMs, days: 10, perDay: 150 });

  beforeAll(async () => {
    // No request reaches an upstream: the ledger is written directly.
    const yaml = authConfigYaml("http://127.0.0.1:9/v1", [admin, service], { usage: { database_url: "sqlite::memory:", max_frontier_share: 0.15 } }).replace('usage:\n  database_url: "sqlite::memory:"\n', "");
    tierd = await startTierd({ configText: yaml, configSource: "dashboard.yaml", env: {}, port: 0, logger: silentLogger });
    const store = tierd.usage!.store;
    for (let i = 0; i < history.records.length; i += 500) await store.insertRecords(history.records.slice(i, i + 500));
    for (const f of history.feedback) await store.insertFeedback(f);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await tierd?.close(200);
  });

  /** The report the page should show: the same window, read from the page. */
  async function expectedReport(filters: Partial<UsageReportOptions> = {}): Promise<UsageReport> {
    const since = Number(await page.getAttribute("#status", "data-since"));
    const until = Number(await page.getAttribute("#status", "data-until"));
    return buildUsageReport(tierd.usage!.store, { sinceMs: since, untilMs: until, maxFrontierShare: 0.15, topEndpoints: 20, ...filters });
  }
  const tile = (name: string) => page.textContent(`[data-figure="${name}"] .value`);
  const ready = () => page.waitForSelector('body[data-state="ready"]');
  async function pointsOf(id: string): Promise<number[]> {
    return page.evaluate((canvasId) => {
      const g = globalThis as unknown as PageGlobals;
      const chart = g.Chart.getChart(g.document.getElementById(canvasId));
      return chart === undefined ? [] : chart.data.datasets.map((d) => d.data.length);
    }, id);
  }

  it("refuses a visitor without an admin key: the API says 401, the page is the login form", async () => {
    const api = await fetch(`${tierd.url}/dashboard/api/report`);
    expect(api.status).toBe(401);
    expect(api.headers.get("www-authenticate")).toBe('Bearer realm="tierd"');
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const csv = await fetch(`${tierd.url}/dashboard/api/csv?table=tiers`);
    expect(csv.status).toBe(401);
    const res = await page.goto(`${tierd.url}/dashboard`);
    expect(res?.status()).toBe(401);
    expect(await page.isVisible('input[name="key"]')).toBe(true);
    await page.screenshot({ path: join(SHOTS, "login.png") });
    // A wrong key, then a key that is not an admin's.
    await page.fill('input[name="key"]', "not-a-key");
    await page.click('button[type="submit"]');
    expect(await page.textContent(".error")).toContain("unknown API key");
    await page.fill('input[name="key"]', service.key);
    await page.click('button[type="submit"]');
    expect(await page.textContent(".error")).toBe("the dashboard needs an admin key");
    expect(await context.cookies()).toEqual([]);
    const bearer = await fetch(`${tierd.url}/dashboard/api/report`, { headers: { authorization: `Bearer ${service.key}` } });
    expect(bearer.status).toBe(403);
  });

  it("logs in with an admin key into a session cookie that scripts cannot read and other sites cannot send", async () => {
    await page.goto(`${tierd.url}/dashboard`);
    await page.fill('input[name="key"]', admin.key);
    await Promise.all([page.waitForURL(`${tierd.url}/dashboard`), page.click('button[type="submit"]')]);
    await ready();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "tierd_dashboard", path: "/dashboard", httpOnly: true, sameSite: "Strict" });
    expect(cookie!.value).not.toContain(admin.key);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).toBe("");
    // The same API with the key in a header, for scripts.
    const api = await fetch(`${tierd.url}/dashboard/api/report?window=7d`, { headers: { authorization: `Bearer ${admin.key}` } });
    expect(api.status).toBe(200);
  });

  it("draws every chart with one point per day of the 7-day window", async () => {
    for (const id of CHARTS) expect(await pointsOf(id), id).toEqual(expect.arrayContaining([7]));
    for (const id of CHARTS) expect((await pointsOf(id)).every((n) => n === 7), id).toBe(true);
    expect(await pointsOf("chart-spend")).toEqual([7, 7, 7, 7, 7]);
    expect(await pointsOf("chart-latency")).toEqual([3, 3]);
  });

  it("shows the report's figures: spend, savings in dollars and percent, requests, frontier share", async () => {
    const report = await expectedReport();
    expect(report.series).toHaveLength(7);
    expect(await tile("spend")).toBe(formatUsd(report.savings.actualPicoUsd));
    expect(await tile("saved-frontier")).toBe(formatUsd(report.savings.vsFrontierPicoUsd));
    expect(await page.textContent('[data-figure="saved-frontier"] .sub')).toBe(`${formatShare(report.savings.vsFrontierRatio)} of ${formatUsd(report.savings.allFrontierPicoUsd)}`);
    expect(await tile("saved-mid")).toBe(formatUsd(report.savings.vsMidPicoUsd));
    expect(await tile("requests")).toBe(report.totals.requests.toLocaleString("en-US"));
    expect(await tile("frontier-share")).toBe(formatShare(report.tiers[2]!.requestShare));
    expect(report.savings.vsFrontierPicoUsd).toBeGreaterThan(0n);
    // The per-bucket table adds up to the tiles.
    const rows = await page.$$eval("#table-series tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => r[5])).toEqual(report.series.map((b) => formatUsd(b.actualPicoUsd)));
  });

  it("shows the reliability, endpoint, shadow and feedback tables of the report", async () => {
    const report = await expectedReport();
    await page.click('nav a[data-tab="reliability"]');
    const tierRows = await page.$$eval("#table-tiers tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(tierRows.map((r) => [r[0], r[4], r[5]])).toEqual(report.tiers.map((t) => [t.tier, formatShare(t.errorRate), formatShare(t.fallbackRate)]));
    expect(await page.$$eval("#table-deployments tbody tr", (trs) => trs.length)).toBe(report.deployments.length);
    await page.click('nav a[data-tab="endpoints"]');
    const endpoints = await page.$$eval("#table-endpoints tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
    expect(endpoints).toEqual(report.topEndpoints.map((e) => (e.endpoint === "" ? "(none)" : e.endpoint)));
    expect(await page.$$eval("#table-break-even tbody tr", (trs) => trs.length)).toBe(report.breakEven.length);
    await page.click('nav a[data-tab="shadow"]');
    expect(await tile("shadow-savings")).toBe(formatUsd(report.shadow!.savingsPicoUsd));
    const ids = await page.$$eval("#table-misroutes tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
    expect(ids).toEqual(report.misroutes.latest.map((m) => m.requestId));
    expect(ids.length).toBeGreaterThan(0);
    await page.click('nav a[data-tab="savings"]');
  });

  it("writes a screenshot of every page at 1280x800", async () => {
    for (const name of PAGES) {
      await page.click(`nav a[data-tab="${name}"]`);
      await page.waitForFunction((tab) => !(globalThis as unknown as PageGlobals).document.querySelector(`[data-page="${tab}"]`)!.hasAttribute("hidden"), name);
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
      expect(existsSync(join(SHOTS, `${name}.png`))).toBe(true);
    }
    await page.click('nav a[data-tab="savings"]');
  });

  it("changes the figures with the filters: the 24-hour window has hourly points, an endpoint and a caller their own totals", async () => {
    const before = await tile("spend");
    await page.selectOption('select[name="window"]', "24h");
    await Promise.all([page.waitForResponse((r) => r.url().includes("/api/report")), page.click('#filters button[type="submit"]')]);
    await ready();
    for (const id of CHARTS) expect((await pointsOf(id)).every((n) => n === 24), id).toBe(true);
    const day = await expectedReport();
    expect(await tile("spend")).toBe(formatUsd(day.savings.actualPicoUsd));
    expect(await tile("spend")).not.toBe(before);

    await page.selectOption('select[name="window"]', "7d");
    await page.selectOption('select[name="endpoint"]', "/legal");
    await page.selectOption('select[name="caller"]', "svc-chat");
    await Promise.all([page.waitForResponse((r) => r.url().includes("/api/report")), page.click('#filters button[type="submit"]')]);
    await ready();
    expect(page.url()).toContain("endpoint=%2Flegal");
    const legal = await expectedReport({ endpoint: "/legal", callerId: "svc-chat" });
    expect(legal.totals.requests).toBeGreaterThan(0);
    expect(await tile("spend")).toBe(formatUsd(legal.savings.actualPicoUsd));
    expect(await tile("requests")).toBe(legal.totals.requests.toLocaleString("en-US"));
    expect(await page.textContent("#status")).toContain("endpoint /legal, caller svc-chat");
    // /legal sends nothing to nano: its frontier share is far above the bound, and the page says so.
    expect(await page.textContent("#warnings")).toContain("frontier served");

    // A custom window: three days, daily points.
    await page.goto(`${tierd.url}/dashboard?window=custom&since=${new Date(untilMs - 3 * DAY_MS).toISOString().slice(0, 16)}&until=${new Date(untilMs).toISOString().slice(0, 16)}`);
    await ready();
    for (const id of CHARTS) expect((await pointsOf(id)).every((n) => n === 3), id).toBe(true);
  });

  it("exports each table as CSV with the page's filters", async () => {
    await page.goto(`${tierd.url}/dashboard?window=7d&endpoint=%2Fsearch`);
    await ready();
    const href = await page.getAttribute('a.csv[data-table="series"]', "href");
    expect(href).toContain("endpoint=%2Fsearch");
    const res = await page.request.get(`${tierd.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^start,requests,errors,/);
    expect(lines).toHaveLength(8);
    const report = await expectedReport({ endpoint: "/search" });
    expect(lines.slice(1).reduce((a, l) => a + Number(l.split(",")[1]), 0)).toBe(report.totals.requests);
    for (const a of await page.$$eval("a.csv", (as) => as.map((x) => x.getAttribute("href") ?? ""))) {
      expect((await page.request.get(`${tierd.url}${a}`)).status(), a).toBe(200);
    }
  });

  it("logs out: the cookie is gone and the page is the login form again", async () => {
    await page.click("#logout button");
    await page.waitForSelector('input[name="key"]');
    expect(await context.cookies()).toEqual([]);
  });
});
