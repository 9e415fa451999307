// Schema migrations, one list for both backends. The SQL is the subset
// SQLite and PostgreSQL read alike: TEXT, INTEGER, BIGINT (64-bit integer
// affinity in SQLite), DOUBLE PRECISION (REAL affinity), booleans as 0/1.
// Money is BIGINT pico-USD: exact integer sums, never floats.
// A migration is never edited once released; add a new one instead.

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "usage records and feedback",
    statements: [
      `CREATE TABLE usage_records (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        started_at_ms BIGINT NOT NULL,
        caller_id TEXT NOT NULL,
        caller_plan TEXT NOT NULL,
        caller_metadata TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        mode TEXT NOT NULL,
        tier TEXT,
        decided_by TEXT,
        decision_reason TEXT NOT NULL,
        score DOUBLE PRECISION,
        confidence DOUBLE PRECISION,
        shadow_tier TEXT,
        shadow_decided_by TEXT,
        served_tier TEXT,
        deployment TEXT,
        model TEXT,
        attempts TEXT NOT NULL,
        attempt_count INTEGER NOT NULL,
        finish_reason TEXT,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cached_input_tokens BIGINT NOT NULL,
        reasoning_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        usage_estimated INTEGER NOT NULL,
        cost_pico_usd BIGINT NOT NULL,
        cost_if_nano_pico_usd BIGINT NOT NULL,
        cost_if_mid_pico_usd BIGINT NOT NULL,
        cost_if_frontier_pico_usd BIGINT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        classifier_latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        cache_hit INTEGER NOT NULL,
        status TEXT NOT NULL,
        error_message TEXT NOT NULL,
        prompt_sha256 TEXT NOT NULL,
        prompt_text TEXT
      )`,
      // Reports scan a time window in (time, id) order, page by page.
      `CREATE INDEX usage_records_time ON usage_records (started_at_ms, id)`,
      `CREATE INDEX usage_records_request ON usage_records (request_id)`,
      `CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        created_at_ms BIGINT NOT NULL,
        verdict TEXT NOT NULL,
        expected_tier TEXT,
        comment TEXT NOT NULL
      )`,
      `CREATE INDEX feedback_time ON feedback (created_at_ms)`,
      `CREATE INDEX feedback_request ON feedback (request_id)`,
    ],
  },
  {
    version: 2,
    name: "cost saved by response-cache hits",
    // A default keeps the statement valid on tables that already hold rows
    // (both databases fill it in for them): nothing was saved before.
    statements: [`ALTER TABLE usage_records ADD COLUMN cache_saved_pico_usd BIGINT NOT NULL DEFAULT 0`],
  },
  {
    version: 3,
    name: "cost of the LLM classifier's calls",
    statements: [`ALTER TABLE usage_records ADD COLUMN classifier_cost_pico_usd BIGINT NOT NULL DEFAULT 0`],
  },
];

/** The table that remembers which migrations ran. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS tierd_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at_ms BIGINT NOT NULL
)`;
