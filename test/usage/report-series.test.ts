// The report's time series and filters on both databases, over a generated
// history: buckets add up to the totals, the totals match what the test
// computes from the records themselves, and SQLite and PostgreSQL give the
// same report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/log.js";
import { TIER_NAMES } from "../../src/core/tiers.js";
import { buildUsageReport, DAY_MS, HOUR_MS, openLedgerStore, percentile, type LedgerStore, type UsageRecord, type UsageReport } from "../../src/usage/index.js";
import { LEDGER_BACKENDS } from "./backends.js";
import { generateHistory, HISTORY_CALLERS } from "./history-fixture.js";

const history = generateHistory({ untilMs: Date.UTC(2026, 2, 8), days: 7, perDay: 120 });
const window = { sinceMs: history.sinceMs, untilMs: history.untilMs, maxFrontierShare: 0.3 };
const reports = new Map<string, UsageReport>();

/** Sums a field over the series. */
function sum<K extends keyof UsageReport["series"][number]>(r: UsageReport, key: K): UsageReport["series"][number][K] {
  const values = r.series.map((b) => b[key]);
  return (typeof values[0] === "bigint" ? (values as bigint[]).reduce((a, b) => a + b, 0n) : (values as number[]).reduce((a, b) => a + b, 0)) as UsageReport["series"][number][K];
}

const served = (r: UsageRecord) => r.kind !== "classify";

for (const backend of LEDGER_BACKENDS) {
  describe(`report series on ${backend.name}`, () => {
    let store: LedgerStore;
    let drop: () => Promise<void>;
    let report: UsageReport;
    beforeAll(async () => {
      const db = backend.setup();
      drop = db.drop;
      store = await openLedgerStore({ databaseUrl: db.url, log: silentLogger });
      for (let i = 0; i < history.records.length; i += 200) await store.insertRecords(history.records.slice(i, i + 200));
      for (const f of history.feedback) await store.insertFeedback(f);
      report = await buildUsageReport(store, window);
      reports.set(backend.name, report);
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
    });

    it("has one daily bucket per day of a 7-day window, aligned to UTC midnight", () => {
      expect(report.bucketMs).toBe(DAY_MS);
      expect(report.series.map((b) => b.startMs)).toEqual(Array.from({ length: 7 }, (_, i) => history.sinceMs + i * DAY_MS));
    });

    it("adds its buckets up to the window's totals, per tier too", () => {
      expect(sum(report, "requests")).toBe(report.totals.requests);
      expect(sum(report, "errors")).toBe(report.totals.errors);
      expect(sum(report, "canceled")).toBe(report.totals.canceled);
      expect(sum(report, "fallbacks")).toBe(report.totals.fallbacks);
      expect(sum(report, "cacheHits")).toBe(report.totals.cacheHits);
      expect(sum(report, "costPicoUsd")).toBe(report.totals.costPicoUsd);
      expect(sum(report, "actualPicoUsd")).toBe(report.savings.actualPicoUsd);
      expect(sum(report, "allMidPicoUsd")).toBe(report.savings.allMidPicoUsd);
      expect(sum(report, "allFrontierPicoUsd")).toBe(report.savings.allFrontierPicoUsd);
      expect(sum(report, "shadowRequests")).toBe(report.shadow!.requests);
      expect(sum(report, "shadowWouldCostPicoUsd")).toBe(report.shadow!.wouldCostPicoUsd);
      expect(sum(report, "misroutesTooLow")).toBe(report.misroutes.tooLow);
      expect(sum(report, "misroutesTooHigh")).toBe(report.misroutes.tooHigh);
      for (const [i, tier] of TIER_NAMES.entries()) {
        expect(report.series.reduce((a, b) => a + b.tiers[i]!.requests, 0)).toBe(report.tiers[i]!.requests);
        expect(report.series.reduce((a, b) => a + b.tiers[i]!.costPicoUsd, 0n), tier).toBe(report.tiers[i]!.costPicoUsd);
      }
      expect(report.deployments.reduce((a, d) => a + d.requests, 0)).toBe(report.totals.requests);
    });

    it("matches the figures computed from the records themselves", () => {
      const rows = history.records.filter(served);
      expect(report.totals.requests).toBe(rows.length);
      expect(report.totals.classifyRequests).toBe(history.records.length - rows.length);
      expect(report.totals.costPicoUsd).toBe(rows.reduce((a, r) => a + r.costPicoUsd, 0n));
      expect(report.savings.allFrontierPicoUsd).toBe(rows.reduce((a, r) => a + r.costIfFrontierPicoUsd, 0n));
      expect(report.totals.classifierCostPicoUsd).toBe(history.records.reduce((a, r) => a + r.classifierCostPicoUsd, 0n));
      // Day by day.
      for (const b of report.series) {
        const day = rows.filter((r) => r.startedAtMs >= b.startMs && r.startedAtMs < b.startMs + DAY_MS);
        expect(b.requests).toBe(day.length);
        expect(b.costPicoUsd).toBe(day.reduce((a, r) => a + r.costPicoUsd, 0n));
      }
      // Nearest-rank percentiles, exactly (the window is below the sampling threshold).
      expect(report.latencySampleEvery).toBe(1);
      for (const t of report.tiers) {
        const latencies = rows.filter((r) => r.status === "ok" && r.servedTier === t.tier).map((r) => r.latencyMs).sort((a, b) => a - b);
        expect([t.latencyP50Ms, t.latencyP95Ms]).toEqual([percentile(latencies, 0.5), percentile(latencies, 0.95)]);
      }
    });

    it("has hourly buckets for a 24-hour window, adding up to that window's totals", async () => {
      const day = await buildUsageReport(store, { ...window, sinceMs: history.untilMs - DAY_MS });
      expect(day.bucketMs).toBe(HOUR_MS);
      expect(day.series).toHaveLength(24);
      expect(sum(day, "requests")).toBe(day.totals.requests);
      expect(day.totals.requests).toBe(history.records.filter((r) => served(r) && r.startedAtMs >= history.untilMs - DAY_MS).length);
    });

    it("filters by caller and by endpoint, and the parts add up to the whole", async () => {
      const parts = await Promise.all(HISTORY_CALLERS.map((callerId) => buildUsageReport(store, { ...window, callerId })));
      expect(parts.map((p) => p.callerId)).toEqual([...HISTORY_CALLERS]);
      expect(parts.reduce((a, p) => a + p.totals.requests, 0)).toBe(report.totals.requests);
      expect(parts.reduce((a, p) => a + p.totals.costPicoUsd, 0n)).toBe(report.totals.costPicoUsd);
      expect(parts[0]!.totals.requests).toBe(history.records.filter((r) => served(r) && r.callerId === HISTORY_CALLERS[0]).length);
      const legal = await buildUsageReport(store, { ...window, endpoint: "/legal", callerId: "svc-chat" });
      expect(legal.totals.requests).toBe(history.records.filter((r) => served(r) && r.endpoint === "/legal" && r.callerId === "svc-chat").length);
    });

    it("counts misroutes by direction and lists their request ids, newest first", () => {
      const tooLow = history.feedback.filter((f) => {
        const r = history.records.find((x) => x.requestId === f.requestId)!;
        return TIER_NAMES.indexOf(f.expectedTier!) > TIER_NAMES.indexOf(r.tier!);
      }).length;
      expect(report.misroutes.tooLow).toBe(tooLow);
      expect(report.misroutes.tooLow + report.misroutes.tooHigh + report.misroutes.unspecified).toBe(history.feedback.length);
      expect(report.misroutes.latest).toHaveLength(Math.min(50, history.feedback.length));
      const times = report.misroutes.latest.map((m) => m.requestAtMs);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(report.misroutes.latest[0]!.requestId).toMatch(/^req-h-/);
    });

    it("takes percentiles from a systematic sample past the cap, every k-th millisecond for a prime k", async () => {
      const aggregates = await store.reportAggregates({ sinceMs: history.sinceMs, untilMs: history.untilMs, bucketMs: DAY_MS, misrouteLimit: 0, maxOrderStatisticsSamples: 300 });
      const answered = history.records.filter((r) => served(r) && r.status === "ok");
      const k = aggregates.sampleEvery;
      expect(k).toBe([2, 3, 5, 7, 11, 13, 17, 19, 23].find((p) => p >= Math.ceil(answered.length / 300)));
      const nano = answered.filter((r) => r.servedTier === "nano" && r.startedAtMs % k === 0).map((r) => r.latencyMs).sort((a, b) => a - b);
      expect(aggregates.orderStatistics.find((s) => s.metric === "latency" && s.group === "nano")).toEqual({ metric: "latency", group: "nano", count: nano.length, p50: percentile(nano, 0.5), p95: percentile(nano, 0.95) });
      // Counts and money stay exact.
      expect(aggregates.cells.reduce((a, c) => a + c.requests, 0)).toBe(history.records.length);
    });

    it("tells would-have-chosen from served in shadow mode", () => {
      const shadowRows = history.records.filter((r) => r.shadowTier !== null);
      expect(report.shadow!.matrix.reduce((a, m) => a + m.requests, 0)).toBe(shadowRows.length);
      expect(report.shadow!.matrix.every((m) => m.served === "mid")).toBe(true);
    });
  });
}

describe("the two databases", () => {
  it("give the same report for the same history", () => {
    const sqlite = reports.get("SQLite");
    const postgres = reports.get("PostgreSQL");
    expect(sqlite).toBeDefined();
    expect(postgres).toEqual(sqlite);
  });
});
