// The dashboard's HTTP surface without a browser: auth off on loopback, the
// ledger off, bad filters, session tokens, CSV that a spreadsheet cannot be
// tricked by, and Chart.js served from the package.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { createSessions, parseDashboardQuery } from "../../src/dashboard/index.js";
import { DAY_MS, HOUR_MS } from "../../src/usage/index.js";
import { baseConfigYaml } from "../helpers/tierd.js";
import { recordFixture } from "../usage/fixtures.js";

const UPSTREAM = "http://127.0.0.1:9/v1";

describe("the dashboard with authentication off (loopback)", () => {
  let tierd: Tierd;
  beforeAll(async () => {
    tierd = await startTierd({ configText: baseConfigYaml(UPSTREAM), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    const at = Date.now() - HOUR_MS;
    await tierd.usage!.store.insertRecords([
      recordFixture({ endpoint: '=HYPERLINK("http://evil.example","x")', startedAtMs: at }),
      recordFixture({ endpoint: "/plain", startedAtMs: at, costPicoUsd: 1_500_000_000_000n }),
    ]);
  });
  afterAll(() => tierd?.close(200));

  it("serves the page and its API without a key, with a policy that allows only the page's own files", async () => {
    const page = await fetch(`${tierd.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<canvas id="chart-spend">');
    const api = await fetch(`${tierd.url}/dashboard/api/report?window=24h`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { window: string; authRequired: boolean; report: { totals: { requests: number; costPicoUsd: string }; series: unknown[] } };
    expect(body).toMatchObject({ window: "24h", authRequired: false });
    expect(body.report.totals.requests).toBe(2);
    // Money as exact decimal strings of pico-USD.
    expect(body.report.totals.costPicoUsd).toBe("1500045000000");
    expect(body.report.series).toHaveLength(24);
    const login = await fetch(`${tierd.url}/dashboard/login`, { method: "POST", body: "key=", headers: { "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("set-cookie")).toBeNull();
  });

  it("serves Chart.js from the installed package, no CDN", async () => {
    const res = await fetch(`${tierd.url}/dashboard/chart.umd.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await res.text()).slice(0, 200)).toMatch(/Chart\.js v4\.\d+\.\d+/);
    const page = await (await fetch(`${tierd.url}/dashboard`)).text();
    expect(page).not.toMatch(/https?:\/\//);
  });

  it("exports CSV in which an endpoint that looks like a formula stays text", async () => {
    const res = await fetch(`${tierd.url}/dashboard/api/csv?table=endpoints&window=24h`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="tierd-endpoints-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = (await res.text()).split("\r\n");
    expect(lines[1]).toBe("/plain,1,1.500000000000,0.99997,1,0,0,too_little_data,");
    expect(lines[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",1,0\.000045000000,/);
  });

  it("refuses bad filters with the parameter's name, and methods it does not serve", async () => {
    const cases: [string, string][] = [
      ["window=3d", "window: expected 24h, 7d, 30d or custom"],
      ["since=2026-02-01&until=2026-01-01", "since must be before until"],
      ["since=yesterday", "since: expected a date"],
      ["bucket=minute", "bucket: expected hour or day"],
      ["since=2000-01-01&until=2026-01-01&bucket=hour", "more than 2200 buckets"],
    ];
    for (const [query, message] of cases) {
      const res = await fetch(`${tierd.url}/dashboard/api/report?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, query).toContain(message);
    }
    expect((await fetch(`${tierd.url}/dashboard/api/csv?table=prompts`)).status).toBe(400);
    const post = await fetch(`${tierd.url}/dashboard/api/report`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});

describe("the dashboard with the ledger off", () => {
  it("answers its API with 503 and says why", async () => {
    const off = await startTierd({ configText: baseConfigYaml(UPSTREAM).replace('usage:\n  database_url: "sqlite::memory:"\n', "usage:\n  enabled: false\n"), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    try {
      const res = await fetch(`${off.url}/dashboard/api/report`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("failed_precondition");
    } finally {
      await off.close(100);
    }
  });
});

describe("dashboard sessions", () => {
  it("accept only unexpired tokens they signed", () => {
    let now = 1_000_000;
    const sessions = createSessions({ now: () => now, lifetimeMs: 60_000 });
    const token = sessions.issue();
    expect(sessions.valid(token)).toBe(true);
    const [expiry, nonce, mac] = token.split(".");
    // A later expiry with the old signature, another nonce, another process's secret.
    expect(sessions.valid(`${Number(expiry) + 60_000}.${nonce}.${mac}`)).toBe(false);
    expect(sessions.valid(`${expiry}.${"A".repeat(22)}.${mac}`)).toBe(false);
    expect(createSessions({ now: () => now }).valid(token)).toBe(false);
    expect(sessions.valid("")).toBe(false);
    now += 60_000;
    expect(sessions.valid(token)).toBe(false);
  });
});

describe("dashboard windows", () => {
  const now = Date.UTC(2026, 4, 10, 13, 37);
  it("end presets at the next bucket boundary, so 7d is seven whole days and 24h twenty-four whole hours", () => {
    const week = parseDashboardQuery(new URLSearchParams("window=7d"), now);
    expect(week).toEqual({ ok: true, query: { window: "7d", sinceMs: Date.UTC(2026, 4, 4), untilMs: Date.UTC(2026, 4, 11), bucketMs: DAY_MS } });
    const day = parseDashboardQuery(new URLSearchParams("window=24h&endpoint=%2Fa&caller=svc"), now);
    expect(day).toEqual({ ok: true, query: { window: "24h", sinceMs: Date.UTC(2026, 4, 9, 14), untilMs: Date.UTC(2026, 4, 10, 14), bucketMs: HOUR_MS, endpoint: "/a", callerId: "svc" } });
  });
  it("read custom times as UTC and tell the unnamed endpoint from all endpoints", () => {
    const custom = parseDashboardQuery(new URLSearchParams("since=2026-05-01T06:00&until=2026-05-02&endpoint_none=1"), now);
    expect(custom).toEqual({ ok: true, query: { window: "custom", sinceMs: Date.UTC(2026, 4, 1, 6), untilMs: Date.UTC(2026, 4, 2), bucketMs: HOUR_MS, endpoint: "" } });
  });
});
