// Upgrading a ledger written by an earlier version: every migration after
// the first must apply to a database that already holds records, on both
// backends, and leave those records readable.
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/log.js";
import { createLedgerStore, driverFor, MIGRATIONS } from "../../src/usage/index.js";
import { LEDGER_BACKENDS } from "./backends.js";

/** A record as version 1 stored it: every column of the first migration's table. */
const V1_RECORD: Record<string, string | number | null> = {
  id: "v1-record",
  request_id: "req-v1",
  kind: "route",
  started_at_ms: Date.UTC(2026, 0, 5),
  caller_id: "svc",
  caller_plan: "pro",
  caller_metadata: "{}",
  endpoint: "/old",
  mode: "enforce",
  tier: "nano",
  decided_by: "rule",
  decision_reason: "r",
  score: 0.1,
  confidence: 0.9,
  shadow_tier: null,
  shadow_decided_by: null,
  served_tier: "nano",
  deployment: "nano-1",
  model: "openai/gpt-4o-mini",
  attempts: "[]",
  attempt_count: 0,
  finish_reason: "stop",
  input_tokens: 10,
  output_tokens: 5,
  cached_input_tokens: 0,
  reasoning_tokens: 0,
  cache_write_tokens: 0,
  usage_estimated: 0,
  cost_pico_usd: 4_500,
  cost_if_nano_pico_usd: 4_500,
  cost_if_mid_pico_usd: 105_000,
  cost_if_frontier_pico_usd: 175_000,
  latency_ms: 12,
  classifier_latency_ms: 1,
  ttft_ms: null,
  cache_hit: 1,
  status: "ok",
  error_message: "",
  prompt_sha256: "0".repeat(64),
  prompt_text: null,
};

for (const backend of LEDGER_BACKENDS) {
  describe(`ledger migrations on ${backend.name}`, () => {
    const db = backend.setup();
    afterAll(() => db.drop());

    it("brings a version-1 ledger with records up to date, and old records read as having saved nothing", async () => {
      const driver = driverFor(db.url, silentLogger);
      const first = MIGRATIONS[0]!;
      await driver.exclusive(async (query) => {
        await query("CREATE TABLE IF NOT EXISTS tierd_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)");
        for (const statement of first.statements) await query(statement);
        await query("INSERT INTO tierd_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)", [first.version, first.name, Date.now()]);
      });
      await driver.insertMany("usage_records", Object.keys(V1_RECORD), [Object.values(V1_RECORD)]);

      const store = createLedgerStore(driver);
      try {
        expect(await store.migrate()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
        const [record] = await store.recordsOf("req-v1");
        expect(record).toMatchObject({ id: "v1-record", cacheHit: true, costPicoUsd: 4_500n, cacheSavedPicoUsd: 0n });
      } finally {
        await store.close();
      }
    });
  });
}
