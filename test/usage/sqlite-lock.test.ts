// A second process holding the SQLite ledger locked does not stop tierd
// answering: the ledger's writes give up after a short busy timeout and are
// retried later (asynchronously), so calls are answered while the lock is
// held, and every record lands once it is released. The lock is real: a
// child process with BEGIN EXCLUSIVE on the same file.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const HOLD_MS = 6_000;

describe("a SQLite ledger locked by another process", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierd-sqlite-lock-"));
  const file = join(dir, "ledger.db");
  let tierd: Tierd;
  beforeAll(async () => {
    const yaml = baseConfigYaml("http://127.0.0.1:9/v1").replace('database_url: "sqlite::memory:"', `database_url: "sqlite:${file}"\n  flush_interval_ms: 100\n  spool_dir: ""`);
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(500);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps answering while the lock is held, and writes every record after it is released", { timeout: 60_000 }, async () => {
    const holder = spawn(
      process.execPath,
      ["-e", `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(file)}); db.exec("BEGIN EXCLUSIVE"); process.stdout.write("locked\\n"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${HOLD_MS});`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    const released = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
    const ids: string[] = [];
    const lockedUntil = Date.now() + HOLD_MS - 1_000;
    let slowest = 0;
    for (let i = 0; Date.now() < lockedUntil; i++) {
      const t0 = Date.now();
      const res = await client.classify({ messages: [{ role: Role.USER, content: `while locked ${i}` }], requestId: `locked-${i}` });
      slowest = Math.max(slowest, Date.now() - t0);
      ids.push(res.requestId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ids.length).toBeGreaterThan(10);
    // With the old 5 s busy timeout a call waited for the lock on the event loop; a generous bound, not a benchmark.
    expect(slowest).toBeLessThan(2_000);
    await released;
    await tierd.usage!.ledger.flush(20_000);
    for (const id of ids) expect(await tierd.usage!.store.recordsOf(id)).toHaveLength(1);
    expect(tierd.usage!.ledger.stats().dropped).toBe(0);
  });
});
