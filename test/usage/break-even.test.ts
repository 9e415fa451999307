// The break-even check on real ledger stores: only first-attempt, non-cached
// answers of the tier decided count; a real slowdown is found; too little
// data says so, in the report and in `tierd report`'s table.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatReportTable } from "../../src/cli/format-report.js";
import { silentLogger } from "../../src/core/log.js";
import type { TierName } from "../../src/core/tiers.js";
import { buildUsageReport, MIN_BREAK_EVEN_SAMPLES, openLedgerStore, type LedgerStore, type UsageRecord } from "../../src/usage/index.js";
import { recordFixture } from "./fixtures.js";

const window = { sinceMs: Date.UTC(2026, 0, 1), untilMs: Date.UTC(2026, 0, 8), maxFrontierShare: 1 };
const at = (i: number) => Date.UTC(2026, 0, 5) + i * 1000;

/** `n` answers of one tier, as the router records them. */
function answers(n: number, tier: TierName, o: { endpoint?: string; upstreamMs: number; classifierMs?: number; decided?: TierName; cacheHit?: boolean; attempts?: number }): UsageRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const classifier = o.classifierMs ?? 1;
    const attempt = { deployment: `${tier}-1`, model: "m", tier, outcome: "success" as const, errorClass: "", latencyMs: o.upstreamMs, httpStatus: 200, startedAtMs: at(i) };
    return recordFixture({
      endpoint: o.endpoint ?? "/x",
      tier: o.decided ?? tier,
      servedTier: tier,
      deployment: `${tier}-1`,
      cacheHit: o.cacheHit ?? false,
      attempts: o.cacheHit ? [] : Array.from({ length: o.attempts ?? 1 }, () => attempt),
      // A little spread, so the medians are real medians.
      latencyMs: classifier + o.upstreamMs + (i % 5),
      classifierLatencyMs: classifier,
      startedAtMs: at(i),
    });
  });
}

describe("break-even", () => {
  let dir: string;
  let store: LedgerStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tierd-break-even-"));
    store = await openLedgerStore({ databaseUrl: `sqlite:${join(dir, "ledger.db")}`, log: silentLogger });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves cache hits and fallback hops out: 200 ms mid against 60 ms nano is faster, however many instant cache hits mid has", async () => {
    await store.insertRecords([
      ...answers(30, "nano", { upstreamMs: 60 }),
      ...answers(30, "mid", { upstreamMs: 200 }),
      // Cache hits answer in about a millisecond; counted as mid answers they made mid look faster than nano.
      ...answers(100, "mid", { upstreamMs: 0, cacheHit: true }),
      // Decided nano, nano failed, mid answered: nano's failed attempt is in the latency.
      ...answers(40, "mid", { upstreamMs: 900, decided: "nano", attempts: 2 }),
      // Retried on the same tier: the failed attempt's time again.
      ...answers(40, "nano", { upstreamMs: 700, attempts: 2 }),
    ]);
    const report = await buildUsageReport(store, window);
    expect(report.breakEven).toEqual([
      { endpoint: "/x", nanoRequests: 30, midRequests: 30, classifierP50Ms: 1, nanoP50Ms: 62, midP50Ms: 202, midSource: "endpoint", marginMs: -139, verdict: "faster", slower: false },
    ]);
    expect(report.warnings).toEqual([]);
  });

  it("finds routing that made an endpoint slower: an LLM classifier's 150 ms on top of nano's 80 ms against mid's 200 ms", async () => {
    await store.insertRecords([...answers(25, "nano", { upstreamMs: 80, classifierMs: 150 }), ...answers(25, "mid", { upstreamMs: 200, classifierMs: 150 })]);
    const report = await buildUsageReport(store, window);
    expect(report.breakEven).toMatchObject([{ endpoint: "/x", classifierP50Ms: 150, nanoP50Ms: 82, midP50Ms: 202, marginMs: 30, verdict: "slower", slower: true }]);
    expect(report.warnings).toEqual([
      { kind: "routing_slower", endpoint: "/x", message: "routing made /x slower: classifier 150 ms + nano 82 ms > mid 202 ms" },
    ]);
  });

  it("takes mid's median from all endpoints when the endpoint has too few mid answers of its own", async () => {
    await store.insertRecords([...answers(25, "nano", { endpoint: "/a", upstreamMs: 60 }), ...answers(3, "mid", { endpoint: "/a", upstreamMs: 50 }), ...answers(25, "mid", { endpoint: "/b", upstreamMs: 300 })]);
    const report = await buildUsageReport(store, window);
    expect(report.breakEven).toMatchObject([{ endpoint: "/a", midSource: "all", midRequests: 28, verdict: "faster" }]);
  });

  it(`says too little data below ${MIN_BREAK_EVEN_SAMPLES} clean answers a side, and warns of nothing`, async () => {
    await store.insertRecords([...answers(MIN_BREAK_EVEN_SAMPLES - 1, "nano", { upstreamMs: 300 }), ...answers(40, "mid", { upstreamMs: 50 }), ...answers(40, "nano", { upstreamMs: 300, cacheHit: true })]);
    const report = await buildUsageReport(store, window);
    expect(report.breakEven).toMatchObject([{ endpoint: "/x", nanoRequests: MIN_BREAK_EVEN_SAMPLES - 1, midRequests: 40, marginMs: null, verdict: "too_little_data", slower: false }]);
    expect(report.warnings).toEqual([]);
  });

  it("reports an unnamed endpoint whose requests all went to nano as too little data, not as having no nano answers", async () => {
    await store.insertRecords(answers(50, "nano", { endpoint: "", upstreamMs: 60 }));
    const report = await buildUsageReport(store, window);
    expect(report.breakEven).toMatchObject([{ endpoint: "", nanoRequests: 50, midRequests: 0, midP50Ms: null, verdict: "too_little_data" }]);
    const table = formatReportTable(report);
    expect(table).not.toContain("no endpoint with nano answers");
    expect(table).toMatch(/\(none\)\s+50\s+0\*\s+1 ms\s+62 ms\s+-\*\s+-\s+too little data/);
    expect(table).toContain(`too little data: fewer than ${MIN_BREAK_EVEN_SAMPLES} such answers on a side`);
  });
});
