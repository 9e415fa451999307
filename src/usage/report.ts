// The usage report: what a team asks after two weeks, computed in one pass
// over a window's ledger rows. Money is summed as bigint pico-USD, so totals
// equal the sum of per-request costs exactly; shares and ratios are floats
// for display only.
import type { TierName } from "../config/index.js";
import type { ReportRow } from "./store.js";
import { TIER_NAMES } from "../core/tiers.js";
import { roundMs } from "../core/clock.js";

export interface UsageReportOptions {
  sinceMs: number;
  untilMs: number;
  /** Only this endpoint (the report says so). */
  endpoint?: string;
  /** How many endpoints the cost audit lists. Default 10. */
  topEndpoints?: number;
  /** Warn when the frontier tier serves a larger share of requests. */
  maxFrontierShare: number;
}

export interface TierShare {
  tier: TierName;
  requests: number;
  /** Share of the group's requests, in [0, 1]. */
  share: number;
}

export interface TierFigures {
  tier: TierName;
  requests: number;
  requestShare: number;
  costPicoUsd: bigint;
  costShare: number;
  /** Integer pico-USD, rounded down. */
  avgCostPicoUsd: bigint;
  errors: number;
  errorRate: number;
  /** Over successful requests; null when there were none. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Requests this tier answered after the decided tier failed. */
  fallbacksIn: number;
  /** Requests answered from the response cache for this tier. */
  cacheHits: number;
  /** cacheHits / requests, in [0, 1]. */
  cacheHitRate: number;
  /** What the cached answers cost when they came from upstream: the money the cache saved. */
  cacheSavedPicoUsd: bigint;
}

export interface EndpointFigures {
  endpoint: string;
  requests: number;
  costPicoUsd: bigint;
  costShare: number;
  /** Where the endpoint's requests landed: how much of its traffic is really complex. */
  tiers: TierShare[];
}

export interface SavingsFigures {
  /** What the answers cost, plus what deciding their tiers cost (the LLM classifier's calls). */
  actualPicoUsd: bigint;
  /** Of actual: the LLM classifier's calls. */
  classifierPicoUsd: bigint;
  /** The same tokens, every request on the mid tier's first model. */
  allMidPicoUsd: bigint;
  allFrontierPicoUsd: bigint;
  /** all-X minus actual; negative when routing cost more. */
  vsMidPicoUsd: bigint;
  vsFrontierPicoUsd: bigint;
  /** Saved share of the all-X cost, in [-inf, 1]; 0 when all-X cost nothing. */
  vsMidRatio: number;
  vsFrontierRatio: number;
}

export interface BreakEvenFigures {
  endpoint: string;
  nanoRequests: number;
  /** Median time in the classifier stages, per request of the endpoint. */
  classifierP50Ms: number;
  /** Median upstream time (latency minus classifier) of nano answers. */
  nanoP50Ms: number;
  /** Median upstream time of mid answers: the endpoint's own, or all endpoints' when it has none. */
  midP50Ms: number;
  midSource: "endpoint" | "all";
  /** classifier + nano minus mid: positive means routing made the endpoint slower. */
  marginMs: number;
  slower: boolean;
}

export interface ShadowFigures {
  requests: number;
  /** The tiers the router would have chosen. */
  distribution: TierShare[];
  actualPicoUsd: bigint;
  /** The same tokens on the tiers the router would have chosen. */
  wouldCostPicoUsd: bigint;
  /** actual minus would-cost: what acting on the decisions would have saved. */
  savingsPicoUsd: bigint;
}

export type WarningKind = "frontier_share" | "routing_slower";

export interface ReportWarning {
  kind: WarningKind;
  message: string;
  /** The endpoint concerned, "" when the warning is global. */
  endpoint: string;
}

export interface UsageReport {
  sinceMs: number;
  untilMs: number;
  endpoint: string | undefined;
  maxFrontierShare: number;
  totals: {
    /** Route and StreamCompletion requests. */
    requests: number;
    /** Classify calls (decisions only; not in the other figures). */
    classifyRequests: number;
    errors: number;
    errorRate: number;
    /** Requests the caller cancelled (not errors of tierd's). */
    canceled: number;
    costPicoUsd: bigint;
    inputTokens: number;
    outputTokens: number;
    cacheHits: number;
    /** cacheHits / requests, in [0, 1]. */
    cacheHitRate: number;
    /** Sum of what the cached answers cost when they came from upstream. */
    cacheSavedPicoUsd: bigint;
    /**
     * What the LLM classifier's calls cost, for every request of the window
     * (Classify calls too). Not in costPicoUsd, which is what the answers
     * cost; in savings' actual for Route and StreamCompletion.
     */
    classifierCostPicoUsd: bigint;
    /** Requests answered by another tier than the decided one. */
    fallbacks: number;
  };
  tiers: TierFigures[];
  topEndpoints: EndpointFigures[];
  savings: SavingsFigures;
  breakEven: BreakEvenFigures[];
  /** Present when the window holds shadow-mode records. */
  shadow: ShadowFigures | undefined;
  warnings: ReportWarning[];
}


interface TierAcc {
  requests: number;
  cost: bigint;
  errors: number;
  okLatencies: number[];
  fallbacksIn: number;
  cacheHits: number;
  cacheSaved: bigint;
}

interface EndpointAcc {
  requests: number;
  cost: bigint;
  tiers: Record<TierName, number>;
  classifier: number[];
  nanoUpstream: number[];
  midUpstream: number[];
}

export interface UsageReportBuilder {
  add(row: ReportRow): void;
  build(): UsageReport;
}

export function createUsageReportBuilder(options: UsageReportOptions): UsageReportBuilder {
  const tierAcc = (): TierAcc => ({ requests: 0, cost: 0n, errors: 0, okLatencies: [], fallbacksIn: 0, cacheHits: 0, cacheSaved: 0n });
  const tiers: Record<TierName, TierAcc> = { nano: tierAcc(), mid: tierAcc(), frontier: tierAcc() };
  const endpoints = new Map<string, EndpointAcc>();
  const allMidUpstream: number[] = [];
  const shadowTiers: Record<TierName, number> = { nano: 0, mid: 0, frontier: 0 };
  const totals = { requests: 0, classifyRequests: 0, errors: 0, canceled: 0, costPicoUsd: 0n, inputTokens: 0, outputTokens: 0, cacheHits: 0, cacheSavedPicoUsd: 0n, classifierCostPicoUsd: 0n, fallbacks: 0 };
  const savings = { actual: 0n, classifier: 0n, allMid: 0n, allFrontier: 0n };
  const shadow = { requests: 0, actual: 0n, would: 0n };

  return {
    add(row) {
      totals.classifierCostPicoUsd += row.classifierCostPicoUsd;
      if (row.kind === "classify") {
        totals.classifyRequests++;
        return;
      }
      const ok = row.status === "ok";
      const isError = !ok && row.status !== "canceled";
      totals.requests++;
      if (isError) totals.errors++;
      if (row.status === "canceled") totals.canceled++;
      totals.costPicoUsd += row.costPicoUsd;
      totals.inputTokens += row.inputTokens;
      totals.outputTokens += row.outputTokens;
      if (row.cacheHit) totals.cacheHits++;
      totals.cacheSavedPicoUsd += row.cacheSavedPicoUsd;
      // Routing is only cheaper if the answer and the decision together are.
      savings.actual += row.costPicoUsd + row.classifierCostPicoUsd;
      savings.classifier += row.classifierCostPicoUsd;
      savings.allMid += row.costIfMidPicoUsd;
      savings.allFrontier += row.costIfFrontierPicoUsd;

      // A request belongs to the tier that answered it; one that no tier
      // answered, to the tier the router chose.
      const tier = row.servedTier ?? row.tier;
      const fellBack = row.servedTier !== null && row.tier !== null && row.servedTier !== row.tier;
      if (fellBack) totals.fallbacks++;
      if (tier !== null) {
        const t = tiers[tier];
        t.requests++;
        t.cost += row.costPicoUsd;
        if (isError) t.errors++;
        if (ok) t.okLatencies.push(row.latencyMs);
        if (fellBack) t.fallbacksIn++;
        if (row.cacheHit) t.cacheHits++;
        t.cacheSaved += row.cacheSavedPicoUsd;
      }

      let e = endpoints.get(row.endpoint);
      if (e === undefined) {
        e = { requests: 0, cost: 0n, tiers: { nano: 0, mid: 0, frontier: 0 }, classifier: [], nanoUpstream: [], midUpstream: [] };
        endpoints.set(row.endpoint, e);
      }
      e.requests++;
      e.cost += row.costPicoUsd;
      if (tier !== null) e.tiers[tier]++;
      e.classifier.push(row.classifierLatencyMs);
      if (ok) {
        const upstream = Math.max(0, row.latencyMs - row.classifierLatencyMs);
        if (row.servedTier === "nano") e.nanoUpstream.push(upstream);
        if (row.servedTier === "mid") {
          e.midUpstream.push(upstream);
          allMidUpstream.push(upstream);
        }
      }

      if (row.shadowTier !== null) {
        shadow.requests++;
        shadowTiers[row.shadowTier]++;
        shadow.actual += row.costPicoUsd;
        shadow.would += row.shadowTier === "nano" ? row.costIfNanoPicoUsd : row.shadowTier === "mid" ? row.costIfMidPicoUsd : row.costIfFrontierPicoUsd;
      }
    },

    build() {
      const n = totals.requests;
      const tierFigures: TierFigures[] = TIER_NAMES.map((tier) => {
        const t = tiers[tier];
        const sorted = t.okLatencies.sort((a, b) => a - b);
        return {
          tier,
          requests: t.requests,
          requestShare: ratio(t.requests, n),
          costPicoUsd: t.cost,
          costShare: ratioBig(t.cost, totals.costPicoUsd),
          avgCostPicoUsd: t.requests === 0 ? 0n : t.cost / BigInt(t.requests),
          errors: t.errors,
          errorRate: ratio(t.errors, t.requests),
          latencyP50Ms: percentile(sorted, 0.5),
          latencyP95Ms: percentile(sorted, 0.95),
          fallbacksIn: t.fallbacksIn,
          cacheHits: t.cacheHits,
          cacheHitRate: ratio(t.cacheHits, t.requests),
          cacheSavedPicoUsd: t.cacheSaved,
        };
      });

      const topEndpoints: EndpointFigures[] = [...endpoints.entries()]
        .sort(([an, a], [bn, b]) => (a.cost === b.cost ? b.requests - a.requests || an.localeCompare(bn) : a.cost > b.cost ? -1 : 1))
        .slice(0, options.topEndpoints ?? 10)
        .map(([endpoint, e]) => ({
          endpoint,
          requests: e.requests,
          costPicoUsd: e.cost,
          costShare: ratioBig(e.cost, totals.costPicoUsd),
          tiers: TIER_NAMES.map((tier) => ({ tier, requests: e.tiers[tier], share: ratio(e.tiers[tier], e.requests) })),
        }));

      const globalMid = percentile(allMidUpstream.sort((a, b) => a - b), 0.5);
      const breakEven: BreakEvenFigures[] = [];
      for (const [endpoint, e] of [...endpoints.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const nano = percentile(e.nanoUpstream.sort((a, b) => a - b), 0.5);
        const ownMid = percentile(e.midUpstream.sort((a, b) => a - b), 0.5);
        const mid = ownMid ?? globalMid;
        if (nano === null || mid === null) continue;
        const classifier = percentile(e.classifier.sort((a, b) => a - b), 0.5) ?? 0;
        const marginMs = roundMs(classifier + nano - mid);
        breakEven.push({
          endpoint,
          nanoRequests: e.nanoUpstream.length,
          classifierP50Ms: classifier,
          nanoP50Ms: nano,
          midP50Ms: mid,
          midSource: ownMid === null ? "all" : "endpoint",
          marginMs,
          slower: marginMs > 0,
        });
      }

      const warnings: ReportWarning[] = [];
      const frontierShare = ratio(tiers.frontier.requests, n);
      if (n > 0 && frontierShare > options.maxFrontierShare) {
        warnings.push({
          kind: "frontier_share",
          endpoint: "",
          message: `frontier served ${pct(frontierShare)} of requests, above the bound of ${pct(options.maxFrontierShare)}: check the rules and thresholds that send traffic there`,
        });
      }
      for (const b of breakEven) {
        if (!b.slower) continue;
        warnings.push({
          kind: "routing_slower",
          endpoint: b.endpoint,
          message:
            `routing made ${b.endpoint === "" ? "(no endpoint)" : b.endpoint} slower: classifier ${fmtMs(b.classifierP50Ms)} + nano ${fmtMs(b.nanoP50Ms)} ` +
            `> mid ${fmtMs(b.midP50Ms)}${b.midSource === "all" ? " (mid median of all endpoints)" : ""}`,
        });
      }

      return {
        sinceMs: options.sinceMs,
        untilMs: options.untilMs,
        endpoint: options.endpoint,
        maxFrontierShare: options.maxFrontierShare,
        totals: { ...totals, errorRate: ratio(totals.errors, n), cacheHitRate: ratio(totals.cacheHits, n) },
        tiers: tierFigures,
        topEndpoints,
        savings: {
          actualPicoUsd: savings.actual,
          classifierPicoUsd: savings.classifier,
          allMidPicoUsd: savings.allMid,
          allFrontierPicoUsd: savings.allFrontier,
          vsMidPicoUsd: savings.allMid - savings.actual,
          vsFrontierPicoUsd: savings.allFrontier - savings.actual,
          vsMidRatio: ratioBig(savings.allMid - savings.actual, savings.allMid),
          vsFrontierRatio: ratioBig(savings.allFrontier - savings.actual, savings.allFrontier),
        },
        breakEven,
        shadow:
          shadow.requests === 0
            ? undefined
            : {
                requests: shadow.requests,
                distribution: TIER_NAMES.map((tier) => ({ tier, requests: shadowTiers[tier], share: ratio(shadowTiers[tier], shadow.requests) })),
                actualPicoUsd: shadow.actual,
                wouldCostPicoUsd: shadow.would,
                savingsPicoUsd: shadow.actual - shadow.would,
              },
        warnings,
      };
    },
  };
}

/** The report of a window's rows, read as they stream from the store. */
export async function buildUsageReport(rows: AsyncIterable<ReportRow> | Iterable<ReportRow>, options: UsageReportOptions): Promise<UsageReport> {
  const builder = createUsageReportBuilder(options);
  for await (const row of rows) builder.add(row);
  return builder.build();
}

/** Nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** A ratio of two bigints, exact to double precision even past 2^53. */
function ratioBig(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number((part * 1_000_000_000n) / whole) / 1e9;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function fmtMs(ms: number): string {
  return `${ms.toFixed(0)} ms`;
}
