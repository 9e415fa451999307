// How long the usage report takes on a large ledger, measured rather than
// claimed (the target: a million records in under 2 s on SQLite):
//   node --import tsx bench/report.ts [--rows 1000000] [--postgres postgres://postgres@127.0.0.1:5432/test]
// Writes `rows` records spread over 30 days through the ledger store (the
// write path tierd uses), then times buildUsageReport, the code behind
// GetUsageReport, `tierd report` and the dashboard, for the dashboard's
// windows and filters, with the process's peak RSS. Prints one JSON object.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { silentLogger } from "../src/core/log.js";
import type { TierName } from "../src/core/tiers.js";
import { buildUsageReport, DAY_MS, openLedgerStore, type LedgerStore, type UsageRecord } from "../src/usage/index.js";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, postgres: { type: "string" }, "postgres-rows": { type: "string", default: "200000" } } });

const UNTIL = Date.UTC(2026, 0, 31);
const SPAN = 30 * DAY_MS;
const ENDPOINTS = Array.from({ length: 24 }, (_, i) => `/api/feature-${i}`).concat([""]);
const CALLERS = ["svc-search", "svc-chat", "svc-support", "svc-batch"];
const TIER_PRICE: Record<TierName, bigint> = { nano: 150_000n, mid: 3_000_000n, frontier: 15_000_000n };

/** A record like the router writes: a 60/30/10 tier split, 3% errors, 4% fallbacks, 6% cache hits, 5% shadow mode. */
function recordOf(i: number, rows: number): UsageRecord {
  const r = (i * 2654435761) % 1000;
  const tier: TierName = r < 600 ? "nano" : r < 900 ? "mid" : "frontier";
  const status = r % 33 === 0 ? "unavailable" : "ok";
  const fallback = status === "ok" && r % 25 === 1 && tier !== "frontier";
  const served: TierName | null = status !== "ok" ? null : fallback ? (tier === "nano" ? "mid" : "frontier") : tier;
  const cacheHit = status === "ok" && !fallback && r % 17 === 2;
  const tokens = 100 + (r % 400);
  const cost = (t: TierName) => TIER_PRICE[t] * BigInt(tokens);
  const startedAtMs = UNTIL - SPAN + Math.floor((i / rows) * SPAN) + (r % 997);
  const latency = { nano: 60, mid: 200, frontier: 900 }[served ?? tier] + (r % 97);
  const deployment = served === null ? null : `${served}-1`;
  const attempt = { deployment: `${tier}-1`, model: `model-${tier}`, tier, outcome: status === "ok" && !fallback ? "success" : "failure", errorClass: status === "ok" && !fallback ? "" : "unavailable", latencyMs: latency, httpStatus: 200, startedAtMs } as const;
  return {
    id: randomUUID(),
    requestId: `bench-${i}`,
    kind: r % 50 === 0 ? "classify" : r % 3 === 0 ? "stream" : "route",
    startedAtMs,
    callerId: CALLERS[i % CALLERS.length]!,
    callerPlan: "pro",
    callerMetadata: { team: "bench" },
    endpoint: ENDPOINTS[i % ENDPOINTS.length]!,
    mode: r % 20 === 5 ? "shadow" : "enforce",
    tier,
    decidedBy: "local_classifier",
    decisionReason: "score 0.31 below 0.45",
    score: (r % 100) / 100,
    confidence: 0.8,
    shadowTier: r % 20 === 5 ? "nano" : null,
    shadowDecidedBy: r % 20 === 5 ? "local_classifier" : null,
    servedTier: served,
    deployment,
    model: served === null ? null : `model-${served}`,
    attempts: fallback ? [attempt, { ...attempt, deployment: deployment!, tier: served!, outcome: "success", errorClass: "" }] : cacheHit ? [] : [attempt],
    finishReason: served === null ? null : "stop",
    inputTokens: tokens,
    outputTokens: tokens >> 1,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    cacheWriteTokens: 0,
    usageEstimated: false,
    costPicoUsd: served === null || cacheHit ? 0n : cost(served),
    costIfNanoPicoUsd: cost("nano"),
    costIfMidPicoUsd: cost("mid"),
    costIfFrontierPicoUsd: cost("frontier"),
    latencyMs: cacheHit ? 1 : latency,
    classifierLatencyMs: 0.1 + (r % 10) / 10,
    timeToFirstTokenMs: null,
    cacheHit,
    cacheSavedPicoUsd: cacheHit ? cost(tier) : 0n,
    classifierCostPicoUsd: 0n,
    status,
    errorMessage: status === "ok" ? "" : "all deployments failed",
    promptSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    promptText: null,
  };
}

/** Batches of 1,000, the most usage.batch_size allows (PostgreSQL binds at most 65,535 parameters per statement). */
async function fill(store: LedgerStore, rows: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < rows; i += 1_000) {
    const batch: UsageRecord[] = [];
    for (let j = i; j < Math.min(rows, i + 1_000); j++) batch.push(recordOf(j, rows));
    await store.insertRecords(batch);
  }
  return Math.round(performance.now() - started);
}

/** Milliseconds of the best of three runs (the first also warms the page cache), and the request count. */
async function timeReport(store: LedgerStore, options: Parameters<typeof buildUsageReport>[1]): Promise<{ ms: number; requests: number; sampleEvery: number }> {
  let best = Infinity;
  let requests = 0;
  let sampleEvery = 1;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const report = await buildUsageReport(store, options);
    best = Math.min(best, performance.now() - started);
    requests = report.totals.requests + report.totals.classifyRequests;
    sampleEvery = report.latencySampleEvery;
  }
  return { ms: Math.round(best), requests, sampleEvery };
}

async function measure(label: string, store: LedgerStore, rows: number, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const writeMs = await fill(store, rows);
  const base = { maxFrontierShare: 0.3, untilMs: UNTIL };
  const cases = {
    "30d": await timeReport(store, { ...base, sinceMs: UNTIL - SPAN }),
    "7d": await timeReport(store, { ...base, sinceMs: UNTIL - 7 * DAY_MS }),
    "24h": await timeReport(store, { ...base, sinceMs: UNTIL - DAY_MS }),
    "30d, one endpoint": await timeReport(store, { ...base, sinceMs: UNTIL - SPAN, endpoint: ENDPOINTS[3]! }),
    "30d, one caller": await timeReport(store, { ...base, sinceMs: UNTIL - SPAN, callerId: CALLERS[1]! }),
  };
  return { backend: label, rows, writeMs, ...extra, reportMs: cases, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

const results: Record<string, unknown>[] = [];
const dir = mkdtempSync(join(tmpdir(), "tierd-bench-report-"));
try {
  const path = join(dir, "ledger.db");
  const store = await openLedgerStore({ databaseUrl: `sqlite:${path}`, log: silentLogger });
  try {
    const rows = Number(values.rows);
    const sqlite = await measure("SQLite", store, rows);
    results.push({ ...sqlite, fileMb: Math.round(statSync(path).size / 2 ** 20) });
    process.stderr.write(`${JSON.stringify(results[0])}\n`);
  } finally {
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.postgres !== undefined) {
  const schema = `tierd_bench_${randomBytes(4).toString("hex")}`;
  const store = await openLedgerStore({ databaseUrl: `${values.postgres}?schema=${schema}`, log: silentLogger });
  try {
    results.push(await measure("PostgreSQL", store, Number(values["postgres-rows"])));
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: values.postgres });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
console.log(JSON.stringify(results));
