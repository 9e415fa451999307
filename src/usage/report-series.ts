// The report over time: one bucket per hour or day (UTC) of the window,
// empty buckets included, so a chart has one point per bucket and the
// buckets add up to the window's totals.
import type { TierName } from "../config/index.js";
import { rankOf, TIER_NAMES } from "../core/tiers.js";
import type { MisrouteCell, ReportCell } from "./report-queries.js";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Hours up to two days (a 24 h chart has 24 points), days up to a year, weeks beyond. */
export function bucketMsFor(sinceMs: number, untilMs: number): number {
  const span = untilMs - sinceMs;
  return span <= 2 * DAY_MS ? HOUR_MS : span <= 366 * DAY_MS ? DAY_MS : 7 * DAY_MS;
}

export interface TierBucket {
  tier: TierName;
  /** Requests this tier answered (or was chosen for, when none answered). */
  requests: number;
  costPicoUsd: bigint;
  errors: number;
}

export interface ReportBucket {
  /** Start of the bucket, epoch ms (a multiple of the bucket width). */
  startMs: number;
  requests: number;
  errors: number;
  canceled: number;
  fallbacks: number;
  cacheHits: number;
  costPicoUsd: bigint;
  /** What the answers and the LLM classifier's calls cost: savings' actual. */
  actualPicoUsd: bigint;
  allMidPicoUsd: bigint;
  allFrontierPicoUsd: bigint;
  tiers: TierBucket[];
  shadowRequests: number;
  shadowActualPicoUsd: bigint;
  shadowWouldCostPicoUsd: bigint;
  /** Misroute reports on requests of this bucket: the tier decided was lower (higher) than needed. */
  misroutesTooLow: number;
  misroutesTooHigh: number;
}

/** Every bucket from the one holding sinceMs to the one holding untilMs - 1. */
export function seriesOf(cells: readonly ReportCell[], misroutes: readonly MisrouteCell[], sinceMs: number, untilMs: number, bucketMs: number): ReportBucket[] {
  const first = Math.floor(sinceMs / bucketMs) * bucketMs;
  const last = Math.floor((untilMs - 1) / bucketMs) * bucketMs;
  const buckets = new Map<number, ReportBucket>();
  for (let start = first; start <= last; start += bucketMs) buckets.set(start, emptyBucket(start));
  for (const c of cells) {
    const b = buckets.get(c.bucketMs);
    if (b === undefined || c.kind === "classify") continue;
    const isError = c.status !== "ok" && c.status !== "canceled";
    b.requests += c.requests;
    if (isError) b.errors += c.requests;
    if (c.status === "canceled") b.canceled += c.requests;
    if (fellBack(c)) b.fallbacks += c.requests;
    if (c.cacheHit) b.cacheHits += c.requests;
    b.costPicoUsd += c.costPicoUsd;
    b.actualPicoUsd += c.costPicoUsd + c.classifierCostPicoUsd;
    b.allMidPicoUsd += c.costIfMidPicoUsd;
    b.allFrontierPicoUsd += c.costIfFrontierPicoUsd;
    const tier = c.servedTier ?? c.tier;
    if (tier !== null) {
      const t = b.tiers[rankOf(tier)]!;
      t.requests += c.requests;
      t.costPicoUsd += c.costPicoUsd;
      if (isError) t.errors += c.requests;
    }
    if (c.shadowTier !== null) {
      b.shadowRequests += c.requests;
      b.shadowActualPicoUsd += c.costPicoUsd;
      b.shadowWouldCostPicoUsd += costOn(c, c.shadowTier);
    }
  }
  for (const m of misroutes) {
    const b = buckets.get(m.bucketMs);
    const direction = misrouteDirection(m.decidedTier, m.expectedTier);
    if (b === undefined || direction === undefined) continue;
    if (direction === "too_low") b.misroutesTooLow += m.reports;
    else b.misroutesTooHigh += m.reports;
  }
  return [...buckets.values()];
}

/** Answered by another tier than the one decided. */
export function fellBack(c: Pick<ReportCell, "tier" | "servedTier">): boolean {
  return c.servedTier !== null && c.tier !== null && c.servedTier !== c.tier;
}

/** The cell's tokens priced on a tier's first deployment. */
export function costOn(c: Pick<ReportCell, "costIfNanoPicoUsd" | "costIfMidPicoUsd" | "costIfFrontierPicoUsd">, tier: TierName): bigint {
  return tier === "nano" ? c.costIfNanoPicoUsd : tier === "mid" ? c.costIfMidPicoUsd : c.costIfFrontierPicoUsd;
}

/** A misroute report's direction; undefined when it names no other tier than the one decided. */
export function misrouteDirection(decided: TierName | null, expected: TierName | null): "too_low" | "too_high" | undefined {
  if (decided === null || expected === null || decided === expected) return undefined;
  return rankOf(expected) > rankOf(decided) ? "too_low" : "too_high";
}

function emptyBucket(startMs: number): ReportBucket {
  return {
    startMs,
    requests: 0,
    errors: 0,
    canceled: 0,
    fallbacks: 0,
    cacheHits: 0,
    costPicoUsd: 0n,
    actualPicoUsd: 0n,
    allMidPicoUsd: 0n,
    allFrontierPicoUsd: 0n,
    tiers: TIER_NAMES.map((tier) => ({ tier, requests: 0, costPicoUsd: 0n, errors: 0 })),
    shadowRequests: 0,
    shadowActualPicoUsd: 0n,
    shadowWouldCostPicoUsd: 0n,
    misroutesTooLow: 0,
    misroutesTooHigh: 0,
  };
}
