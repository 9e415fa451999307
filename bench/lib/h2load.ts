// h2load (nghttp2's load generator, written in C) drives the unary cases: it
// sends HTTP/1.1 (the baseline and the peer) and HTTP/2 (gRPC and Connect
// framing from a prebuilt body file) at a fixed concurrency, and writes every
// request's duration to a log file, from which p50/p99 are computed (its own
// summary only has min/max/mean/sd).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { summarizeLatencies, type LatencySummary } from "./stats.js";

export interface H2loadOptions {
  url: string;
  /** HTTP/1.1 with one request in flight per connection; otherwise HTTP/2 (h2c prior knowledge). */
  h1: boolean;
  /** Requests in flight at once. */
  concurrency: number;
  durationS: number;
  warmupS: number;
  /** The POST body. */
  bodyFile: string;
  headers: readonly string[];
  logFile: string;
  /** Run under `taskset -c CPUS`. */
  cpus?: string;
}

export interface H2loadResult {
  /** Completed requests with a 2xx status in the measured window. */
  succeeded: number;
  /** Requests that failed, errored, timed out or answered non-2xx. */
  failed: number;
  requestsPerSecond: number;
  /** Milliseconds, successful requests only. */
  latencyMs: LatencySummary;
  /** CPU seconds h2load itself used (user + system). */
  generatorCpuS: number;
}

/** HTTP/2 streams per connection: a gRPC client multiplexes, but not 64 calls on one socket. */
const STREAMS_PER_CONNECTION = 16;

/** -c (connections) and -m (streams per connection) for a concurrency. */
export function connectionsFor(concurrency: number, h1: boolean): { clients: number; streams: number } {
  if (h1) return { clients: concurrency, streams: 1 };
  const clients = Math.ceil(concurrency / STREAMS_PER_CONNECTION);
  return { clients, streams: Math.ceil(concurrency / clients) };
}

/** Installs Debian's nghttp2-client when h2load is missing (the machines here are Debian, as root). */
export function ensureH2load(log: (line: string) => void): void {
  if (spawnSync("h2load", ["--version"]).status === 0) return;
  log("h2load not found: installing Debian's nghttp2-client (apt-get update && apt-get install -y nghttp2-client)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "nghttp2-client"]]) {
    const r = spawnSync("apt-get", args, { env, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (status ${r.status}); install nghttp2-client by hand`);
  }
}

export async function runH2load(options: H2loadOptions): Promise<H2loadResult> {
  const { clients, streams } = connectionsFor(options.concurrency, options.h1);
  // h2load appends to an existing log file.
  rmSync(options.logFile, { force: true });
  const args = [
    ...(options.h1 ? ["--h1"] : []),
    "-t", "1",
    "-c", String(clients),
    "-m", String(streams),
    "-D", String(options.durationS),
    `--warm-up-time=${options.warmupS}`,
    "-d", options.bodyFile,
    `--log-file=${options.logFile}`,
    ...options.headers.flatMap((h) => ["-H", h]),
    options.url,
  ];
  const command = options.cpus === undefined ? ["h2load", ...args] : ["taskset", "-c", options.cpus, "h2load", ...args];
  // bash's `times` prints the CPU time of the children it waited for: h2load's own.
  const script = '"$@"; status=$?; times >&2; exit $status';
  const { code, stdout, stderr } = await run("bash", ["-c", script, "bench", ...command]);
  if (code !== 0) throw new Error(`h2load exited with ${code}: ${stderr.slice(-500)}`);
  const summary = parseH2loadSummary(stdout);
  const log = parseH2loadLog(readFileSync(options.logFile, "utf8"));
  return {
    succeeded: log.latenciesMs.length,
    failed: summary.failed + log.non2xx,
    requestsPerSecond: log.latenciesMs.length / options.durationS,
    latencyMs: summarizeLatencies(log.latenciesMs),
    generatorCpuS: parseBashTimes(stderr),
  };
}

/** Failure counts from h2load's summary ("requests: N total, ... S succeeded, F failed, E errored, T timeout"). */
export function parseH2loadSummary(stdout: string): { total: number; succeeded: number; failed: number } {
  const m = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  if (!m) throw new Error(`unexpected h2load output:\n${stdout.slice(-1000)}`);
  const [total, succeeded, failed, errored, timeout] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { total, succeeded, failed: failed + errored + timeout };
}

/**
 * h2load's --log-file: one line per request in the measured window, "start
 * (µs since epoch) TAB status TAB duration (µs)". Status 0 is a request cut
 * off when the window closed.
 */
export function parseH2loadLog(text: string): { latenciesMs: number[]; non2xx: number } {
  const latenciesMs: number[] = [];
  let non2xx = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [, status, micros] = line.split("\t");
    const code = Number(status);
    if (code === 0) continue;
    if (code >= 200 && code < 300) latenciesMs.push(Number(micros) / 1000);
    else non2xx++;
  }
  return { latenciesMs, non2xx };
}

/** The children's line of bash's `times` ("0m1.230s 0m0.450s"): user + system seconds. */
export function parseBashTimes(stderr: string): number {
  const lines = stderr.trim().split("\n");
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? "");
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
