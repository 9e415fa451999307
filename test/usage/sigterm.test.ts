// SIGTERM under load loses no record: tierd runs as a process, the way
// operators run it, with a flush interval far longer than the test so only
// the shutdown flush can write the records.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { openLedgerStore } from "../../src/usage/index.js";
import { spawnTierd, writeTempConfig, type TierdProcess } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";
import { LEDGER_BACKENDS } from "./backends.js";


describe("SIGTERM under load", () => {
  let fake: FakeUpstream | undefined;
  let proc: TierdProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    proc?.child.kill("SIGKILL");
    await fake?.close();
    await drop?.();
  });

  for (const backend of LEDGER_BACKENDS) {
    it(`writes a record for every request in flight on ${backend.name}`, async () => {
      const db = backend.setup();
      drop = db.drop;
      fake = await startFakeUpstream({ latencyMs: 400, chunkDelayMs: 5, record: false });
      const yaml = baseConfigYaml(fake.url)
        .replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 10000")
        .replace("level: silent", "level: info")
        .replace('database_url: "sqlite::memory:"', `database_url: "${db.url}"\n  batch_size: 1000\n  flush_interval_ms: 600000`);
      proc = await spawnTierd(["--config", writeTempConfig(yaml), "--port", "0"]);
      const client = createClient(RouterService, createGrpcTransport({ baseUrl: proc.url }));

      const n = 300;
      const ids = Array.from({ length: n }, (_, i) => `sigterm-${backend.name}-${i}`);
      const calls = ids.map(async (requestId, i) => {
        const messages = [{ role: Role.USER, content: `request ${i}` }];
        if (i % 3 === 0) {
          for await (const _ of client.streamCompletion({ messages, requestId, tierOverride: Tier.NANO }));
        } else {
          await client.route({ messages, requestId, tierOverride: i % 2 === 0 ? Tier.MID : Tier.NANO });
        }
      });
      // Every request has reached the upstream: all are in flight at SIGTERM.
      await expect.poll(() => fake!.requestCount(), { timeout: 15_000, interval: 20 }).toBe(n);
      proc.child.kill("SIGTERM");
      await Promise.all(calls);
      expect(await proc.exited).toBe(0);
      expect(proc.stderr()).toContain('"msg":"usage ledger closed","written":300,"dropped":0');

      const store = await openLedgerStore({ databaseUrl: db.url, log: silentLogger });
      try {
        const records = await store.listRecords({ sinceMs: 0, untilMs: Date.now() + 1 }, 10 * n);
        expect(records).toHaveLength(n);
        expect(new Set(records.map((r) => r.requestId))).toEqual(new Set(ids));
        expect(records.every((r) => r.status === "ok")).toBe(true);
      } finally {
        await store.close();
      }
    });
  }
});
