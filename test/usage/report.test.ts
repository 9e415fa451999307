import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/log.js";
import { buildUsageReport, openLedgerStore, percentile, type LedgerStore, type UsageReport } from "../../src/usage/index.js";
import { FIXTURE_WINDOW, reportFixture } from "./report-fixture.js";

describe("usage report on a fixture ledger", () => {
  let store: LedgerStore;
  let report: UsageReport;
  const dir = mkdtempSync(join(tmpdir(), "tierd-report-"));
  beforeAll(async () => {
    store = await openLedgerStore({ databaseUrl: `sqlite:${join(dir, "ledger.db")}`, log: silentLogger });
    await store.insertRecords(reportFixture());
    report = await buildUsageReport(store, { ...FIXTURE_WINDOW, topEndpoints: 3, maxFrontierShare: 0.1, minBreakEvenSamples: 1 });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts requests, errors, cancellations, tokens, cache hits and fallbacks in the window", () => {
    expect(report.totals).toEqual({
      requests: 19,
      classifyRequests: 2,
      errors: 1,
      errorRate: 1 / 19,
      canceled: 1,
      costPicoUsd: 21_800n,
      inputTokens: 190,
      outputTokens: 95,
      cacheHits: 1,
      cacheHitRate: 1 / 19,
      cacheSavedPicoUsd: 100n,
      classifierCostPicoUsd: 47n,
      fallbacks: 1,
    });
  });

  it("gives each tier its share of requests and cost, average and total cost, error rate and p50/p95 latency", () => {
    expect(report.tiers).toEqual([
      {
        tier: "nano",
        requests: 10,
        requestShare: 10 / 19,
        costPicoUsd: 800n,
        costShare: 0.036697247, // 800 / 21800, to 1e-9
        avgCostPicoUsd: 80n,
        errors: 1,
        errorRate: 0.1,
        latencyP50Ms: 100,
        latencyP95Ms: 700,
        fallbacksIn: 0,
        decided: 11,
        fallbacksOut: 1,
        fallbackRate: 1 / 11,
        cacheHits: 1,
        cacheHitRate: 0.1,
        cacheSavedPicoUsd: 100n,
      },
      {
        tier: "mid",
        requests: 6,
        requestShare: 6 / 19,
        costPicoUsd: 6_000n,
        costShare: 0.275229357,
        avgCostPicoUsd: 1_000n,
        errors: 0,
        errorRate: 0,
        latencyP50Ms: 350,
        latencyP95Ms: 500,
        fallbacksIn: 1,
        decided: 5,
        fallbacksOut: 0,
        fallbackRate: 0,
        cacheHits: 0,
        cacheHitRate: 0,
        cacheSavedPicoUsd: 0n,
      },
      {
        tier: "frontier",
        requests: 3,
        requestShare: 3 / 19,
        costPicoUsd: 15_000n,
        costShare: 0.688073394,
        avgCostPicoUsd: 5_000n,
        errors: 0,
        errorRate: 0,
        latencyP50Ms: 2_000,
        latencyP95Ms: 2_000,
        fallbacksIn: 0,
        decided: 3,
        fallbacksOut: 0,
        fallbackRate: 0,
        cacheHits: 0,
        cacheHitRate: 0,
        cacheSavedPicoUsd: 0n,
      },
    ]);
    expect(report.tiers.reduce((a, t) => a + t.costPicoUsd, 0n)).toBe(report.totals.costPicoUsd);
  });

  it("lists the most expensive endpoints with the share of their requests on each tier", () => {
    expect(report.topEndpoints.map((e) => [e.endpoint, e.requests, e.costPicoUsd])).toEqual([
      ["/legal", 4, 16_000n],
      ["/search", 10, 2_600n],
      ["/shadow", 2, 2_000n],
    ]);
    expect(report.topEndpoints[0]!.tiers).toEqual([
      { tier: "nano", requests: 0, share: 0 },
      { tier: "mid", requests: 1, share: 0.25 },
      { tier: "frontier", requests: 3, share: 0.75 },
    ]);
    expect(report.topEndpoints[1]!.tiers.map((t) => t.share)).toEqual([0.8, 0.2, 0]);
  });

  it("prices the savings against all-mid and all-frontier on the same tokens, negative when routing cost more", () => {
    // Actual: the answers (21,800) and the LLM classifier's call on /chat
    // (40); the Classify call's 7 has no counterfactual and stays out.
    expect(report.savings).toEqual({
      actualPicoUsd: 21_840n,
      classifierPicoUsd: 40n,
      allMidPicoUsd: 21_500n,
      allFrontierPicoUsd: 43_000n,
      vsMidPicoUsd: -340n,
      vsFrontierPicoUsd: 21_160n,
      vsMidRatio: -0.015813953,
      vsFrontierRatio: 0.492093023,
    });
  });

  it("checks classifier + nano against mid per endpoint (cache hits left out) and warns where routing made it slower", () => {
    // /search's cache hit is no nano answer: 5 of its 6 nano requests count.
    expect(report.breakEven).toEqual([
      { endpoint: "/chat", nanoRequests: 2, midRequests: 1, classifierP50Ms: 300, nanoP50Ms: 400, midP50Ms: 300, midSource: "endpoint", marginMs: 400, verdict: "slower", slower: true },
      { endpoint: "/search", nanoRequests: 5, midRequests: 2, classifierP50Ms: 10, nanoP50Ms: 90, midP50Ms: 290, midSource: "endpoint", marginMs: -190, verdict: "faster", slower: false },
    ]);
    expect(report.warnings).toContainEqual({
      kind: "routing_slower",
      endpoint: "/chat",
      message: "routing made /chat slower: classifier 300 ms + nano 400 ms > mid 300 ms",
    });
  });

  it("shows in shadow mode the distribution the router would have produced and what it would have saved", () => {
    expect(report.shadow).toEqual({
      requests: 2,
      distribution: [
        { tier: "nano", requests: 1, share: 0.5 },
        { tier: "mid", requests: 0, share: 0 },
        { tier: "frontier", requests: 1, share: 0.5 },
      ],
      matrix: [
        { wouldChoose: "nano", served: "mid", requests: 1 },
        { wouldChoose: "frontier", served: "mid", requests: 1 },
      ],
      actualPicoUsd: 2_000n,
      wouldCostPicoUsd: 2_100n,
      savingsPicoUsd: -100n,
    });
  });

  it("warns when frontier's share exceeds the configured bound, and only then", async () => {
    expect(report.warnings.find((w) => w.kind === "frontier_share")?.message).toBe(
      "frontier served 15.8% of requests, above the bound of 10.0%: check the rules and thresholds that send traffic there",
    );
    const relaxed = await buildUsageReport(store, { ...FIXTURE_WINDOW, maxFrontierShare: 0.2, minBreakEvenSamples: 1 });
    expect(relaxed.warnings.map((w) => w.kind)).toEqual(["routing_slower"]);
  });

  it("filters by endpoint", async () => {
    const legal = await buildUsageReport(store, { ...FIXTURE_WINDOW, endpoint: "/legal", maxFrontierShare: 1 });
    expect(legal.endpoint).toBe("/legal");
    expect(legal.totals.requests).toBe(4);
    expect(legal.totals.costPicoUsd).toBe(16_000n);
    expect(legal.shadow).toBeUndefined();
  });

  it("is empty but well-formed for a window without records", async () => {
    const empty = await buildUsageReport(store, { sinceMs: 0, untilMs: 1, maxFrontierShare: 0.3 });
    expect(empty.totals.requests).toBe(0);
    expect(empty.tiers.map((t) => [t.requests, t.latencyP50Ms, t.avgCostPicoUsd])).toEqual([
      [0, null, 0n],
      [0, null, 0n],
      [0, null, 0n],
    ]);
    expect(empty.warnings).toEqual([]);
    expect(empty.savings.vsFrontierRatio).toBe(0);
    expect(empty.breakEven).toEqual([]);
    expect(empty.series).toHaveLength(1);
  });
});

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});
