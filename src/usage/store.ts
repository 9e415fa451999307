// The ledger's tables behind one interface, over either SQL driver. Every
// query here is plain SQL both SQLite and PostgreSQL accept.
import { MIGRATIONS, MIGRATIONS_TABLE } from "./migrations.js";
import type { AttemptRecord, RecordStatus, UsageRecord } from "./record.js";
import { queryFilterValues, queryReportAggregates, whereOf, type RecordFilter, type ReportAggregates, type ReportQuery } from "./report-queries.js";
import { bigintOf, numberOf, numberOrNull, tierOrNull, type SqlDriver, type SqlRow, type SqlValue } from "./sql-driver.js";
import type { TierName } from "../config/index.js";
import type { RequestKind } from "../router/index.js";

export type { RecordFilter } from "./report-queries.js";

/** The columns reports read: no prompt, no attempt list. */
export type ReportRow = Pick<
  UsageRecord,
  | "id"
  | "kind"
  | "startedAtMs"
  | "endpoint"
  | "tier"
  | "servedTier"
  | "decidedBy"
  | "shadowTier"
  | "status"
  | "costPicoUsd"
  | "costIfNanoPicoUsd"
  | "costIfMidPicoUsd"
  | "costIfFrontierPicoUsd"
  | "latencyMs"
  | "classifierLatencyMs"
  | "inputTokens"
  | "outputTokens"
  | "cacheHit"
  | "cacheSavedPicoUsd"
  | "classifierCostPicoUsd"
> & { attemptCount: number };

export type FeedbackVerdict = "misrouted" | "bad_answer" | "good";

export interface FeedbackRecord {
  id: string;
  requestId: string;
  createdAtMs: number;
  verdict: FeedbackVerdict;
  /** The tier the request should have had, when the caller said. */
  expectedTier: TierName | null;
  comment: string;
}

/** A feedback entry joined with the record it is about. */
export interface FeedbackWithRecord extends FeedbackRecord {
  recordTier: TierName | null;
  servedTier: TierName | null;
  promptText: string | null;
  promptSha256: string;
}

export interface CallerSpend {
  callerId: string;
  endpoint: string;
  costPicoUsd: bigint;
}

export interface LedgerStore {
  /** Secret-free description of the database, for logs. */
  readonly location: string;
  /** Applies missing migrations; returns the schema version now in force. */
  migrate(): Promise<number>;
  /** Writes records atomically; a record whose id exists is skipped (retries are safe). */
  insertRecords(records: readonly UsageRecord[]): Promise<void>;
  /** Whether insertRecords failed because of what the records hold, so a retry of the same records cannot succeed. */
  isRecordError(err: unknown): boolean;
  /** Report rows of a window in time order, read page by page. */
  scanReportRows(filter: RecordFilter, pageSize?: number): AsyncIterable<ReportRow>;
  /** What the usage report is computed from, aggregated in the database. */
  reportAggregates(query: ReportQuery): Promise<ReportAggregates>;
  /** The endpoints and callers a window's records name, sorted, at most `limit` of each. */
  filterValues(filter: RecordFilter, limit?: number): Promise<{ endpoints: string[]; callers: string[] }>;
  /** Whole records of a request id (usually one), oldest first. */
  recordsOf(requestId: string): Promise<UsageRecord[]>;
  /** Whole records of a window, oldest first, at most `limit`. */
  listRecords(filter: RecordFilter, limit: number): Promise<UsageRecord[]>;
  countRecords(filter: RecordFilter): Promise<number>;
  /** What each caller spent per endpoint since a time (answers and LLM-classifier calls): budgets are rebuilt from it. */
  spendSince(sinceMs: number): Promise<CallerSpend[]>;
  insertFeedback(feedback: FeedbackRecord): Promise<void>;
  /** Feedback since a time, newest first, with its records' prompts and tiers. */
  feedbackWithRecords(sinceMs: number, verdicts: readonly FeedbackVerdict[]): Promise<FeedbackWithRecord[]>;
  close(): Promise<void>;
}

const RECORD_COLUMNS = [
  "id",
  "request_id",
  "kind",
  "started_at_ms",
  "caller_id",
  "caller_plan",
  "caller_metadata",
  "endpoint",
  "mode",
  "tier",
  "decided_by",
  "decision_reason",
  "score",
  "confidence",
  "shadow_tier",
  "shadow_decided_by",
  "served_tier",
  "deployment",
  "model",
  "attempts",
  "attempt_count",
  "finish_reason",
  "input_tokens",
  "output_tokens",
  "cached_input_tokens",
  "reasoning_tokens",
  "cache_write_tokens",
  "usage_estimated",
  "cost_pico_usd",
  "cost_if_nano_pico_usd",
  "cost_if_mid_pico_usd",
  "cost_if_frontier_pico_usd",
  "latency_ms",
  "classifier_latency_ms",
  "ttft_ms",
  "cache_hit",
  "status",
  "error_message",
  "prompt_sha256",
  "prompt_text",
  "cache_saved_pico_usd",
  "classifier_cost_pico_usd",
] as const;

const REPORT_COLUMNS =
  "id, kind, started_at_ms, endpoint, tier, served_tier, decided_by, shadow_tier, status, cost_pico_usd, cost_if_nano_pico_usd, " +
  "cost_if_mid_pico_usd, cost_if_frontier_pico_usd, latency_ms, classifier_latency_ms, input_tokens, output_tokens, cache_hit, attempt_count, cache_saved_pico_usd, classifier_cost_pico_usd";

const FEEDBACK_COLUMNS = ["id", "request_id", "created_at_ms", "verdict", "expected_tier", "comment"] as const;

export function createLedgerStore(driver: SqlDriver): LedgerStore {
  return {
    location: driver.location,

    async migrate() {
      let version = 0;
      await driver.exclusive(async (query) => {
        await query(MIGRATIONS_TABLE);
        const rows = await query("SELECT MAX(version) AS v FROM tierd_migrations");
        version = numberOf(rows[0]?.v);
        for (const m of MIGRATIONS) {
          if (m.version <= version) continue;
          for (const statement of m.statements) await query(statement);
          await query("INSERT INTO tierd_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)", [m.version, m.name, Date.now()]);
          version = m.version;
        }
      });
      return version;
    },

    async insertRecords(records) {
      if (records.length === 0) return;
      await driver.insertMany("usage_records", RECORD_COLUMNS, records.map(rowOf));
    },

    isRecordError: (err) => driver.isDataError(err),

    async *scanReportRows(filter, pageSize = 5_000) {
      const w = whereOf(filter);
      // Keyset pagination on (started_at_ms, id): stable under concurrent
      // inserts and cheap on the index, unlike OFFSET.
      let after: { at: number; id: string } | undefined;
      for (;;) {
        const keyset = after === undefined ? "" : " AND (started_at_ms > ? OR (started_at_ms = ? AND id > ?))";
        const params = after === undefined ? [...w.params] : [...w.params, after.at, after.at, after.id];
        const rows = await driver.query(
          `SELECT ${REPORT_COLUMNS} FROM usage_records WHERE ${w.sql}${keyset} ORDER BY started_at_ms, id LIMIT ${Math.trunc(pageSize)}`,
          params,
        );
        for (const row of rows) yield reportRowOf(row);
        if (rows.length < pageSize) return;
        const last = rows[rows.length - 1]!;
        after = { at: numberOf(last.started_at_ms), id: String(last.id) };
      }
    },

    reportAggregates: (query) => queryReportAggregates(driver, query),
    filterValues: (filter, limit = 500) => queryFilterValues(driver, filter, limit),

    async recordsOf(requestId) {
      const rows = await driver.query("SELECT * FROM usage_records WHERE request_id = ? ORDER BY started_at_ms, id", [requestId]);
      return rows.map(recordOf);
    },

    async listRecords(filter, limit) {
      const w = whereOf(filter);
      const rows = await driver.query(`SELECT * FROM usage_records WHERE ${w.sql} ORDER BY started_at_ms, id LIMIT ${Math.trunc(limit)}`, w.params);
      return rows.map(recordOf);
    },

    async countRecords(filter) {
      const w = whereOf(filter);
      const rows = await driver.query(`SELECT COUNT(*) AS n FROM usage_records WHERE ${w.sql}`, w.params);
      return numberOf(rows[0]?.n);
    },

    async spendSince(sinceMs) {
      const rows = await driver.query(
        `SELECT caller_id, endpoint, SUM(cost_pico_usd) AS cost, SUM(classifier_cost_pico_usd) AS classifier_cost
           FROM usage_records WHERE started_at_ms >= ? GROUP BY caller_id, endpoint`,
        [sinceMs],
      );
      return rows.map((r) => ({ callerId: String(r.caller_id), endpoint: String(r.endpoint), costPicoUsd: bigintOf(r.cost) + bigintOf(r.classifier_cost) }));
    },

    async insertFeedback(f) {
      await driver.insertMany("feedback", FEEDBACK_COLUMNS, [[f.id, f.requestId, f.createdAtMs, f.verdict, f.expectedTier, f.comment]]);
    },

    async feedbackWithRecords(sinceMs, verdicts) {
      if (verdicts.length === 0) return [];
      // The latest record of the request id carries the prompt and tiers.
      const rows = await driver.query(
        `SELECT f.id, f.request_id, f.created_at_ms, f.verdict, f.expected_tier, f.comment,
                r.tier AS record_tier, r.served_tier, r.prompt_text, r.prompt_sha256
           FROM feedback f
           JOIN usage_records r ON r.request_id = f.request_id
          WHERE f.created_at_ms >= ? AND f.verdict IN (${verdicts.map(() => "?").join(", ")})
            AND r.started_at_ms = (SELECT MAX(r2.started_at_ms) FROM usage_records r2 WHERE r2.request_id = f.request_id)
          ORDER BY f.created_at_ms DESC, f.id DESC`,
        [sinceMs, ...verdicts],
      );
      return rows.map((row) => ({
        id: String(row.id),
        requestId: String(row.request_id),
        createdAtMs: numberOf(row.created_at_ms),
        verdict: String(row.verdict) as FeedbackVerdict,
        expectedTier: tierOrNull(row.expected_tier),
        comment: String(row.comment),
        recordTier: tierOrNull(row.record_tier),
        servedTier: tierOrNull(row.served_tier),
        promptText: row.prompt_text === null || row.prompt_text === undefined ? null : String(row.prompt_text),
        promptSha256: String(row.prompt_sha256),
      }));
    },

    close: () => driver.close(),
  };
}

function rowOf(r: UsageRecord): SqlValue[] {
  return [
    r.id,
    r.requestId,
    r.kind,
    r.startedAtMs,
    r.callerId,
    r.callerPlan,
    JSON.stringify(r.callerMetadata),
    r.endpoint,
    r.mode,
    r.tier,
    r.decidedBy,
    r.decisionReason,
    r.score,
    r.confidence,
    r.shadowTier,
    r.shadowDecidedBy,
    r.servedTier,
    r.deployment,
    r.model,
    JSON.stringify(r.attempts),
    r.attempts.length,
    r.finishReason,
    r.inputTokens,
    r.outputTokens,
    r.cachedInputTokens,
    r.reasoningTokens,
    r.cacheWriteTokens,
    r.usageEstimated ? 1 : 0,
    r.costPicoUsd,
    r.costIfNanoPicoUsd,
    r.costIfMidPicoUsd,
    r.costIfFrontierPicoUsd,
    r.latencyMs,
    r.classifierLatencyMs,
    r.timeToFirstTokenMs,
    r.cacheHit ? 1 : 0,
    r.status,
    r.errorMessage,
    r.promptSha256,
    r.promptText,
    r.cacheSavedPicoUsd,
    r.classifierCostPicoUsd,
  ];
}

function reportRowOf(row: SqlRow): ReportRow {
  return {
    id: String(row.id),
    kind: String(row.kind) as RequestKind,
    startedAtMs: numberOf(row.started_at_ms),
    endpoint: String(row.endpoint),
    tier: tierOrNull(row.tier),
    servedTier: tierOrNull(row.served_tier),
    decidedBy: row.decided_by === null ? null : String(row.decided_by),
    shadowTier: tierOrNull(row.shadow_tier),
    status: String(row.status) as RecordStatus,
    costPicoUsd: bigintOf(row.cost_pico_usd),
    costIfNanoPicoUsd: bigintOf(row.cost_if_nano_pico_usd),
    costIfMidPicoUsd: bigintOf(row.cost_if_mid_pico_usd),
    costIfFrontierPicoUsd: bigintOf(row.cost_if_frontier_pico_usd),
    latencyMs: numberOf(row.latency_ms),
    classifierLatencyMs: numberOf(row.classifier_latency_ms),
    inputTokens: numberOf(row.input_tokens),
    outputTokens: numberOf(row.output_tokens),
    cacheHit: numberOf(row.cache_hit) === 1,
    cacheSavedPicoUsd: bigintOf(row.cache_saved_pico_usd),
    classifierCostPicoUsd: bigintOf(row.classifier_cost_pico_usd),
    attemptCount: numberOf(row.attempt_count),
  };
}

function recordOf(row: SqlRow): UsageRecord {
  const base = reportRowOf(row);
  return {
    id: base.id,
    requestId: String(row.request_id),
    kind: base.kind,
    startedAtMs: base.startedAtMs,
    callerId: String(row.caller_id),
    callerPlan: String(row.caller_plan),
    callerMetadata: JSON.parse(String(row.caller_metadata)) as Record<string, string>,
    endpoint: base.endpoint,
    mode: String(row.mode),
    tier: base.tier,
    decidedBy: base.decidedBy,
    decisionReason: String(row.decision_reason),
    score: numberOrNull(row.score),
    confidence: numberOrNull(row.confidence),
    shadowTier: base.shadowTier,
    shadowDecidedBy: row.shadow_decided_by === null ? null : String(row.shadow_decided_by),
    servedTier: base.servedTier,
    deployment: row.deployment === null ? null : String(row.deployment),
    model: row.model === null ? null : String(row.model),
    attempts: JSON.parse(String(row.attempts)) as AttemptRecord[],
    finishReason: row.finish_reason === null ? null : String(row.finish_reason),
    inputTokens: base.inputTokens,
    outputTokens: base.outputTokens,
    cachedInputTokens: numberOf(row.cached_input_tokens),
    reasoningTokens: numberOf(row.reasoning_tokens),
    cacheWriteTokens: numberOf(row.cache_write_tokens),
    usageEstimated: numberOf(row.usage_estimated) === 1,
    costPicoUsd: base.costPicoUsd,
    costIfNanoPicoUsd: base.costIfNanoPicoUsd,
    costIfMidPicoUsd: base.costIfMidPicoUsd,
    costIfFrontierPicoUsd: base.costIfFrontierPicoUsd,
    latencyMs: base.latencyMs,
    classifierLatencyMs: base.classifierLatencyMs,
    timeToFirstTokenMs: numberOrNull(row.ttft_ms),
    cacheHit: base.cacheHit,
    cacheSavedPicoUsd: base.cacheSavedPicoUsd,
    classifierCostPicoUsd: base.classifierCostPicoUsd,
    status: base.status,
    errorMessage: String(row.error_message),
    promptSha256: String(row.prompt_sha256),
    promptText: row.prompt_text === null ? null : String(row.prompt_text),
  };
}

