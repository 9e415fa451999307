// The streaming load generator, a process of its own: N workers, each
// opening one stream after another (or exactly one, with `once`), timing the
// first content delta (TTFT) and the whole stream. gRPC streams go over raw
// HTTP/2 with a prebuilt request frame (no client library on the measured
// path); OpenAI-style SSE streams over HTTP/1.1 keep-alive.
//
//   node --import tsx bench/stream-load.ts '<StreamLoadSpec as JSON>'
//
// Prints one JSON line: a StreamLoadResult.
import http from "node:http";
import http2 from "node:http2";
import { DELTA_TAG } from "./lib/payloads.js";
import { summarizeLatencies, type LatencySummary } from "./lib/stats.js";

export interface StreamLoadSpec {
  kind: "grpc" | "sse";
  /** grpc: the server origin; sse: the chat completions URL. */
  url: string;
  /** grpc: the method path, e.g. /tierd.v1.RouterService/StreamCompletion. */
  path?: string;
  headers: Record<string, string>;
  /** The request body, base64. */
  body: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Each worker sends exactly one stream, all at once; no warm-up, no time limit. */
  once?: boolean;
  /** grpc: streams per HTTP/2 connection. */
  streamsPerConnection?: number;
}

export interface StreamLoadResult {
  ok: number;
  failed: number;
  /** First few distinct failure reasons. */
  errors: string[];
  ttftMs: LatencySummary;
  totalMs: LatencySummary;
  streamsPerSecond: number;
  /** CPU seconds this generator used. */
  generatorCpuS: number;
}

interface StreamTiming {
  ttftMs: number;
  totalMs: number;
}

type OpenStream = () => Promise<StreamTiming>;

function grpcOpener(spec: StreamLoadSpec, sessions: http2.ClientHttp2Session[], body: Buffer): (worker: number) => OpenStream {
  return (worker) => () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      let ttft = Number.NaN;
      const req = sessions[worker % sessions.length]!.request({
        ":method": "POST",
        ":path": spec.path!,
        "content-type": "application/grpc",
        te: "trailers",
        ...spec.headers,
      });
      let status: string | undefined;
      // gRPC framing: 5 header bytes (flag, 4-byte length) then the message.
      // Only each message's first byte matters: its tag says decision, delta or summary.
      const header = Buffer.alloc(5);
      let headerFill = 0;
      let remaining = 0;
      let atStart = false;
      req.on("response", (headers) => {
        if (headers[":status"] !== 200) status = `http ${headers[":status"]}`;
        const trailersOnly = headers["grpc-status"];
        if (trailersOnly !== undefined) status = String(trailersOnly);
      });
      req.on("data", (chunk: Buffer) => {
        let i = 0;
        while (i < chunk.length) {
          if (remaining === 0) {
            header[headerFill++] = chunk[i++]!;
            if (headerFill === 5) {
              headerFill = 0;
              remaining = header.readUInt32BE(1);
              atStart = remaining > 0;
            }
            continue;
          }
          if (atStart) {
            if (Number.isNaN(ttft) && chunk[i] === DELTA_TAG) ttft = performance.now() - started;
            atStart = false;
          }
          const take = Math.min(remaining, chunk.length - i);
          i += take;
          remaining -= take;
        }
      });
      req.on("trailers", (trailers) => {
        status ??= String(trailers["grpc-status"]);
      });
      req.on("error", reject);
      req.on("close", () => {
        if (status !== "0") return reject(new Error(`grpc-status ${status ?? "missing"}`));
        if (Number.isNaN(ttft)) return reject(new Error("stream ended without a content delta"));
        resolve({ ttftMs: ttft, totalMs: performance.now() - started });
      });
      req.end(body);
    });
}

const CONTENT = /"content":"[^"]/;

function sseOpener(spec: StreamLoadSpec, agent: http.Agent, body: Buffer): (worker: number) => OpenStream {
  const url = new URL(spec.url);
  const headers = { "content-type": "application/json", "content-length": String(body.length), ...spec.headers };
  return () => () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      let ttft = Number.NaN;
      let tail = "";
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers }, (res) => {
        res.setEncoding("utf8");
        res.on("data", (text: string) => {
          // Keep a short tail so a pattern split across two reads is still seen.
          const window = tail + text;
          if (Number.isNaN(ttft) && CONTENT.test(window)) ttft = performance.now() - started;
          tail = window.slice(-32);
        });
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`http ${res.statusCode}`));
          if (!tail.includes("[DONE]")) return reject(new Error("stream ended without [DONE]"));
          if (Number.isNaN(ttft)) return reject(new Error("stream ended without a content delta"));
          resolve({ ttftMs: ttft, totalMs: performance.now() - started });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
}

export async function runStreamLoad(spec: StreamLoadSpec): Promise<StreamLoadResult> {
  const body = Buffer.from(spec.body, "base64");
  const sessions: http2.ClientHttp2Session[] = [];
  let agent: http.Agent | undefined;
  let opener: (worker: number) => OpenStream;
  if (spec.kind === "grpc") {
    const count = Math.ceil(spec.concurrency / (spec.streamsPerConnection ?? 16));
    for (let i = 0; i < count; i++) {
      const session = http2.connect(spec.url);
      session.on("error", () => undefined);
      sessions.push(session);
    }
    opener = grpcOpener(spec, sessions, body);
  } else {
    agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
    opener = sseOpener(spec, agent, body);
  }

  const ttfts: number[] = [];
  const totals: number[] = [];
  const errors = new Set<string>();
  let failed = 0;
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const measureFrom = spec.once ? t0 : t0 + spec.warmupMs;
  const stopAt = spec.once ? Infinity : measureFrom + spec.durationMs;

  const worker = async (index: number) => {
    const open = opener(index);
    do {
      const startedAt = performance.now();
      if (startedAt >= stopAt) return;
      try {
        const timing = await open();
        if (startedAt >= measureFrom && performance.now() <= stopAt) {
          ttfts.push(timing.ttftMs);
          totals.push(timing.totalMs);
        }
      } catch (err) {
        failed++;
        if (errors.size < 5) errors.add(err instanceof Error ? err.message : String(err));
      }
    } while (!spec.once);
  };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => worker(i)));
  const elapsedMs = spec.once ? performance.now() - t0 : spec.durationMs;
  const cpu = process.cpuUsage(cpuStart);

  for (const s of sessions) s.close();
  agent?.destroy();
  return {
    ok: ttfts.length,
    failed,
    errors: [...errors],
    ttftMs: summarizeLatencies(ttfts),
    totalMs: summarizeLatencies(totals),
    streamsPerSecond: (ttfts.length / elapsedMs) * 1000,
    generatorCpuS: (cpu.user + cpu.system) / 1e6,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as StreamLoadSpec;
  const result = await runStreamLoad(spec);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}
