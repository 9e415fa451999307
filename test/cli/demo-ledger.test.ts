// Demo mode's simulated spend lives in a ledger of its own: `tierd serve`
// on the embedded config with no TIERD_BASE_URL writes .tierd/demo-ledger.db,
// never .tierd/ledger.db, and `tierd report` there says the ledger it read
// is the demo's. Run as operators run it: child processes in a fresh folder.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = resolve("bin/tierd.js");
const dir = mkdtempSync(join(tmpdir(), "tierd-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("demo mode's ledger", () => {
  it("keeps simulated spend out of the real ledger, and the report names the demo ledger", { timeout: 60_000 }, async () => {
    const { TIERD_CONFIG: _c, TIERD_BASE_URL: _u, TIERD_DATABASE_URL: _d, ...base } = process.env;
    const env = { ...base, TIERD_PORT: "0", TIERD_HOST: "127.0.0.1" };
    const server = spawn(process.execPath, [BIN, "serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const exited = new Promise<number | null>((r) => server.once("exit", (code) => r(code)));
    try {
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`tierd did not start:\n${log}`)), 40_000);
        const onData = (c: Buffer) => {
          log += c.toString();
          const m = /"msg":"tierd listening","url":"([^"]+)"/.exec(log);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        };
        server.stdout!.on("data", onData);
        server.stderr!.on("data", onData);
        void exited.then((code) => fail(new Error(`tierd exited with ${code}:\n${log}`)));
      });
      expect(log).toMatch(/DEMO MODE.*demo ledger.*"ledger":"sqlite:\.tierd\/demo-ledger\.db"/);
      const res = await fetch(`${url}/tierd.v1.RouterService/Route`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Is 7 a prime number?" }], tierOverride: "TIER_NANO" }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { content: string }).content).toContain("Simulated answer");
    } finally {
      server.kill("SIGTERM");
      await exited;
    }
    expect(existsSync(join(dir, ".tierd", "demo-ledger.db"))).toBe(true);
    expect(existsSync(join(dir, ".tierd", "ledger.db"))).toBe(false);

    const report = await run(["report", "--format", "json"], env);
    expect(report.code).toBe(0);
    expect(report.stderr).toContain("DEMO LEDGER (.tierd/demo-ledger.db)");
    expect((JSON.parse(report.stdout) as { totals: { requests: string } }).totals.requests).toBe("1");
  });
});
