// `tierd serve --workers 2`: two processes answer on one port; a worker
// that dies is replaced while the other keeps serving; SIGTERM to the
// primary drains both and exits 0; a config whose budgets would be counted
// per process is refused before anything starts.
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, testKey } from "../callers/keys.js";
import { writeTempConfig } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function serve(args: string[]) {
  const child = spawn(process.execPath, ["bin/tierd.js", "serve", ...args], { env: { ...process.env, TIERD_WORKERS: "" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function until<T>(what: string, read: () => T | undefined, output: () => string, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Classify over a fresh HTTP/1.1 connection (so the primary hands each to a worker). */
function classify(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Is 7 prime?" }] });
    const req = request(
      { host: "127.0.0.1", port, path: "/tierd.v1.RouterService/Classify", method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const pidsOf = (out: string) => [...out.matchAll(/"msg":"tierd worker started","pid":(\d+)/g)].map((m) => Number(m[1]));

describe("tierd serve --workers", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("serves on one port from two processes, replaces a worker that dies, and drains both on SIGTERM", { timeout: 90_000 }, async () => {
    const config = writeTempConfig(baseConfigYaml(fake.url).replace("level: silent", "level: info"));
    const p = serve(["--config", config, "--port", "0", "--workers", "2"]);
    const port = await until("two workers listening", () => {
      const ports = [...p.output().matchAll(/"msg":"tierd listening","url":"http:\/\/127\.0\.0\.1:(\d+)"/g)].map((m) => Number(m[1]));
      return ports.length >= 2 && pidsOf(p.output()).length >= 2 ? ports[0] : undefined;
    }, p.output);
    const [first, second] = pidsOf(p.output());
    expect(first).not.toBe(second);
    for (let i = 0; i < 6; i++) expect(await classify(port)).toBe(200);

    process.kill(first!, "SIGKILL");
    await until("a replacement worker", () => (pidsOf(p.output()).length >= 3 ? true : undefined), p.output);
    expect(p.output()).toContain('"msg":"tierd worker exited; starting another"');
    for (let i = 0; i < 6; i++) expect(await classify(port)).toBe(200);

    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    const alive = pidsOf(p.output()).filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });

  it("refuses several workers when budgets would be counted per process", async () => {
    const key = testKey("tierd_test_workers_0123456789abcdef0", "w", { budgets: ["b"] });
    const config = writeTempConfig(authConfigYaml(fake.url, [key], { budgets: { b: { usd_per_day: 1 } } }));
    const p = serve(["--config", config, "--port", "0", "--workers", "2"]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain("--workers 2: budgets and rate limits must be counted once across the workers, so they need counters.store: redis");
  });

  it("refuses a bad --workers value", async () => {
    const p = serve(["--workers", "0"]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('--workers must be an integer in 1-256 or "auto", got "0"');
  });
});
