// The usage report's figures, aggregated in the database: a few GROUP BY
// and window queries whose answers grow with the number of distinct groups
// (endpoints, tiers, deployments, time buckets), never with the rows. The
// SQL is the subset SQLite and PostgreSQL read alike: integer division,
// CASE, UNION ALL, ROW_NUMBER() and COUNT(*) OVER (SQLite 3.25+).
import type { TierName } from "../config/index.js";
import type { RequestKind } from "../router/index.js";
import type { RecordStatus } from "./record.js";
import { bigintOf, numberOf, tierOrNull, type SqlDriver, type SqlValue } from "./sql-driver.js";

/** A half-open time window [sinceMs, untilMs) and optional filters. */
export interface RecordFilter {
  sinceMs: number;
  untilMs: number;
  endpoint?: string;
  /** Only this caller's requests (the caller id of its API key). */
  callerId?: string;
}

export interface ReportQuery extends RecordFilter {
  /** Width of a time bucket; buckets start at multiples of it since the epoch (UTC). */
  bucketMs: number;
  /** How many of the latest misroute reports to list. */
  misrouteLimit: number;
  /** Sample the order statistics past this many answers. Default ORDER_STATISTICS_SAMPLES. */
  maxOrderStatisticsSamples?: number;
}

/** The records of one time bucket that agree on every grouped column, summed. */
export interface ReportCell {
  bucketMs: number;
  endpoint: string;
  kind: RequestKind;
  tier: TierName | null;
  servedTier: TierName | null;
  shadowTier: TierName | null;
  status: RecordStatus;
  cacheHit: boolean;
  /** The deployment that answered; null when none did. */
  deployment: string | null;
  requests: number;
  /** Requests that took more than one attempt (a retry or a fallback hop). */
  retried: number;
  costPicoUsd: bigint;
  costIfNanoPicoUsd: bigint;
  costIfMidPicoUsd: bigint;
  costIfFrontierPicoUsd: bigint;
  cacheSavedPicoUsd: bigint;
  classifierCostPicoUsd: bigint;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The samples whose order statistics the report needs. `latency`: successful
 * requests, by the tier that answered. The rest are the break-even's clean
 * samples (see CLEAN), by endpoint: nano's classifier time and upstream
 * time, mid's upstream time; `mid_upstream_all` is mid's over all endpoints
 * (group "").
 */
export type SampleMetric = "latency" | "nano_classifier" | "nano_upstream" | "mid_upstream" | "mid_upstream_all";

/** The nearest-rank p50 and p95 of one metric in one group. */
export interface OrderStatistics {
  metric: SampleMetric;
  group: string;
  count: number;
  p50: number;
  p95: number;
}

/** Misroute reports about requests of one bucket, by the tier decided and the tier asked for. */
export interface MisrouteCell {
  bucketMs: number;
  decidedTier: TierName | null;
  expectedTier: TierName | null;
  reports: number;
}

/** One misroute report, with its request's id (never its prompt). */
export interface MisrouteReport {
  requestId: string;
  requestAtMs: number;
  reportedAtMs: number;
  endpoint: string;
  decidedTier: TierName | null;
  servedTier: TierName | null;
  expectedTier: TierName | null;
}

export interface ReportAggregates {
  cells: ReportCell[];
  /** Order statistics were computed over every this-many-th millisecond's answers (1: all of them). */
  sampleEvery: number;
  orderStatistics: OrderStatistics[];
  misrouteCells: MisrouteCell[];
  /** Newest request first, at most `misrouteLimit`. */
  misroutes: MisrouteReport[];
}

/** The SQL condition and parameters of a filter over usage_records (optionally aliased). */
export function whereOf(f: RecordFilter, alias = ""): { sql: string; params: SqlValue[] } {
  const a = alias === "" ? "" : `${alias}.`;
  const params: SqlValue[] = [f.sinceMs, f.untilMs];
  let sql = `${a}started_at_ms >= ? AND ${a}started_at_ms < ?`;
  if (f.endpoint !== undefined) {
    sql += ` AND ${a}endpoint = ?`;
    params.push(f.endpoint);
  }
  if (f.callerId !== undefined) {
    sql += ` AND ${a}caller_id = ?`;
    params.push(f.callerId);
  }
  return { sql, params };
}

/**
 * A clean latency sample for the break-even check: answered by an upstream
 * call, on the first attempt, by the tier decided. A cache hit took no
 * upstream time at all, and a retried or fallen-back request carries the
 * failed attempts' time: either would make its tier look faster or slower
 * than it is.
 */
const CLEAN = "status = 'ok' AND cache_hit = 0 AND attempt_count = 1 AND served_tier = tier";
const UPSTREAM = "CASE WHEN latency_ms > classifier_latency_ms THEN latency_ms - classifier_latency_ms ELSE 0 END";

/** A bucket's start; integer division on both databases (the column is an integer). */
const bucketOf = (bucketMs: number, alias = "") => `(${alias}started_at_ms / ${bucketMs}) * ${bucketMs}`;

export async function queryReportAggregates(driver: SqlDriver, q: ReportQuery): Promise<ReportAggregates> {
  const bucketMs = Math.trunc(q.bucketMs);
  if (!(bucketMs > 0)) throw new Error(`report bucket must be a positive number of milliseconds, got ${q.bucketMs}`);
  const cap = q.maxOrderStatisticsSamples ?? ORDER_STATISTICS_SAMPLES;
  // The totals and the percentiles are the two long reads: side by side (on
  // SQLite each on a reader thread of its own, sqlite-readers.ts).
  const [cells, { sampleEvery, orderStatistics }, misrouteCells, misroutes] = await Promise.all([
    queryCells(driver, q, bucketMs),
    (async () => {
      const answered = await countAnswered(driver, q);
      const sampleEvery = answered <= cap ? 1 : primeFrom(Math.ceil(answered / cap));
      return { sampleEvery, orderStatistics: await queryOrderStatistics(driver, q, sampleEvery) };
    })(),
    queryMisrouteCells(driver, q, bucketMs),
    queryMisroutes(driver, q),
  ]);
  return { cells, sampleEvery, orderStatistics, misrouteCells, misroutes };
}

/**
 * Percentiles need their samples sorted, which was most of a report's time
 * on a large window (about 5 s of a 1-million-record report on SQLite on the
 * 2-core development machine, bench/report.ts). Past this many answers they
 * come from a systematic sample: the answers that arrived in every k-th
 * millisecond, which is independent of what they were (k is a prime, so
 * traffic on a round period is not always in or always out). The binomial
 * standard error of a p95 rank from 100,000 samples is
 * sqrt(0.95 * 0.05 / 1e5), under 0.1 percentage point. Counts and money are
 * never sampled.
 */
export const ORDER_STATISTICS_SAMPLES = 100_000;

/** The smallest prime >= n (n >= 2). */
function primeFrom(n: number): number {
  for (let k = Math.max(2, n); ; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) if (k % d === 0) prime = false;
    if (prime) return k;
  }
}

/**
 * Longest one report query may run. A write gets 3 s (postgres-driver.ts);
 * a report over a month of a busy ledger reads millions of rows, and
 * someone is waiting for it, but not forever.
 */
export const REPORT_TIMEOUT_MS = 60_000;

async function queryCells(driver: SqlDriver, q: ReportQuery, bucketMs: number): Promise<ReportCell[]> {
  const w = whereOf(q);
  const rows = await driver.longRead(
    `SELECT ${bucketOf(bucketMs)} AS bucket, endpoint, kind, tier, served_tier, shadow_tier, status, cache_hit, deployment,
            COUNT(*) AS requests,
            SUM(CASE WHEN attempt_count > 1 THEN 1 ELSE 0 END) AS retried,
            SUM(cost_pico_usd) AS cost, SUM(cost_if_nano_pico_usd) AS cost_nano, SUM(cost_if_mid_pico_usd) AS cost_mid,
            SUM(cost_if_frontier_pico_usd) AS cost_frontier, SUM(cache_saved_pico_usd) AS cache_saved,
            SUM(classifier_cost_pico_usd) AS classifier_cost, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens
       FROM usage_records WHERE ${w.sql}
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    w.params,
    REPORT_TIMEOUT_MS,
  );
  return rows.map((r) => ({
    bucketMs: numberOf(r.bucket),
    endpoint: String(r.endpoint),
    kind: String(r.kind) as RequestKind,
    tier: tierOrNull(r.tier),
    servedTier: tierOrNull(r.served_tier),
    shadowTier: tierOrNull(r.shadow_tier),
    status: String(r.status) as RecordStatus,
    cacheHit: numberOf(r.cache_hit) === 1,
    deployment: r.deployment === null || r.deployment === undefined ? null : String(r.deployment),
    requests: numberOf(r.requests),
    retried: numberOf(r.retried),
    costPicoUsd: bigintOf(r.cost),
    costIfNanoPicoUsd: bigintOf(r.cost_nano),
    costIfMidPicoUsd: bigintOf(r.cost_mid),
    costIfFrontierPicoUsd: bigintOf(r.cost_frontier),
    cacheSavedPicoUsd: bigintOf(r.cache_saved),
    classifierCostPicoUsd: bigintOf(r.classifier_cost),
    inputTokens: numberOf(r.input_tokens),
    outputTokens: numberOf(r.output_tokens),
  }));
}

/** Answers the percentiles are taken from (the `served` set below), which sets the sampling step. */
async function countAnswered(driver: SqlDriver, q: ReportQuery): Promise<number> {
  const w = whereOf(q);
  const rows = await driver.longRead(
    `SELECT COUNT(*) AS n FROM usage_records WHERE ${w.sql} AND kind <> 'classify' AND status = 'ok' AND served_tier IS NOT NULL`,
    w.params,
    REPORT_TIMEOUT_MS,
  );
  return numberOf(rows[0]?.n);
}

/**
 * p50 and p95 of every metric and group in one statement: each sample's rank
 * within its group, and only the rows at the two nearest ranks come back.
 * Nearest rank is ceil(p * n), in integers: (n + 1) / 2 and (19n + 19) / 20.
 * Rank and count share one window (the count's frame is the whole
 * partition), so the samples are sorted once, not twice.
 */
async function queryOrderStatistics(driver: SqlDriver, q: ReportQuery, sampleEvery: number): Promise<OrderStatistics[]> {
  const w = whereOf(q);
  const sample = sampleEvery > 1 ? ` AND started_at_ms % ${Math.trunc(sampleEvery)} = 0` : "";
  // Materialized: the samples below read the window's answers once, not once each.
  const rows = await driver.longRead(
    `WITH served AS MATERIALIZED (
       SELECT endpoint, tier, served_tier, latency_ms, classifier_latency_ms, cache_hit, attempt_count, status
         FROM usage_records WHERE ${w.sql} AND kind <> 'classify' AND status = 'ok' AND served_tier IS NOT NULL${sample}
     ), samples AS (
       SELECT 'latency' AS metric, served_tier AS grp, latency_ms AS v FROM served
       UNION ALL SELECT 'nano_classifier', endpoint, classifier_latency_ms FROM served WHERE ${CLEAN} AND served_tier = 'nano'
       UNION ALL SELECT 'nano_upstream', endpoint, ${UPSTREAM} FROM served WHERE ${CLEAN} AND served_tier = 'nano'
       UNION ALL SELECT 'mid_upstream', endpoint, ${UPSTREAM} FROM served WHERE ${CLEAN} AND served_tier = 'mid'
       UNION ALL SELECT 'mid_upstream_all', '', ${UPSTREAM} FROM served WHERE ${CLEAN} AND served_tier = 'mid'
     ), ranked AS (
       SELECT metric, grp, v, ROW_NUMBER() OVER w AS rn, COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n
         FROM samples WINDOW w AS (PARTITION BY metric, grp ORDER BY v)
     )
     SELECT metric, grp, n, rn, v FROM ranked WHERE rn = (n + 1) / 2 OR rn = (19 * n + 19) / 20`,
    w.params,
    REPORT_TIMEOUT_MS,
  );
  const byGroup = new Map<string, OrderStatistics>();
  for (const r of rows) {
    const metric = String(r.metric) as SampleMetric;
    const group = String(r.grp);
    const count = numberOf(r.n);
    const rank = numberOf(r.rn);
    const value = numberOf(r.v);
    const key = `${metric}\u0000${group}`;
    let s = byGroup.get(key);
    if (s === undefined) {
      s = { metric, group, count, p50: value, p95: value };
      byGroup.set(key, s);
    }
    if (rank === Math.trunc((count + 1) / 2)) s.p50 = value;
    if (rank === Math.trunc((19 * count + 19) / 20)) s.p95 = value;
  }
  return [...byGroup.values()];
}

/**
 * Feedback of verdict "misrouted" joined with the latest record of its
 * request id (the one the report counts), filtered like the records.
 * CROSS JOIN makes SQLite read the (small) feedback table first; PostgreSQL
 * plans it as the inner join it is.
 */
const MISROUTE_JOIN = (w: string) => `FROM feedback f CROSS JOIN usage_records r
  WHERE r.request_id = f.request_id AND f.verdict = 'misrouted' AND ${w}
    AND r.started_at_ms = (SELECT MAX(r2.started_at_ms) FROM usage_records r2 WHERE r2.request_id = f.request_id)`;

async function queryMisrouteCells(driver: SqlDriver, q: ReportQuery, bucketMs: number): Promise<MisrouteCell[]> {
  const w = whereOf(q, "r");
  const rows = await driver.longRead(
    `SELECT ${bucketOf(bucketMs, "r.")} AS bucket, r.tier AS decided, f.expected_tier AS expected, COUNT(*) AS reports ${MISROUTE_JOIN(w.sql)} GROUP BY 1, 2, 3`,
    w.params,
    REPORT_TIMEOUT_MS,
  );
  return rows.map((r) => ({ bucketMs: numberOf(r.bucket), decidedTier: tierOrNull(r.decided), expectedTier: tierOrNull(r.expected), reports: numberOf(r.reports) }));
}

async function queryMisroutes(driver: SqlDriver, q: ReportQuery): Promise<MisrouteReport[]> {
  if (q.misrouteLimit <= 0) return [];
  const w = whereOf(q, "r");
  const rows = await driver.longRead(
    `SELECT f.request_id, r.started_at_ms, f.created_at_ms, r.endpoint, r.tier, r.served_tier, f.expected_tier ${MISROUTE_JOIN(w.sql)}
      ORDER BY r.started_at_ms DESC, f.created_at_ms DESC, f.id DESC LIMIT ${Math.trunc(q.misrouteLimit)}`,
    w.params,
    REPORT_TIMEOUT_MS,
  );
  return rows.map((r) => ({
    requestId: String(r.request_id),
    requestAtMs: numberOf(r.started_at_ms),
    reportedAtMs: numberOf(r.created_at_ms),
    endpoint: String(r.endpoint),
    decidedTier: tierOrNull(r.tier),
    servedTier: tierOrNull(r.served_tier),
    expectedTier: tierOrNull(r.expected_tier),
  }));
}

/** The endpoints and callers of a window's records (at most `limit` of each), for a report's filters. */
export async function queryFilterValues(driver: SqlDriver, f: RecordFilter, limit: number): Promise<{ endpoints: string[]; callers: string[] }> {
  const w = whereOf({ sinceMs: f.sinceMs, untilMs: f.untilMs });
  const rows = await driver.longRead(
    `SELECT 'endpoint' AS k, endpoint AS v FROM usage_records WHERE ${w.sql} GROUP BY endpoint
     UNION ALL SELECT 'caller', caller_id FROM usage_records WHERE ${w.sql} GROUP BY caller_id`,
    [...w.params, ...w.params],
    REPORT_TIMEOUT_MS,
  );
  const of = (k: string) => rows.filter((r) => r.k === k).map((r) => String(r.v)).sort((a, b) => a.localeCompare(b)).slice(0, limit);
  return { endpoints: of("endpoint"), callers: of("caller") };
}
