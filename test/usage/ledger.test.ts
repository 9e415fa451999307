import { describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../../src/core/log.js";
import { createUsageLedger, openLedgerStore, type UsageRecord } from "../../src/usage/index.js";
import { LEDGER_BACKENDS } from "./backends.js";
import { recordFixture } from "./fixtures.js";

/** A store that keeps rows in memory and fails on demand. */
function memoryStore() {
  const rows: UsageRecord[] = [];
  const batches: number[] = [];
  let failuresLeft = 0;
  let down = false;
  let gate: Promise<void> | undefined;
  /** Records with this endpoint are refused for what they hold; the outage flag wins. */
  const POISON = "/poison";
  let outageAfterRows: number | undefined;
  return {
    rows,
    batches,
    location: "memory",
    failNext(n: number) {
      failuresLeft = n;
    },
    setDown(value: boolean) {
      down = value;
    },
    hold(promise: Promise<void>) {
      gate = promise;
    },
    /** The database goes down once this many rows are stored. */
    outageAfter(n: number) {
      outageAfterRows = n;
    },
    isRecordError: (err: unknown) => (err as { code?: string }).code === "BAD_ROW",
    async insertRecords(records: readonly UsageRecord[]) {
      if (gate) await gate;
      if (outageAfterRows !== undefined && rows.length >= outageAfterRows) down = true;
      if (down || failuresLeft > 0) {
        failuresLeft--;
        throw new Error("connection refused");
      }
      if (records.some((r) => r.endpoint === POISON)) throw Object.assign(new Error("value out of range"), { code: "BAD_ROW" });
      batches.push(records.length);
      for (const r of records) if (!rows.some((x) => x.id === r.id)) rows.push(r);
    },
  };
}

const records = (n: number) => Array.from({ length: n }, () => recordFixture());
const poison = () => recordFixture({ endpoint: "/poison", promptText: "secret prompt text" });

describe("usage ledger writer", () => {
  it("writes full batches without waiting for the interval", async () => {
    const store = memoryStore();
    const ledger = createUsageLedger({ store, batchSize: 10, flushIntervalMs: 60_000 });
    for (const r of records(25)) ledger.record(r);
    await expect.poll(() => store.rows.length).toBe(20);
    expect(store.batches).toEqual([10, 10]);
    await ledger.close();
    expect(store.rows).toHaveLength(25);
    expect(ledger.stats()).toMatchObject({ written: 25, dropped: 0, queued: 0 });
  });

  it("writes a partial batch after the flush interval", async () => {
    const store = memoryStore();
    const ledger = createUsageLedger({ store, batchSize: 100, flushIntervalMs: 30 });
    for (const r of records(3)) ledger.record(r);
    expect(store.rows).toHaveLength(0);
    await expect.poll(() => store.rows.length).toBe(3);
    await ledger.close();
  });

  it("never writes on the caller's stack", () => {
    const store = memoryStore();
    const ledger = createUsageLedger({ store, batchSize: 1, flushIntervalMs: 60_000 });
    expect(ledger.record(recordFixture())).toBeUndefined();
    expect(store.batches).toHaveLength(0);
    return ledger.close();
  });

  it("keeps records queued through failed writes and writes them once the database is back", async () => {
    const store = memoryStore();
    const lines: string[] = [];
    const log = createLogger({ level: "warn", write: (l) => lines.push(l) });
    const ledger = createUsageLedger({ store, batchSize: 5, flushIntervalMs: 10, retryMinMs: 5, retryMaxMs: 20, log });
    store.failNext(3);
    const batch = records(12);
    for (const r of batch) ledger.record(r);
    await ledger.flush(5_000);
    expect(store.rows.map((r) => r.id).sort()).toEqual(batch.map((r) => r.id).sort());
    expect(ledger.stats()).toMatchObject({ written: 12, dropped: 0, failedWrites: 3 });
    expect(lines.some((l) => l.includes("usage ledger write failed") && l.includes("connection refused"))).toBe(true);
    await ledger.close();
  });

  it("counts and logs records dropped on a full queue, and reports the total", async () => {
    const store = memoryStore();
    store.setDown(true);
    const lines: string[] = [];
    const log = createLogger({ level: "error", write: (l) => lines.push(l) });
    const ledger = createUsageLedger({ store, batchSize: 5, queueLimit: 10, flushIntervalMs: 10, retryMinMs: 5, retryMaxMs: 10, log });
    for (const r of records(14)) expect(ledger.record(r)).toBeUndefined();
    expect(ledger.stats()).toMatchObject({ queued: 10, dropped: 4 });
    const dropLog = lines.find((l) => l.includes("usage ledger dropped records"));
    expect(dropLog).toBeDefined();
    expect(JSON.parse(dropLog!)).toMatchObject({ reason: "queue full", dropped_total: 1, queue_limit: 10 });
    store.setDown(false);
    await ledger.close();
    expect(store.rows).toHaveLength(10);
    expect(ledger.stats()).toMatchObject({ written: 10, dropped: 4 });
  });

  it("makes the caller wait for room when on_queue_full is wait", async () => {
    const store = memoryStore();
    let open!: () => void;
    store.hold(new Promise<void>((resolve) => (open = resolve)));
    const ledger = createUsageLedger({ store, batchSize: 2, queueLimit: 2, flushIntervalMs: 10, onQueueFull: "wait" });
    ledger.record(recordFixture());
    ledger.record(recordFixture());
    const third = ledger.record(recordFixture());
    expect(third).toBeInstanceOf(Promise);
    let admitted = false;
    void (third as Promise<void>).then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(admitted).toBe(false);
    open();
    await third;
    await ledger.close();
    expect(store.rows).toHaveLength(3);
    expect(ledger.stats().dropped).toBe(0);
  });

  it("writes everything queued on close, and counts what an unreachable database kept out", async () => {
    const store = memoryStore();
    const ledger = createUsageLedger({ store, batchSize: 50, flushIntervalMs: 60_000 });
    for (const r of records(30)) ledger.record(r);
    await ledger.close(1_000);
    expect(store.rows).toHaveLength(30);

    const down = memoryStore();
    down.setDown(true);
    const lines: string[] = [];
    const stuck = createUsageLedger({ store: down, flushIntervalMs: 60_000, retryMinMs: 10, retryMaxMs: 20, log: createLogger({ level: "error", write: (l) => lines.push(l) }) });
    for (const r of records(7)) stuck.record(r);
    const started = Date.now();
    await stuck.close(150);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stuck.stats()).toMatchObject({ dropped: 7, queued: 0, written: 0 });
    expect(lines.some((l) => l.includes("unwritten at shutdown"))).toBe(true);
    stuck.record(recordFixture());
    expect(stuck.stats().dropped).toBe(8);
  });

  it("drops only the records the database refuses for what they hold, and writes the rest of their batch and what follows", async () => {
    const store = memoryStore();
    const lines: string[] = [];
    const log = createLogger({ level: "error", write: (l) => lines.push(l) });
    const ledger = createUsageLedger({ store, batchSize: 5, flushIntervalMs: 10, retryMinMs: 5, retryMaxMs: 10, log });
    const good = records(12);
    const bad = [poison(), poison()];
    for (const r of [good[0]!, bad[0]!, ...good.slice(1, 6), bad[1]!, ...good.slice(6)]) ledger.record(r);
    await ledger.flush(5_000);
    expect(store.rows.map((r) => r.id).sort()).toEqual(good.map((r) => r.id).sort());
    expect(ledger.stats()).toMatchObject({ written: 12, rejected: 2, dropped: 2, queued: 0, failedWrites: 0 });
    const refusals = lines.filter((l) => l.includes("the database refused a record"));
    expect(refusals.map((l) => JSON.parse(l).request_id).sort()).toEqual(bad.map((r) => r.requestId).sort());
    expect(lines.join("\n")).not.toContain("secret prompt text");
    await ledger.close();
  });

  it("keeps the untried records of a refused batch queued through an outage, and counts each record once", async () => {
    const store = memoryStore();
    const ledger = createUsageLedger({ store, batchSize: 6, flushIntervalMs: 10, retryMinMs: 5, retryMaxMs: 10 });
    const good = records(5);
    store.outageAfter(3); // down once three good records are in: after the refusal, mid-way through the batch
    for (const r of [good[0]!, good[1]!, poison(), ...good.slice(2)]) ledger.record(r);
    await expect.poll(() => ledger.stats().failedWrites).toBeGreaterThan(0);
    expect(ledger.stats()).toMatchObject({ written: 3, rejected: 1, queued: 2 });
    store.setDown(false);
    store.outageAfter(Infinity);
    await ledger.flush(5_000);
    expect(store.rows.map((r) => r.id).sort()).toEqual(good.map((r) => r.id).sort());
    expect(ledger.stats()).toMatchObject({ written: 5, rejected: 1, dropped: 1, queued: 0 });
    await ledger.close();
  });
});

for (const backend of LEDGER_BACKENDS) {
  it(`a record ${backend.name} cannot hold is dropped alone; the rest of its batch is written`, async () => {
    const db = backend.setup();
    const store = await openLedgerStore({ databaseUrl: db.url, log: silentLogger });
    try {
      const ledger = createUsageLedger({ store, batchSize: 10, flushIntervalMs: 10, retryMinMs: 5, retryMaxMs: 10 });
      const good = Array.from({ length: 9 }, () => recordFixture({ endpoint: "/ok" }));
      // Beyond the 64-bit integer column: refused by both databases.
      const bad = recordFixture({ endpoint: "/ok", costPicoUsd: 2n ** 70n });
      for (const r of [...good.slice(0, 4), bad, ...good.slice(4)]) ledger.record(r);
      await ledger.flush(5_000);
      await ledger.close();
      expect(ledger.stats()).toMatchObject({ written: 9, rejected: 1, failedWrites: 0 });
      expect(await store.countRecords({ sinceMs: 0, untilMs: Date.UTC(2100, 0, 1), endpoint: "/ok" })).toBe(9);
    } finally {
      await store.close();
      await db.drop();
    }
  });
}
