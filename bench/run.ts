// `npm run bench`: tierd's overhead, throughput, streaming and memory, side
// by side with the direct call to the upstream and with a peer gateway, in
// one run. Every server is a process of its own on 127.0.0.1; see the
// docs/benchmark.md for the method.
//
//   npm run bench                     # full: ~40 minutes, writes bench/results/latest.json
//   npm run bench -- --quick          # smoke run: about a minute, writes bench/results/quick.json
//   npm run bench -- --profile DIR    # also write tierd's CPU profiles (node --cpu-prof) into DIR
//   npm run bench -- --no-peer        # skip the Portkey gateway
//   npm run bench -- --only realistic-streams --realistic-streams 2000 --no-peer
//                                     # the slow-streams case alone, at 2,000 streams
//   npm run bench -- --quick --only route-grpc,tierd-stream --concurrency 16
//                                     # a subset (baselines always run), e.g. while profiling
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { configSchema } from "../src/config/index.js";
import { ensureH2load, runH2load } from "./lib/h2load.js";
import { chatCompletionJson, classifyRequestBinary, grpcFrame, routeRequestBinary, streamRequestBinary } from "./lib/payloads.js";
import { loadAverage, memoryMb, treeCpuSeconds } from "./lib/proc.js";
import {
  buildTierd,
  ensurePeersInstalled,
  REPO_ROOT,
  startFakeProcess,
  startPortkeyProcess,
  startBareConnectProcess,
  startTierdProcess,
  type FakeProcess,
  type ServerProcess,
  type TierdProcess,
} from "./lib/processes.js";
import {
  formatSpread,
  streamTable,
  summarizeStreams,
  summarizeUnary,
  targetsTable,
  throughputRatio,
  unaryTable,
  type CaseInfo,
  type StreamSample,
  type TargetCheck,
  type UnarySample,
} from "./lib/report.js";
import { roundFigure } from "./lib/stats.js";
import type { StreamLoadResult, StreamLoadSpec } from "./stream-load.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    profile: { type: "string" },
    "no-peer": { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string" },
    concurrency: { type: "string" },
    duration: { type: "string" },
    reps: { type: "string" },
    streams: { type: "string" },
    "realistic-streams": { type: "string" },
  },
  strict: true,
});

const QUICK = args.quick;
const PLAN = QUICK
  ? { durationS: 2, warmupS: 1, reps: 1, concurrencies: [1, 16, 64], openStreams: 200, pauseMs: 300 }
  : { durationS: 10, warmupS: 2, reps: 3, concurrencies: [1, 16, 64], openStreams: 1000, pauseMs: 1000 };
if (args.concurrency !== undefined) PLAN.concurrencies = args.concurrency.split(",").map(Number);
if (args.duration !== undefined) PLAN.durationS = Number(args.duration);
if (args.reps !== undefined) PLAN.reps = Number(args.reps);
if (args.streams !== undefined) PLAN.openStreams = Number(args.streams);
/** Case ids to run (plus their baselines); also "open-streams", "realistic-streams", "classifier", "ledger", "report". Everything when unset. */
const ONLY = args.only === undefined ? undefined : new Set(args.only.split(","));
const selected = (id: string) => ONLY === undefined || ONLY.has(id);
const OUT = args.out ?? join(REPO_ROOT, "bench", "results", QUICK ? "quick.json" : "latest.json");

/** Unmeasured load on a server started for a later set, before its cases run. */
const WARM_UP_S = QUICK ? 3 : 15;
/** Upstream latencies of the delayed unary sets, and their concurrencies. */
const DELAY_SETS_MS = [50, 500];
const DELAY_CONCURRENCIES = [...new Set([...PLAN.concurrencies, 256])].sort((a, b) => a - b);
/** Processes of the multi-worker case (`tierd serve --workers N`). */
const WORKERS = 2;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const work = mkdtempSync(join(tmpdir(), "tierd-bench-"));
const running: ServerProcess[] = [];

/** A tierd config for the bench: bench/config.yaml plus the sections this build needs said explicitly. */
function benchConfigFile(name: string, extra = ""): string {
  let yaml = readFileSync(join(REPO_ROOT, "bench", "config.yaml"), "utf8");
  // Auth (when this build has it) defaults to on; the bench sends no keys and listens on loopback only.
  if ("auth" in configSchema.shape) yaml += "auth:\n  enabled: false\n";
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, yaml + extra);
  return file;
}

async function startTierd(name: string, fake: FakeProcess, extra = "", profile = false, workers = 1): Promise<TierdProcess> {
  const tierd = await startTierdProcess({
    configFile: benchConfigFile(name, extra),
    workers,
    env: { BENCH_UPSTREAM_URL: fake.url, BENCH_LEDGER_PATH: join(work, `${name}-ledger.db`) },
    ...(profile && args.profile !== undefined ? { cpuProfileDir: args.profile } : {}),
  });
  running.push(tierd);
  return tierd;
}

// ---------------------------------------------------------------- cases

interface UnaryCase extends CaseInfo {
  h1: boolean;
  url: () => string;
  bodyFile: string;
  headers: string[];
  /** The processes whose CPU is reported for this case. */
  watch: () => Record<string, ServerProcess>;
}

function bodyFile(name: string, bytes: Uint8Array): string {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return file;
}

const files = {
  direct: bodyFile("direct.json", chatCompletionJson(false)),
  routeGrpc: bodyFile("route.grpc", grpcFrame(routeRequestBinary())),
  routeConnect: bodyFile("route.bin", routeRequestBinary()),
  classifyGrpc: bodyFile("classify.grpc", grpcFrame(classifyRequestBinary())),
};
const GRPC_HEADERS = ["content-type: application/grpc", "te: trailers"];

function portkeyHeaders(fake: FakeProcess): string[] {
  return ["content-type: application/json", "authorization: Bearer bench-key", "x-portkey-provider: openai", `x-portkey-custom-host: ${fake.url}`];
}

function unaryCases(fake: FakeProcess, tierd: TierdProcess, peer: ServerProcess | undefined, cached: TierdProcess | undefined, allTierdCases: boolean, bare?: ServerProcess, workers?: TierdProcess): UnaryCase[] {
  const cases: UnaryCase[] = [
    { id: "direct", label: "direct to the fake upstream (baseline)", h1: true, url: () => `${fake.url}/chat/completions`, bodyFile: files.direct, headers: ["content-type: application/json"], watch: () => ({ fake }) },
    { id: "route-grpc", label: "tierd Route, gRPC", baseline: "direct", h1: false, url: () => `${tierd.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeGrpc, headers: GRPC_HEADERS, watch: () => ({ tierd, fake }) },
    // HTTP/1.1, one connection per call in flight, as the direct call and the peer are driven: HTTP/2's batched writes are out of the picture.
    { id: "route-connect-h1", label: "tierd Route, Connect (binary) over HTTP/1.1", baseline: "direct", h1: true, url: () => `${tierd.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeConnect, headers: ["content-type: application/proto", "connect-protocol-version: 1"], watch: () => ({ tierd, fake }) },
  ];
  if (allTierdCases) {
    cases.push(
      { id: "route-connect", label: "tierd Route, Connect (binary)", baseline: "direct", h1: false, url: () => `${tierd.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeConnect, headers: ["content-type: application/proto", "connect-protocol-version: 1"], watch: () => ({ tierd, fake }) },
      { id: "classify-grpc", label: "tierd Classify, gRPC (no upstream call)", h1: false, url: () => `${tierd.url}/tierd.v1.RouterService/Classify`, bodyFile: files.classifyGrpc, headers: GRPC_HEADERS, watch: () => ({ tierd }) },
    );
    if (cached !== undefined) {
      cases.push({ id: "route-cached", label: "tierd Route, gRPC, cache hit", baseline: "direct", h1: false, url: () => `${cached.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeGrpc, headers: GRPC_HEADERS, watch: () => ({ tierd: cached, fake }) });
    }
  }
  if (workers !== undefined) {
    // The same Route over two processes sharing the port: the scaling factor (on 2 cores, h2load and the fake upstream compete for them).
    cases.push({ id: "route-grpc-workers", label: `tierd Route, gRPC, --workers ${WORKERS}`, baseline: "direct", h1: false, url: () => `${workers.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeGrpc, headers: GRPC_HEADERS, watch: () => ({ tierd: workers, fake }) });
  }
  if (bare !== undefined) {
    // The framework's floor: connect-node alone decoding the same Route request and answering it.
    cases.push({ id: "bare-connect", label: "bare connect-node Route, gRPC (floor: no routing, no upstream)", h1: false, url: () => `${bare.url}/tierd.v1.RouterService/Route`, bodyFile: files.routeGrpc, headers: GRPC_HEADERS, watch: () => ({ bare }) });
  }
  if (peer !== undefined) {
    cases.push({ id: "peer", label: "Portkey gateway 1.15.2", baseline: "direct", h1: true, url: () => `${peer.url}/v1/chat/completions`, bodyFile: files.direct, headers: portkeyHeaders(fake), watch: () => ({ peer, fake }) });
  }
  return cases;
}

/** Runs one case once and measures it, with every watched process's CPU over the run. */
async function runUnary(set: string, c: UnaryCase, concurrency: number, rep: number): Promise<UnarySample> {
  const watched = Object.entries(c.watch());
  // CPU over the whole process tree, here and for streams: a `--workers N`
  // tierd is a primary and N workers.
  const before = watched.map(([, p]) => treeCpuSeconds(p.pid));
  const started = performance.now();
  const r = await runH2load({
    url: c.url(),
    h1: c.h1,
    concurrency,
    durationS: PLAN.durationS,
    warmupS: PLAN.warmupS,
    bodyFile: c.bodyFile,
    headers: c.headers,
    logFile: join(work, "h2load.log"),
  });
  const wallS = (performance.now() - started) / 1000;
  const cpuPct: Record<string, number> = { generator: roundFigure((100 * r.generatorCpuS) / wallS) };
  watched.forEach(([name, p], i) => (cpuPct[name] = roundFigure((100 * (treeCpuSeconds(p.pid) - before[i]!)) / wallS)));
  // Requests over the warm-up too, at the measured rate: the CPU count covers both.
  const requests = r.requestsPerSecond * (PLAN.durationS + PLAN.warmupS);
  const primaryCpuS = (cpuPct[watched[0]![0]]! / 100) * wallS;
  const sample: UnarySample = {
    set,
    caseId: c.id,
    concurrency,
    rep,
    requestsPerSecond: roundFigure(r.requestsPerSecond),
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    meanMs: r.latencyMs.mean,
    failed: r.failed,
    cpuPct,
    cpuUsPerRequest: roundFigure((primaryCpuS / requests) * 1e6),
  };
  log(`${set} | ${c.id} c=${concurrency} #${rep}: ${sample.requestsPerSecond} req/s, p50 ${sample.p50Ms.toFixed(3)} ms, p99 ${sample.p99Ms.toFixed(3)} ms, failed ${r.failed}, cpu ${JSON.stringify(cpuPct)}, ${sample.cpuUsPerRequest} µs CPU/request (${watched[0]![0]})`);
  return sample;
}

/** Loads a case hard and unmeasured (concurrency 256, WARM_UP_S), so a freshly started server's hot paths are optimised before it is measured. */
async function warmUp(c: UnaryCase): Promise<void> {
  log(`warming up ${c.id} (${WARM_UP_S} s at concurrency 256, not measured)`);
  await runH2load({ url: c.url(), h1: c.h1, concurrency: 256, durationS: WARM_UP_S, warmupS: 0, bodyFile: c.bodyFile, headers: c.headers, logFile: join(work, "h2load-warm.log") });
}

/** Repetitions outermost, so every case's repetition runs next to its baseline's under the same conditions. */
async function runUnarySet(set: string, cases: UnaryCase[], samples: UnarySample[], concurrencies = PLAN.concurrencies): Promise<void> {
  for (let rep = 1; rep <= PLAN.reps; rep++) {
    for (const concurrency of concurrencies) {
      for (const c of cases) {
        samples.push(await runUnary(set, c, concurrency, rep));
        await sleep(PLAN.pauseMs);
      }
    }
  }
}

// ---------------------------------------------------------------- streams

interface StreamCase extends CaseInfo {
  spec: Omit<StreamLoadSpec, "concurrency" | "warmupMs" | "durationMs">;
  watch: () => Record<string, ServerProcess>;
}

function streamCases(fake: FakeProcess, tierd: TierdProcess, peer: ServerProcess | undefined): StreamCase[] {
  const sse = chatCompletionJson(true).toString("base64");
  const cases: StreamCase[] = [
    { id: "direct-stream", label: "direct stream from the fake upstream (baseline)", spec: { kind: "sse", url: `${fake.url}/chat/completions`, headers: {}, body: sse }, watch: () => ({ fake }) },
    {
      id: "tierd-stream",
      label: "tierd StreamCompletion, gRPC",
      baseline: "direct-stream",
      spec: { kind: "grpc", url: tierd.url, path: "/tierd.v1.RouterService/StreamCompletion", headers: {}, body: grpcFrame(streamRequestBinary()).toString("base64") },
      watch: () => ({ tierd, fake }),
    },
  ];
  if (peer !== undefined) {
    const headers = Object.fromEntries(portkeyHeaders(fake).slice(1).map((h) => h.split(": ") as [string, string]));
    cases.push({ id: "peer-stream", label: "Portkey gateway stream", baseline: "direct-stream", spec: { kind: "sse", url: `${peer.url}/v1/chat/completions`, headers, body: sse }, watch: () => ({ peer, fake }) });
  }
  return cases;
}

function runStreamLoad(spec: StreamLoadSpec): Promise<StreamLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench", "stream-load.ts"), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`stream-load exited with ${code}: ${err.slice(-1000)}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as StreamLoadResult);
    });
  });
}

async function runStreamCase(c: StreamCase, concurrency: number, rep: number): Promise<StreamSample> {
  const watched = Object.entries(c.watch());
  const before = watched.map(([, p]) => treeCpuSeconds(p.pid));
  const started = performance.now();
  const r = await runStreamLoad({ ...c.spec, concurrency, warmupMs: PLAN.warmupS * 1000, durationMs: PLAN.durationS * 1000 });
  const wallS = (performance.now() - started) / 1000;
  // The generator process also spends its start-up (module loading) inside the wall time; its own count excludes that.
  const cpuPct: Record<string, number> = { generator: roundFigure((100 * r.generatorCpuS) / (PLAN.durationS + PLAN.warmupS)) };
  watched.forEach(([name, p], i) => (cpuPct[name] = roundFigure((100 * (treeCpuSeconds(p.pid) - before[i]!)) / wallS)));
  const sample: StreamSample = {
    caseId: c.id,
    concurrency,
    rep,
    streamsPerSecond: roundFigure(r.streamsPerSecond),
    ttftP50Ms: r.ttftMs.p50,
    ttftP99Ms: r.ttftMs.p99,
    totalP50Ms: r.totalMs.p50,
    totalP99Ms: r.totalMs.p99,
    failed: r.failed,
    errors: r.errors,
    cpuPct,
  };
  log(`stream | ${c.id} c=${concurrency} #${rep}: ${sample.streamsPerSecond} streams/s, TTFT p50 ${sample.ttftP50Ms.toFixed(3)} ms, p99 ${sample.ttftP99Ms.toFixed(3)} ms, failed ${r.failed}${r.errors.length ? ` (${r.errors.join("; ")})` : ""}`);
  return sample;
}

// ---------------------------------------------------------------- other measurements

/** 1,000 streams open at once through a fresh tierd, against a fake that paces its chunks. */
async function openStreams(count: number) {
  const fake = await startFakeProcess({ chunkDelayMs: 200 });
  running.push(fake);
  const tierd = await startTierd("open-streams", fake);
  const idle = memoryMb(tierd.pid);
  await tierd.probe(true);
  let peakRss = idle.rss;
  let peakHeap = 0;
  let peakUpstream = 0;
  let sampling = true;
  const sampler = (async () => {
    for (let i = 0; sampling; i++) {
      peakRss = Math.max(peakRss, memoryMb(tierd.pid).rss);
      // The JS heap's share of the peak (the rest: code, buffers, sockets, native).
      if (i % 4 === 0) peakHeap = Math.max(peakHeap, (await tierd.probe()).heapUsedMb);
      await sleep(50);
    }
  })();
  const upstreamSampler = (async () => {
    while (sampling) {
      const open = await new Promise<number>((resolve) => {
        const onMessage = (m: { type?: string; openRequests?: number }) => {
          if (m.type !== "stats") return;
          fake.child.off("message", onMessage);
          resolve(m.openRequests ?? 0);
        };
        fake.child.on("message", onMessage);
        fake.child.send({ type: "stats" });
      });
      peakUpstream = Math.max(peakUpstream, open);
      await sleep(100);
    }
  })();
  const started = performance.now();
  const r = await runStreamLoad({
    kind: "grpc",
    url: tierd.url,
    path: "/tierd.v1.RouterService/StreamCompletion",
    headers: {},
    body: grpcFrame(streamRequestBinary()).toString("base64"),
    concurrency: count,
    warmupMs: 0,
    durationMs: 0,
    once: true,
    streamsPerConnection: 250,
  });
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await Promise.all([sampler, upstreamSampler]);
  const probe = await tierd.probe();
  const mem = memoryMb(tierd.pid);
  await tierd.stop();
  await fake.stop();
  const result = {
    streams: count,
    ok: r.ok,
    failed: r.failed,
    errors: r.errors,
    seconds: roundFigure(seconds),
    idleRssMb: roundFigure(idle.rss),
    peakRssMb: roundFigure(Math.max(peakRss, mem.peak)),
    peakHeapUsedMb: roundFigure(peakHeap),
    peakUpstreamStreams: peakUpstream,
    ttftP50Ms: roundFigure(r.ttftMs.p50),
    ttftP99Ms: roundFigure(r.ttftMs.p99),
    eventLoopDelayP50Ms: roundFigure(probe.eventLoopP50Ms),
    eventLoopDelayP99Ms: roundFigure(probe.eventLoopP99Ms),
    eventLoopDelayMaxMs: roundFigure(probe.eventLoopMaxMs),
  };
  log(`open streams: ${JSON.stringify(result)}`);
  return result;
}

/**
 * What an LLM gateway mostly does: hold thousands of slow streams. The fake
 * model waits REALISTIC.firstTokenMs before its first token, then streams
 * REALISTIC.answerWords tokens at 40 tokens/s, 4 tokens per chunk every
 * 100 ms (one-token chunks at 5,000 streams would be 200,000 SSE events a
 * second, more than the fake, the gateway and the load generator together
 * can write on 2 cores). Every stream opens at once; each target (the fake
 * alone, tierd, Portkey) gets a fresh fake and a fresh process, one after
 * another.
 */
const REALISTIC = { firstTokenMs: 300, chunkDelayMs: 100, wordsPerChunk: 4, answerWords: 400 };

interface RealisticResult {
  target: string;
  streams: number;
  ok: number;
  failed: number;
  errors: string[];
  seconds: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  idleRssMb?: number;
  peakRssMb?: number;
  /** (peak - idle) / streams. */
  rssKbPerStream?: number;
  /** The gateway's CPU (process tree) per stream. */
  cpuMsPerStream?: number;
  eventLoopDelayP99Ms?: number;
  eventLoopDelayMaxMs?: number;
}

async function realisticStreams(count: number, target: "direct" | "tierd" | "peer"): Promise<RealisticResult> {
  const fake = await startFakeProcess(REALISTIC);
  running.push(fake);
  let gateway: ServerProcess | undefined;
  let tierd: TierdProcess | undefined;
  let spec: StreamLoadSpec;
  const sse = chatCompletionJson(true).toString("base64");
  const base = { concurrency: count, warmupMs: 0, durationMs: 0, once: true };
  if (target === "tierd") {
    gateway = tierd = await startTierd(`realistic-${count}`, fake, "", true);
    spec = { ...base, kind: "grpc", url: tierd.url, path: "/tierd.v1.RouterService/StreamCompletion", headers: {}, body: grpcFrame(streamRequestBinary()).toString("base64"), streamsPerConnection: 250 };
  } else if (target === "peer") {
    gateway = await startPortkeyProcess();
    running.push(gateway);
    const headers = Object.fromEntries(portkeyHeaders(fake).slice(1).map((h) => h.split(": ") as [string, string]));
    spec = { ...base, kind: "sse", url: `${gateway.url}/v1/chat/completions`, headers, body: sse };
  } else {
    spec = { ...base, kind: "sse", url: `${fake.url}/chat/completions`, headers: {}, body: sse };
  }
  await sleep(500);
  const idle = gateway === undefined ? undefined : memoryMb(gateway.pid).rss;
  if (tierd !== undefined) await tierd.probe(true);
  let peak = idle ?? 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling && gateway !== undefined) {
      peak = Math.max(peak, memoryMb(gateway.pid).rss);
      await sleep(50);
    }
  })();
  const cpuBefore = gateway === undefined ? 0 : treeCpuSeconds(gateway.pid);
  const started = performance.now();
  const r = await runStreamLoad(spec);
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const cpu = gateway === undefined ? undefined : treeCpuSeconds(gateway.pid) - cpuBefore;
  const probe = tierd === undefined ? undefined : await tierd.probe();
  if (gateway !== undefined) peak = Math.max(peak, memoryMb(gateway.pid).peak);
  await gateway?.stop();
  await fake.stop();
  const result: RealisticResult = {
    target,
    streams: count,
    ok: r.ok,
    failed: r.failed,
    errors: r.errors,
    seconds: roundFigure(seconds),
    ttftP50Ms: roundFigure(r.ttftMs.p50),
    ttftP99Ms: roundFigure(r.ttftMs.p99),
    totalP50Ms: roundFigure(r.totalMs.p50),
    totalP99Ms: roundFigure(r.totalMs.p99),
    ...(idle === undefined ? {} : { idleRssMb: roundFigure(idle), peakRssMb: roundFigure(peak), rssKbPerStream: roundFigure(((peak - idle) * 1024) / count) }),
    ...(cpu === undefined ? {} : { cpuMsPerStream: roundFigure((cpu * 1000) / count) }),
    ...(probe === undefined ? {} : { eventLoopDelayP99Ms: roundFigure(probe.eventLoopP99Ms), eventLoopDelayMaxMs: roundFigure(probe.eventLoopMaxMs) }),
  };
  log(`realistic streams: ${JSON.stringify(result)}`);
  return result;
}

function realisticTable(rows: RealisticResult[]): string {
  const cell = (x: number | undefined, unit = "") => (x === undefined ? "-" : `${x}${unit}`);
  return [
    "| target | streams | ok / failed | TTFT p50 / p99 ms | whole stream p50 / p99 ms | RSS idle / peak MB | RSS per stream KB | CPU per stream ms | event-loop delay p99 / max ms |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.streams} | ${r.ok} / ${r.failed} | ${r.ttftP50Ms} / ${r.ttftP99Ms} | ${r.totalP50Ms} / ${r.totalP99Ms} | ${cell(r.idleRssMb)} / ${cell(r.peakRssMb)} | ${cell(r.rssKbPerStream)} | ${cell(r.cpuMsPerStream)} | ${cell(r.eventLoopDelayP99Ms)} / ${cell(r.eventLoopDelayMaxMs)} |`,
    ),
  ].join("\n");
}

function runScript(script: string, scriptArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench", script), ...scriptArgs], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}`))));
  });
}

/** Requests recorded by a tierd's ledger, by kind and status: every request the bench sent must be there, and ok. */
function ledgerCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT kind, status, count(*) AS n FROM usage_records GROUP BY kind, status").all() as { kind: string; status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.kind}:${r.status}`, r.n]));
  } finally {
    db.close();
  }
}

/** The selected cases, and the baselines they are measured against. */
function only<T extends CaseInfo>(cases: T[]): T[] {
  if (ONLY === undefined) return cases;
  const wanted = new Set(cases.filter((c) => ONLY.has(c.id)).flatMap((c) => [c.id, ...(c.baseline === undefined ? [] : [c.baseline])]));
  return cases.filter((c) => wanted.has(c.id));
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  ensureH2load(log);
  buildTierd(log);
  let peerProblem: string | undefined = args["no-peer"] ? "skipped (--no-peer)" : undefined;
  if (peerProblem === undefined) {
    try {
      ensurePeersInstalled(log);
    } catch (err) {
      peerProblem = err instanceof Error ? err.message : String(err);
    }
  }
  const loadBefore = loadAverage();
  const startedAt = new Date();
  log(`${QUICK ? "quick" : "full"} run: ${PLAN.reps} repetition(s) x ${PLAN.durationS} s after ${PLAN.warmupS} s warm-up; load average ${loadBefore.one}`);

  const unary: UnarySample[] = [];
  const streams: StreamSample[] = [];
  const skipped: Record<string, string> = {};
  if (peerProblem !== undefined) skipped.peer = peerProblem;

  // Set 1: upstream answers at once; overhead and throughput.
  const fake = await startFakeProcess();
  running.push(fake);
  const tierd = await startTierd("main", fake, "", true);
  const tierdIdleRssMb = roundFigure(memoryMb(tierd.pid).rss);
  let peer: ServerProcess | undefined;
  if (peerProblem === undefined) {
    try {
      peer = await startPortkeyProcess();
      running.push(peer);
    } catch (err) {
      skipped.peer = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    }
  }
  let cached: TierdProcess | undefined;
  if (!QUICK) {
    if ("cache" in configSchema.shape) {
      try {
        cached = await startTierd("cached", fake, "cache:\n  enabled: true\n");
      } catch (err) {
        skipped["route-cached"] = `the response cache did not start with cache.enabled: true (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
      }
    } else {
      skipped["route-cached"] = "this build has no response cache (no `cache` section in the config schema)";
    }
  }
  const bare = await startBareConnectProcess();
  running.push(bare);
  const workers = selected("route-grpc-workers") ? await startTierd("workers", fake, "", false, WORKERS) : undefined;
  const cases = only(unaryCases(fake, tierd, peer, cached, true, bare, workers));
  await runUnarySet("upstream 0 ms", cases, unary);
  const tierdLoadedRssMb = roundFigure(memoryMb(tierd.pid).rss);

  const sCases = only(streamCases(fake, tierd, peer));
  for (let rep = 1; rep <= PLAN.reps; rep++) {
    for (const concurrency of PLAN.concurrencies) {
      for (const c of sCases) {
        streams.push(await runStreamCase(c, concurrency, rep));
        await sleep(PLAN.pauseMs);
      }
    }
  }
  const tierdPeakRssMb = roundFigure(memoryMb(tierd.pid).peak);
  await workers?.stop();
  await cached?.stop();
  await tierd.stop();
  await sleep(200);
  const ledger = ledgerCounts(join(work, "main-ledger.db"));
  await fake.stop();

  // Sets 2 and 3: the upstream takes 50 ms (a fast model) or 500 ms (a
  // typical one); the overhead should vanish into it, up to concurrency 256.
  const delayCases: UnaryCase[] = [];
  for (const latencyMs of DELAY_SETS_MS) {
    if (QUICK || !(ONLY === undefined || ONLY.has(`upstream-${latencyMs}ms`))) continue;
    const slowFake = await startFakeProcess({ latencyMs });
    running.push(slowFake);
    const slowTierd = await startTierd(`upstream-${latencyMs}ms`, slowFake, "", true);
    const all = only(unaryCases(slowFake, slowTierd, peer, undefined, false));
    // This tierd is a fresh process while the peer has served all of set 1,
    // so every case gets the same unmeasured warm-up first: the comparison
    // is then warm against warm (it did not remove tierd's higher CPU per
    // request behind a slow upstream; docs/benchmark.md).
    for (const c of all) await warmUp(c);
    delayCases.push(...all);
    await runUnarySet(`upstream ${latencyMs} ms`, all, unary, DELAY_CONCURRENCIES);
    await slowTierd.stop();
    await slowFake.stop();
  }
  await peer?.stop();
  await bare.stop();

  const open = selected("open-streams") ? await openStreams(PLAN.openStreams) : undefined;
  const realistic: RealisticResult[] = [];
  if (selected("realistic-streams")) {
    const counts = args["realistic-streams"]?.split(",").map(Number) ?? (QUICK ? [200] : [1000, 5000]);
    for (const count of counts) {
      for (const target of ["direct", "tierd", "peer"] as const) {
        if (target === "peer" && skipped.peer !== undefined) continue;
        realistic.push(await realisticStreams(count, target));
      }
    }
  }
  let classifier: Record<string, unknown> = {};
  if (selected("classifier")) {
    log("local classifier (bench/classifier.ts)");
    classifier = JSON.parse(await runScript("classifier.ts", [])) as Record<string, unknown>;
  }
  let ledgerBench: string[] | undefined;
  if (!QUICK && selected("ledger")) {
    log("usage ledger (bench/ledger.ts)");
    ledgerBench = (await runScript("ledger.ts", [])).trim().split("\n");
  }
  // The usage report over a 1-million-record SQLite ledger (target: under 2 s; about a minute, mostly writing the ledger).
  let reportBench: unknown;
  if (!QUICK && selected("report")) {
    log("usage report, 1M records (bench/report.ts)");
    reportBench = JSON.parse(await runScript("report.ts", ["--rows", "1000000"])) as unknown;
  }
  const loadAfter = loadAverage();

  // ------------------------------------------------------------ results
  const allCases: CaseInfo[] = [...cases, ...sCases];
  const set0 = summarizeUnary(unary.filter((s) => s.set === "upstream 0 ms"), allCases);
  const set50 = summarizeUnary(unary.filter((s) => s.set === "upstream 50 ms"), delayCases);
  const set500 = summarizeUnary(unary.filter((s) => s.set === "upstream 500 ms"), delayCases);
  const streamSummary = summarizeStreams(streams, allCases);
  const maxConc = Math.max(...PLAN.concurrencies);
  const set0Samples = unary.filter((s) => s.set === "upstream 0 ms");
  const ratios: Record<string, ReturnType<typeof throughputRatio>> = {};
  if (peer !== undefined) {
    for (const c of PLAN.concurrencies) ratios[`route-grpc/peer @${c}`] = throughputRatio(set0Samples, "route-grpc", "peer", c);
    if (!QUICK) {
      for (const ms of DELAY_SETS_MS) {
        const set = unary.filter((s) => s.set === `upstream ${ms} ms`);
        if (set.length > 0) for (const c of DELAY_CONCURRENCIES) ratios[`route-grpc/peer @${c}, upstream ${ms} ms`] = throughputRatio(set, "route-grpc", "peer", c);
      }
    }
  }
  // What a second worker buys: its Route throughput over one worker's, per concurrency.
  if (workers !== undefined) for (const c of PLAN.concurrencies) ratios[`route-grpc --workers ${WORKERS}/1 worker @${c}`] = throughputRatio(set0Samples, "route-grpc-workers", "route-grpc", c);
  const grpc1 = set0.find((r) => r.label === "tierd Route, gRPC" && r.concurrency === 1);
  const stream1 = streamSummary.find((r) => r.label === "tierd StreamCompletion, gRPC" && r.concurrency === 1);
  const classifier500 = (classifier.prompts500Words as { p99Us?: number } | undefined)?.p99Us;
  const ratio64 = ratios[`route-grpc/peer @${maxConc}`];
  // tierd's Route CPU per request as a multiple of bare connect-node's, per concurrency (medians of the repetitions).
  const cpuMultiples: Record<string, number> = {};
  for (const c of PLAN.concurrencies) {
    const route = set0.find((r) => r.label === "tierd Route, gRPC" && r.concurrency === c)?.cpuUsPerRequest.median;
    const floor = set0.find((r) => r.label.startsWith("bare connect-node") && r.concurrency === c)?.cpuUsPerRequest.median;
    if (route !== undefined && floor !== undefined && floor > 0) cpuMultiples[`route-grpc CPU / bare connect-node CPU @${c}`] = roundFigure(route / floor);
  }
  const targets: TargetCheck[] = [
    { name: "added latency, Route gRPC, concurrency 1, p50", target: "<= 0.25 ms", measured: `${formatSpread(grpc1?.overheadP50Ms, 3)} ms`, met: grpc1?.overheadP50Ms === undefined ? undefined : grpc1.overheadP50Ms.median <= 0.25 },
    { name: "added latency, Route gRPC, concurrency 1, p99", target: "<= 1 ms", measured: `${formatSpread(grpc1?.overheadP99Ms, 3)} ms`, met: grpc1?.overheadP99Ms === undefined ? undefined : grpc1.overheadP99Ms.median <= 1 },
    { name: `throughput vs Portkey at concurrency ${maxConc}`, target: ">= 5x", measured: ratio64 === undefined ? "-" : `${formatSpread(ratio64)}x`, met: ratio64 === undefined ? undefined : ratio64.median >= 5 },
    { name: "added TTFT, StreamCompletion, concurrency 1, p50", target: "<= 0.5 ms", measured: `${formatSpread(stream1?.ttftOverheadP50Ms, 3)} ms`, met: stream1?.ttftOverheadP50Ms === undefined ? undefined : stream1.ttftOverheadP50Ms.median <= 0.5 },
    { name: "local classifier p99, 500-word prompt", target: "<= 1 ms", measured: classifier500 === undefined ? "-" : `${classifier500} µs`, met: classifier500 === undefined ? undefined : classifier500 <= 1000 },
    { name: `${PLAN.openStreams} concurrent streams, peak RSS`, target: "< 250 MB", measured: open === undefined ? "-" : `${open.peakRssMb} MB`, met: open === undefined || open.ok !== open.streams ? undefined : open.peakRssMb < 250 },
    // Issue 15's done-means, where this run measured them.
    ...PLAN.concurrencies.map((c): TargetCheck => {
      const m = cpuMultiples[`route-grpc CPU / bare connect-node CPU @${c}`];
      return { name: `Route gRPC CPU per request over bare connect-node's, concurrency ${c}`, target: "<= 2x", measured: m === undefined ? "-" : `${m}x`, met: m === undefined ? undefined : m <= 2 };
    }),
    { name: `throughput of one worker vs Portkey at concurrency ${maxConc}`, target: ">= 2x", measured: ratio64 === undefined ? "-" : `${formatSpread(ratio64)}x`, met: ratio64 === undefined ? undefined : ratio64.median >= 2 },
    ...[16, 64].map((c): TargetCheck => {
      const t = set50.find((r) => r.label === "tierd Route, gRPC" && r.concurrency === c)?.overheadP50Ms;
      const p = set50.find((r) => r.label.startsWith("Portkey") && r.concurrency === c)?.overheadP50Ms;
      return { name: `added p50 behind a 50 ms upstream, concurrency ${c}, vs Portkey's`, target: "<= Portkey's", measured: t === undefined || p === undefined ? "-" : `${t.median} ms vs ${p.median} ms`, met: t === undefined || p === undefined ? undefined : t.median <= p.median };
    }),
    ...realistic
      .filter((r) => r.target === "tierd" && r.streams === Math.max(...realistic.map((x) => x.streams)))
      .flatMap((r): TargetCheck[] => [
        { name: `${r.streams} slow streams: all complete`, target: `${r.streams}`, measured: `${r.ok}`, met: r.ok === r.streams },
        { name: `${r.streams} slow streams: RSS per open stream above idle`, target: "<= 30 KB", measured: `${r.rssKbPerStream} KB`, met: r.rssKbPerStream === undefined ? undefined : r.rssKbPerStream <= 30 },
        { name: `${r.streams} slow streams: event-loop delay p99`, target: "< 50 ms", measured: `${r.eventLoopDelayP99Ms} ms`, met: r.eventLoopDelayP99Ms === undefined ? undefined : r.eventLoopDelayP99Ms < 50 },
      ]),
  ];

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGb: Math.round(totalmem() / 2 ** 30) };
  const results = {
    date: startedAt.toISOString(),
    mode: QUICK ? "quick" : "full",
    node: process.version,
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    plan: PLAN,
    method:
      "h2load (nghttp2) drives the unary cases, one thread; HTTP/1.1 with one connection per in-flight request for the direct call and the peer, HTTP/2 with up to 16 streams per connection for tierd; p50/p99 from its per-request log. Streams: bench/stream-load.ts in its own process. Added latency = the case's percentile minus the direct call's in the same repetition (runs interleaved).",
    skipped,
    unary: { "upstream 0 ms": set0, "upstream 50 ms": set50, "upstream 500 ms": set500 },
    streams: streamSummary,
    throughputRatios: ratios,
    cpuMultiples,
    memory: { tierdIdleRssMb, tierdRssAfterUnaryMb: tierdLoadedRssMb, tierdPeakRssMb },
    ...(open === undefined ? {} : { openStreams: open }),
    ...(realistic.length === 0 ? {} : { realisticStreams: { upstream: REALISTIC, results: realistic } }),
    classifier,
    ...(ledgerBench === undefined ? {} : { ledgerBench }),
    ...(reportBench === undefined ? {} : { reportBench }),
    // Every request tierd answered, by kind and status. "canceled" are the
    // requests in flight when a run's measuring window closed (h2load resets them).
    verification: { ledger },
    targets,
    samples: { unary, streams },
  };
  mkdirSync(join(REPO_ROOT, "bench", "results"), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");

  const failedLedger = Object.entries(ledger).filter(([k]) => !k.endsWith(":ok") && !k.endsWith(":canceled"));
  const md = [
    `## tierd benchmark, ${startedAt.toISOString().slice(0, 10)} (${results.mode})`,
    "",
    `${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${process.version}; load average ${loadBefore.one} before, ${loadAfter.one} after. ${PLAN.reps} repetition(s) of ${PLAN.durationS} s after ${PLAN.warmupS} s warm-up; medians, with the range across repetitions in brackets.`,
    "",
    "### Unary, upstream answering at once",
    "",
    unaryTable(set0),
    ...(set50.length > 0 ? ["", "### Unary, upstream taking 50 ms", "", unaryTable(set50)] : []),
    ...(set500.length > 0 ? ["", "### Unary, upstream taking 500 ms", "", unaryTable(set500)] : []),
    "",
    "### Streaming (time to first token)",
    "",
    streamTable(streamSummary),
    "",
    ...(open === undefined
      ? []
      : [
          `### ${open.streams} concurrent streams`,
          "",
          `${open.ok} ok, ${open.failed} failed in ${open.seconds} s; tierd RSS ${open.idleRssMb} MB idle, peak ${open.peakRssMb} MB (JS heap in use at most ${open.peakHeapUsedMb} MB); event-loop delay p50 ${open.eventLoopDelayP50Ms} ms, p99 ${open.eventLoopDelayP99Ms} ms, max ${open.eventLoopDelayMaxMs} ms; at most ${open.peakUpstreamStreams} upstream streams open at once.`,
          "",
        ]),
    ...(realistic.length === 0
      ? []
      : [
          `### Slow streams: first token after ${REALISTIC.firstTokenMs} ms, then ${REALISTIC.answerWords} tokens at 40 tokens/s`,
          "",
          realisticTable(realistic),
          "",
        ]),
    "### Targets",
    "",
    targetsTable(targets),
    "",
    `Throughput ratios (tierd/peer, and --workers over one worker): ${Object.entries(ratios).map(([k, v]) => `${k}: ${formatSpread(v)}`).join("; ") || "-"}`,
    `tierd Route CPU per request as a multiple of bare connect-node's (the same Route request decoded and answered by connect-node alone): ${Object.entries(cpuMultiples).map(([k, v]) => `${k.replace(/^.*@/, "concurrency ")}: ${v}x`).join("; ") || "-"}`,
    `tierd RSS: ${tierdIdleRssMb} MB idle, ${tierdLoadedRssMb} MB after the unary cases, peak ${tierdPeakRssMb} MB.`,
    ...Object.entries(skipped).map(([k, v]) => `Skipped ${k}: ${v}`),
    failedLedger.length > 0
      ? `**The ledger recorded failed requests: ${JSON.stringify(ledger)}**`
      : `Ledger: ${JSON.stringify(ledger)} (every request ok; canceled ones were in flight when a run's window closed).`,
    "",
    `Written to ${OUT.replace(REPO_ROOT + "/", "")}.`,
  ].join("\n");
  process.stdout.write(md + "\n");
}

try {
  await main();
} finally {
  for (const p of running.reverse()) await p.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
