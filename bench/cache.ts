// What a cached Route costs, measured rather than claimed. Target: p50
// overhead under 0.3 ms.
//
//   npx tsx bench/cache.ts [--rounds 5] [--requests 2000] [--redis redis://127.0.0.1:6379] [--json OUT]
//
// For each backend (memory, and Redis when --redis is given) and each round,
// a fresh tierd with the usage ledger on (SQLite file) answers one warmed-up
// request again and again from the cache:
//  1. in process: router.route() on a hit, the time tierd spends on it
//     (decision by the local classifier, lookup, ledger record);
//  2. over gRPC on loopback: the cached Route's round trip, next to
//     Classify's (the same decision, nothing else) and grpc.health's (the
//     transport alone); "overhead" is cached Route minus health check;
//  3. for scale: an uncached Route (cache_bypass) to the fake upstream.
// Each figure is the median over rounds of that round's p50 (p99 alike): the
// machine is shared and noisy, and one round can be unlucky.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { Role, RouterService } from "../gen/tierd/v1/router_pb.js";
import { startTierd } from "../src/app.js";
import { silentLogger } from "../src/core/log.js";
import type { CompletionRequest } from "../src/core/types.js";
import { startFakeUpstream } from "../src/demo/fake-upstream.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, requests: { type: "string", default: "2000" }, redis: { type: "string" }, json: { type: "string" } },
  strict: true,
});
const rounds = Number(values.rounds);
const n = Number(values.requests);

const SYSTEM = "You are a support assistant for an online bookshop. Answer in two sentences.";
const QUESTION = "A customer asks whether they can return a damaged paperback bought three weeks ago without a receipt. What do we tell them?";
const ANSWER =
  "Yes: damaged items can be returned within 30 days, and without a receipt we refund to store credit after checking the order in the customer's account. " +
  "Ask them to bring the book and the card they paid with, or the order number if they bought it online.";

interface Figures {
  p50: number;
  p99: number;
}
type Row = Record<string, Figures>;

function figures(samples: number[]): Figures {
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.max(0, Math.ceil(p * samples.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}

async function timeEach(count: number, call: () => Promise<unknown>): Promise<Figures> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  return figures(samples);
}

async function round(backendYaml: string, dir: string, index: number): Promise<Row> {
  const fake = await startFakeUpstream({ record: false, reply: () => ANSWER });
  const tierd = await startTierd({
    configText: `
log: { level: silent }
deployments:
  nano-1: { model: openai/gpt-4o-mini, base_url: ${fake.url}, api_key: k }
  mid-1: { model: anthropic/claude-sonnet-4-6, base_url: ${fake.url}, api_key: k }
  frontier-1: { model: anthropic/claude-opus-4-7, base_url: ${fake.url}, api_key: k }
tiers: { nano: { deployments: [nano-1] }, mid: { deployments: [mid-1] }, frontier: { deployments: [frontier-1] } }
usage: { database_url: "sqlite:${join(dir, `ledger-${index}.db`)}" }
${backendYaml}`,
    configSource: "bench.yaml",
    env: {},
    port: 0,
    logger: silentLogger,
  });
  try {
    const transport = createGrpcTransport({ baseUrl: tierd.url });
    const router = createClient(RouterService, transport);
    const health = createClient(Health, transport);
    const messages = [
      { role: Role.SYSTEM, content: SYSTEM },
      { role: Role.USER, content: QUESTION },
    ];
    const params = { temperature: 0 };
    const first = await router.route({ messages, params });
    if (first.cacheHit) throw new Error("the first request should have been a miss");

    const request: CompletionRequest = {
      requestId: "bench",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      endpoint: "",
      caller: { id: "", plan: "", metadata: {} },
      params: { temperature: 0, stop: [], responseFormat: "text" },
      cacheBypass: false,
    };
    const ctx = { signal: new AbortController().signal };
    const hit = await tierd.router.route(request, ctx);
    if (!hit.cacheHit) throw new Error("the warmed-up request should be a hit");

    // Warm-up: JIT, connection, ledger flusher.
    for (let i = 0; i < 500; i++) {
      await tierd.router.route(request, ctx);
      await router.route({ messages, params });
      await router.classify({ messages });
      await health.check({});
    }
    const serverSide: number[] = [];
    const row: Row = {
      inProcessHit: await timeEach(n, () => tierd.router.route(request, ctx)),
      grpcCachedRoute: await timeEach(n, async () => {
        const res = await router.route({ messages, params });
        if (!res.cacheHit) throw new Error("miss during the benchmark");
        serverSide.push(res.latencyMs);
      }),
      grpcClassify: await timeEach(n, () => router.classify({ messages })),
      grpcHealthCheck: await timeEach(n, () => health.check({})),
      grpcUncachedRoute: await timeEach(Math.min(n, 500), () => router.route({ messages, params, cacheBypass: true })),
    };
    row.serverLatencyField = figures(serverSide);
    return row;
  } finally {
    await tierd.close(100);
    await fake.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), "tierd-bench-cache-"));
const backends: { name: string; yaml: (round: number) => string; cleanup?: () => Promise<void> }[] = [{ name: "memory", yaml: () => "" }];
if (values.redis !== undefined) {
  // A prefix per round, so each round starts empty like the memory backend does.
  const prefix = `tierd-bench-${randomBytes(4).toString("hex")}`;
  backends.push({
    name: "redis",
    yaml: (round) => `cache: { redis_url: "${values.redis}", key_prefix: "${prefix}-${round}:", redis_timeout_ms: 1000 }`,
    async cleanup() {
      const client = new Redis(values.redis!);
      const keys = await client.keys(`${prefix}-*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    },
  });
}

const summary: Record<string, Record<string, Figures & { overheadP50?: number }>> = {};
try {
  for (const backend of backends) {
    const rows: Row[] = [];
    try {
      for (let i = 0; i < rounds; i++) rows.push(await round(backend.yaml(i), dir, i + 100 * backends.indexOf(backend)));
    } finally {
      await backend.cleanup?.();
    }
    const out: Record<string, Figures> = {};
    for (const key of Object.keys(rows[0]!)) {
      out[key] = { p50: median(rows.map((r) => r[key]!.p50)), p99: median(rows.map((r) => r[key]!.p99)) };
    }
    const overhead = median(rows.map((r) => r.grpcCachedRoute!.p50 - r.grpcHealthCheck!.p50));
    summary[backend.name] = { ...out, overheadVsHealthCheck: { p50: overhead, p99: Number.NaN } };
    const fmt = (f: Figures) => `p50 ${f.p50.toFixed(3)} ms, p99 ${f.p99.toFixed(3)} ms`;
    console.log(`\ncached Route, ${backend.name} backend (median of ${rounds} rounds of ${n} sequential requests):`);
    console.log(`  in process, router.route() hit:      ${fmt(out.inProcessHit!)}`);
    console.log(`  latency_ms reported by tierd:        ${fmt(out.serverLatencyField!)}`);
    console.log(`  gRPC round trip, cached Route:       ${fmt(out.grpcCachedRoute!)}`);
    console.log(`  gRPC round trip, Classify:           ${fmt(out.grpcClassify!)}`);
    console.log(`  gRPC round trip, health check:       ${fmt(out.grpcHealthCheck!)}`);
    console.log(`  cached Route minus health check:     p50 ${overhead.toFixed(3)} ms`);
    console.log(`  uncached Route (fake upstream):      ${fmt(out.grpcUncachedRoute!)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify({ rounds, requests: n, summary }, null, 2) + "\n");
