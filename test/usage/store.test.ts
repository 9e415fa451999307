import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/log.js";
import { createLedgerStore, driverFor, MIGRATIONS, openLedgerStore, type LedgerStore } from "../../src/usage/index.js";
import { recordFixture } from "./fixtures.js";
import { LEDGER_BACKENDS } from "./backends.js";


for (const backend of LEDGER_BACKENDS) {
  describe(`ledger store on ${backend.name}`, () => {
    let url: string;
    let drop: () => Promise<void>;
    let store: LedgerStore;
    beforeAll(async () => {
      ({ url, drop } = backend.setup());
      store = await openLedgerStore({ databaseUrl: url, log: silentLogger });
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
    });

    const window = { sinceMs: Date.UTC(2026, 0, 1), untilMs: Date.UTC(2026, 1, 1) };

    it("migrates once, and a second opening finds the schema current", async () => {
      const again = createLedgerStore(driverFor(url, silentLogger));
      expect(await again.migrate()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
      await again.close();
    });

    it("stores a record and reads every field back unchanged", async () => {
      const record = recordFixture({
        requestId: "req-roundtrip",
        promptText: "Is 7 prime?",
        shadowTier: "frontier",
        shadowDecidedBy: "local_classifier",
        timeToFirstTokenMs: 12.5,
        usageEstimated: true,
        cacheHit: true,
        cacheSavedPicoUsd: 1_234_567n,
        callerMetadata: { team: "a", feature: "b" },
        costPicoUsd: 9_007_199_254_740_993n, // 2^53 + 1: exact only as an integer
      });
      await store.insertRecords([record]);
      expect(await store.recordsOf("req-roundtrip")).toEqual([record]);
    });

    it("keeps a record whose strings hold U+0000, which PostgreSQL text cannot (stored there as U+FFFD)", async () => {
      const nul = (s: string) => s.replace("|", "\u0000");
      const record = recordFixture({ requestId: "req-nul", endpoint: nul("/nul|end"), callerMetadata: { k: nul("a|b") }, promptText: nul("x|y") });
      await store.insertRecords([record]);
      const stored = backend.name === "PostgreSQL" ? (s: string) => s.replace("\u0000", "\uFFFD") : (s: string) => s;
      expect(await store.recordsOf("req-nul")).toEqual([
        // Metadata is JSON text, where U+0000 is the escape \u0000: kept.
        { ...record, endpoint: stored(record.endpoint), promptText: stored("x\u0000y") },
      ]);
      // A filter with the caller's string finds the record either way.
      expect(await store.countRecords({ ...window, endpoint: nul("/nul|end") })).toBe(1);
    });

    it("tells a record the database cannot hold from a failure a retry can get past", async () => {
      const err = await store.insertRecords([recordFixture({ costPicoUsd: 2n ** 70n })]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(store.isRecordError(err)).toBe(true);
      expect(store.isRecordError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(false);
      expect(store.isRecordError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toBe(false);
      expect(store.isRecordError(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(false);
    });

    it("skips a record written twice, so a retried batch leaves no duplicate", async () => {
      const record = recordFixture({ requestId: "req-retry" });
      await store.insertRecords([record]);
      await store.insertRecords([record, recordFixture({ requestId: "req-retry-2" })]);
      expect(await store.recordsOf("req-retry")).toHaveLength(1);
      expect(await store.recordsOf("req-retry-2")).toHaveLength(1);
    });

    it("scans a window page by page, in time order, without losing or repeating rows", async () => {
      const endpoint = `/scan-${backend.name}`;
      const base = Date.UTC(2026, 0, 10);
      // Several rows share a timestamp so the keyset must break ties by id.
      const rows = Array.from({ length: 23 }, (_, i) => recordFixture({ endpoint, startedAtMs: base + Math.floor(i / 4) }));
      await store.insertRecords(rows);
      const seen: string[] = [];
      for await (const row of store.scanReportRows({ ...window, endpoint }, 5)) seen.push(row.id);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
      expect(await store.countRecords({ ...window, endpoint })).toBe(23);
      expect(await store.countRecords({ sinceMs: base + 1, untilMs: base + 2, endpoint })).toBe(4);
    });

    it("joins feedback with the latest record of its request", async () => {
      await store.insertRecords([
        recordFixture({ requestId: "req-fb", startedAtMs: Date.UTC(2026, 0, 3), promptText: "old prompt", promptSha256: "a".repeat(64) }),
        recordFixture({ requestId: "req-fb", startedAtMs: Date.UTC(2026, 0, 4), promptText: "new prompt", promptSha256: "b".repeat(64), servedTier: "mid", tier: "nano" }),
      ]);
      await store.insertFeedback({ id: "fb-1", requestId: "req-fb", createdAtMs: Date.UTC(2026, 0, 6), verdict: "misrouted", expectedTier: "frontier", comment: "needed more" });
      const rows = await store.feedbackWithRecords(0, ["misrouted"]);
      expect(rows).toEqual([
        {
          id: "fb-1",
          requestId: "req-fb",
          createdAtMs: Date.UTC(2026, 0, 6),
          verdict: "misrouted",
          expectedTier: "frontier",
          comment: "needed more",
          recordTier: "nano",
          servedTier: "mid",
          promptText: "new prompt",
          promptSha256: "b".repeat(64),
        },
      ]);
      expect(await store.feedbackWithRecords(0, ["good"])).toEqual([]);
    });
  });
}
