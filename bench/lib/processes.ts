// The benchmark's servers, each a process of its own: the fake upstream,
// tierd (as operators run it: bin/tierd.js serve --config) and the peer
// gateway. Each start waits for the process to say where it listens.
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What bench/lib/tierd-probe.mjs, preloaded into tierd, answers over IPC. */
export interface ProbeReport {
  type: "probe";
  /** Event-loop delay percentiles since the last reset, in ms (10 ms sampling resolution). */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssMb: number;
  heapUsedMb: number;
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PEERS_DIR = join(REPO_ROOT, "bench", "peers");
const PORTKEY_SERVER = join(PEERS_DIR, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Base URL: ends in /v1 for the fake upstream, host:port for tierd and the peer. */
  readonly url: string;
  /** What the process wrote to stderr, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface FakeProcess extends ServerProcess {
  /** Chat requests the fake has received since it started. */
  requestCount(): Promise<number>;
}

export interface TierdProcess extends ServerProcess {
  /** Event-loop delay since the last reset, and memory, from the preloaded probe. */
  probe(reset?: boolean): Promise<ProbeReport>;
}

const START_TIMEOUT_MS = 30_000;

export interface FakeProcessOptions {
  latencyMs?: number;
  chunkDelayMs?: number;
  wordsPerChunk?: number;
  firstTokenMs?: number;
  answerWords?: number;
}

export async function startFakeProcess(options: FakeProcessOptions = {}): Promise<FakeProcess> {
  const flags = [
    ["--latency-ms", options.latencyMs],
    ["--chunk-delay-ms", options.chunkDelayMs],
    ["--words-per-chunk", options.wordsPerChunk],
    ["--first-token-ms", options.firstTokenMs],
    ["--answer-words", options.answerWords],
  ].flatMap(([flag, value]) => (value === undefined ? [] : [flag as string, String(value)]));
  const child = fork(join(REPO_ROOT, "bench", "fake-upstream-server.ts"), flags, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const server = await serverOf(child, "fake upstream", "stdout");
  return {
    ...server,
    requestCount: () => ask<{ requests: number }>(child, { type: "stats" }, "stats").then((s) => s.requests),
  };
}

export interface TierdStartOptions {
  configFile: string;
  env: Record<string, string>;
  /** Write a V8 CPU profile into this directory when tierd exits. */
  cpuProfileDir?: string;
  /** `tierd serve --workers N`: started once every worker listens. */
  workers?: number;
}

export async function startTierdProcess(options: TierdStartOptions): Promise<TierdProcess> {
  const probe = pathToFileURL(join(REPO_ROOT, "bench", "lib", "tierd-probe.mjs")).href;
  const workers = options.workers ?? 1;
  const child = fork(join(REPO_ROOT, "bin", "tierd.js"), ["serve", "--config", options.configFile, "--port", "0", ...(workers > 1 ? ["--workers", String(workers)] : [])], {
    cwd: REPO_ROOT,
    // BENCH_TIERD_NODE_ARGS: extra node/V8 flags for tierd, for experiments (for example "--no-memory-reducer").
    execArgv: ["--import", probe, ...(options.cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`]), ...(process.env.BENCH_TIERD_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  // Each worker says it listens (on the one shared port): wait for all of them.
  const server = await serverOf(child, "tierd", "stderr", new RegExp(`(?:[\\s\\S]*?"msg":"tierd listening","url":"([^"]+)"){${workers}}`));
  return { ...server, probe: (reset = false) => ask<ProbeReport>(child, { type: "probe", reset }, "probe") };
}

/**
 * Brings dist/ up to date, so the benchmark measures tierd as `npm start`
 * runs it: compiled, not through tsx's loader.
 */
export function buildTierd(log: (line: string) => void): void {
  log("building tierd (npm run build)");
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "build.mjs")], { cwd: REPO_ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

/** Installs the peers' package.json into bench/peers/node_modules on first use. */
export function ensurePeersInstalled(log: (line: string) => void): void {
  if (existsSync(PORTKEY_SERVER)) return;
  log("installing the peer gateway into bench/peers (npm ci, first run only)");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: PEERS_DIR, stdio: "inherit" });
  if (r.status !== 0 || !existsSync(PORTKEY_SERVER)) throw new Error("npm ci in bench/peers failed; the peer case needs @portkey-ai/gateway");
}

/** The Portkey gateway's own start script, bound to 127.0.0.1 on a free port. */
export async function startPortkeyProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", pathToFileURL(join(PEERS_DIR, "listen-loopback.mjs")).href, PORTKEY_SERVER, "--port=0", "--headless"], {
    cwd: PEERS_DIR,
    // production: no bundled web UI routes, no dev-only behaviour.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return serverOf(child, "Portkey gateway", "stdout");
}

/** The bare connect-node Route server (bench/bare-connect-server.ts): the framework's floor. */
export async function startBareConnectProcess(): Promise<ServerProcess> {
  const child = fork(join(REPO_ROOT, "bench", "bare-connect-server.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  return serverOf(child, "bare connect-node server", "stdout");
}

/** Binds a child to CPUs (all its threads), for runs that pin processes apart. */
export function pin(pid: number, cpus: string): void {
  spawnSync("taskset", ["-a", "-pc", cpus, String(pid)], { stdio: "ignore" });
}

function serverOf(child: ChildProcess, name: string, stream: "stdout" | "stderr", pattern = /\{"url":"([^"]+)"\}/): Promise<ServerProcess> {
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stderr!.on("data", (c: Buffer) => {
    // Keep the tail only: a long run must not grow this without bound.
    out = (out + c.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    let seen = "";
    let started = false;
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child[stream]!.on("data", (c: Buffer) => {
      if (started) return;
      seen += c.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      started = true;
      resolve({
        child,
        pid: child.pid!,
        url: match[1]!,
        output: () => out,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    if (stream === "stdout") child.stderr!.resume();
    else child.stdout!.resume();
    void exited.then(() => {
      if (!started) fail(new Error(`${name} exited before it listened (code ${child.exitCode}):\n${out}`));
    });
  });
}

function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} answer from process ${child.pid}`)), 5_000);
    const onMessage = (m: { type?: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(m as T);
    };
    child.on("message", onMessage);
    child.send(message);
  });
}
