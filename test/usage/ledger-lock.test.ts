// A ledger table locked by another session does not hold tierd's shutdown:
// the write gives up at the statement timeout, the ledger's own deadline
// ends the flush, and close() returns while the lock is still held. The
// record it could not write is spooled to a file, and the next start
// writes it: nothing is lost.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createTestSchema, POSTGRES_URL, type TestSchema } from "../helpers/postgres.js";
import { baseConfigYaml } from "../helpers/tierd.js";

describe("a locked PostgreSQL ledger at shutdown", () => {
  let fake: FakeUpstream;
  let schema: TestSchema;
  let tierd: Tierd;
  let locker: pg.Client;
  let yaml: string;
  const spoolDir = mkdtempSync(join(tmpdir(), "tierd-spool-"));
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    schema = createTestSchema();
    yaml = baseConfigYaml(fake.url).replace('database_url: "sqlite::memory:"', `database_url: "${schema.url}"\n  flush_interval_ms: 60000\n  spool_dir: "${spoolDir}"`);
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    locker = new pg.Client({ connectionString: POSTGRES_URL });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.query("ROLLBACK").catch(() => undefined);
    await locker?.end();
    await schema?.drop();
    await fake?.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it("closes while the table is still locked, spools the queued record, and the next start writes it", async () => {
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
    const routed = await client.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.NANO });
    expect(tierd.usage!.ledger.stats().queued).toBe(1);
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE "${schema.schema}".usage_records IN ACCESS EXCLUSIVE MODE`);
    await tierd.close(100);
    // The lock is still held: close() did not wait for it.
    const held = await locker.query("SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock'");
    expect(held.rows[0].n).toBeGreaterThan(0);
    expect(tierd.usage!.ledger.stats()).toMatchObject({ written: 0, dropped: 0, spooled: 1 });
    expect(readdirSync(spoolDir)).toHaveLength(1);

    await locker.query("ROLLBACK");
    const next = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    try {
      const [record] = await next.usage!.store.recordsOf(routed.requestId);
      expect(record).toMatchObject({ requestId: routed.requestId, costPicoUsd: routed.costPicoUsd, status: "ok" });
      expect(readdirSync(spoolDir).filter((f) => existsSync(join(spoolDir, f)))).toEqual([]);
    } finally {
      await next.close(500);
    }
  });
});
