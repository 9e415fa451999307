// What the usage ledger costs, measured rather than claimed:
//   node --import tsx bench/ledger.ts [--postgres postgres://postgres@127.0.0.1:5432/test]
// 1. the request path: building a record and queueing it;
// 2. Route latency through a real tierd with the ledger on and off;
// 3. batch write throughput on SQLite (and PostgreSQL when given);
// 4. report time over the written rows.
// Numbers depend on the machine; run it on an idle one.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import pg from "pg";
import { Role, RouterService, Tier } from "../gen/tierd/v1/router_pb.js";
import { startTierd } from "../src/app.js";
import { silentLogger } from "../src/core/log.js";
import { AttemptOutcome, DecisionStage, ErrorClass, FinishReason, RoutingMode } from "../src/core/types.js";
import { createPriceTable } from "../src/pricing/index.js";
import type { RequestOutcome } from "../src/router/index.js";
import { startFakeUpstream } from "../src/demo/fake-upstream.js";
import { buildUsageReport, createUsageLedger, openLedgerStore, usageRecordOf, type UsageRecord } from "../src/usage/index.js";

const { values } = parseArgs({ options: { postgres: { type: "string" } } });

function outcome(i: number): RequestOutcome {
  const startedAt = Date.now() - 1000;
  return {
    kind: "route",
    request: {
      requestId: `bench-${i}`,
      messages: [{ role: "user", content: `Summarise the meeting notes number ${i}: budget moved to Q3, hiring paused.` }],
      endpoint: `/bench/${i % 20}`,
      caller: { id: "svc", plan: "pro", metadata: {} },
      params: { stop: [], responseFormat: "text" },
      cacheBypass: false,
    },
    startedAt,
    decision: { tier: i % 3 === 0 ? 2 : 1, score: 0.3, confidence: 0.8, decidedBy: DecisionStage.DEFAULT, reason: "default", classifierLatencyMs: 0.2, mode: RoutingMode.ENFORCE, trace: [], inputTokens: 30 },
    completion: {
      content: "ok",
      finishReason: FinishReason.STOP,
      tier: i % 3 === 0 ? 2 : 1,
      deployment: "nano-1",
      model: "openai/gpt-4o-mini",
      attempts: [{ startedAt, deployment: "nano-1", model: "openai/gpt-4o-mini", tier: 1, outcome: AttemptOutcome.SUCCESS, errorClass: ErrorClass.UNSPECIFIED, latencyMs: 300, httpStatus: 200, detail: "" }],
      usage: { inputTokens: 30, outputTokens: 80, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0, estimated: false },
      costPicoUsd: 52_500_000n,
      cacheHit: false,
    },
    attempts: [],
    usage: { inputTokens: 30, outputTokens: 80, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0, estimated: false },
    costPicoUsd: 52_500_000n,
    latencyMs: 310 + (i % 50),
  };
}

const prices = createPriceTable({ pricing: {}, deployments: {} });
const context = { prices, modelOfTier: { 1: "openai/gpt-4o-mini", 2: "anthropic/claude-sonnet-4-6", 3: "anthropic/claude-opus-4-7" } as const, storePrompts: false };

async function requestPath(): Promise<void> {
  const n = 100_000;
  const ledger = createUsageLedger({ store: { location: "null", insertRecords: async () => {} }, batchSize: 200 });
  const outcomes = Array.from({ length: n }, (_, i) => outcome(i));
  // Only the synchronous work a request does is timed; between chunks the
  // event loop runs, so the flusher drains the queue as it would in a server.
  let buildNs = 0;
  let queueNs = 0;
  for (let i = 0; i < n; i += 100) {
    const t0 = process.hrtime.bigint();
    const records = outcomes.slice(i, i + 100).map((o) => usageRecordOf(o, context));
    const t1 = process.hrtime.bigint();
    for (const r of records) ledger.record(r);
    const t2 = process.hrtime.bigint();
    buildNs += Number(t1 - t0);
    queueNs += Number(t2 - t1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await ledger.close();
  console.log(`request path per record: build ${(buildNs / n / 1000).toFixed(2)} µs, queue ${(queueNs / n / 1000).toFixed(2)} µs (${n} records, dropped ${ledger.stats().dropped})`);
}

async function routeLatency(): Promise<void> {
  const fake = await startFakeUpstream({ record: false });
  const yaml = (usage: string) => `
log: { level: silent }
deployments:
  nano-1: { model: openai/gpt-4o-mini, base_url: ${fake.url}, api_key: k }
  mid-1: { model: anthropic/claude-sonnet-4-6, base_url: ${fake.url}, api_key: k }
  frontier-1: { model: anthropic/claude-opus-4-7, base_url: ${fake.url}, api_key: k }
tiers: { nano: { deployments: [nano-1] }, mid: { deployments: [mid-1] }, frontier: { deployments: [frontier-1] } }
usage: ${usage}
auth: { enabled: false }
`;
  const dir = mkdtempSync(join(tmpdir(), "tierd-bench-"));
  const n = 3_000;
  // Telemetry on without export: what the instrumentation itself costs.
  const telemetry = { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() };
  const runs: [string, string, boolean][] = [
    ["ledger off", "{ enabled: false }", false],
    ["ledger on (SQLite file)", `{ database_url: "sqlite:${join(dir, "ledger.db")}" }`, false],
    ["ledger off", "{ enabled: false }", false],
    ["ledger on (SQLite file)", `{ database_url: "sqlite:${join(dir, "ledger2.db")}" }`, false],
    ["ledger off, telemetry on (spans recorded, not exported)", "{ enabled: false }", true],
  ];
  for (const [label, usage, traced] of runs) {
    const tierd = await startTierd({ configText: yaml(usage), configSource: "bench.yaml", env: {}, port: 0, logger: silentLogger, ...(traced ? { telemetry } : {}) });
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
    const messages = [{ role: Role.USER, content: "Is 7 prime?" }];
    for (let i = 0; i < 300; i++) await client.route({ messages, tierOverride: Tier.NANO });
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await client.route({ messages, tierOverride: Tier.NANO });
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.ceil(p * n) - 1]!.toFixed(3);
    console.log(`Route round trip, ${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${n} sequential requests, fake upstream on loopback)`);
    await tierd.close(100);
  }
  await fake.close();
}

async function writeAndReport(label: string, databaseUrl: string, n: number): Promise<void> {
  const store = await openLedgerStore({ databaseUrl, log: silentLogger });
  const records: UsageRecord[] = Array.from({ length: n }, (_, i) => ({ ...usageRecordOf(outcome(i), context), id: randomUUID() }));
  let started = performance.now();
  for (let i = 0; i < n; i += 200) await store.insertRecords(records.slice(i, i + 200));
  const writeMs = performance.now() - started;
  console.log(`${label}: wrote ${n} records in batches of 200: ${((n / writeMs) * 1000).toFixed(0)} records/s`);
  started = performance.now();
  const report = await buildUsageReport(store, { sinceMs: 0, untilMs: Date.now() + 1, maxFrontierShare: 0.3 });
  console.log(`${label}: report over ${report.totals.requests} records: ${(performance.now() - started).toFixed(0)} ms`);
  await store.close();
}

await requestPath();
await routeLatency();
await writeAndReport("SQLite", `sqlite:${join(mkdtempSync(join(tmpdir(), "tierd-bench-")), "ledger.db")}`, 100_000);
if (values.postgres !== undefined) {
  const schema = `tierd_bench_${randomBytes(4).toString("hex")}`;
  try {
    await writeAndReport("PostgreSQL", `${values.postgres}?schema=${schema}`, 50_000);
  } finally {
    const client = new pg.Client({ connectionString: values.postgres });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
