// The usage report: what a team asks after two weeks, folded from the
// aggregates the database computed (report-queries.ts): the rows never come
// into memory. Money is summed as bigint pico-USD, so totals equal the sum of
// per-request costs exactly; shares and ratios are floats for display only.
// GetUsageReport, `tierd report` and the dashboard all read this one fold.
import type { TierName } from "../config/index.js";
import { rankOf, TIER_NAMES } from "../core/tiers.js";
import { breakEvenOf, MIN_BREAK_EVEN_SAMPLES, type BreakEvenFigures } from "./break-even.js";
import type { MisrouteReport, OrderStatistics, ReportAggregates, ReportQuery } from "./report-queries.js";
import { bucketMsFor, costOn, fellBack, misrouteDirection, seriesOf, type ReportBucket } from "./report-series.js";

export interface UsageReportOptions {
  sinceMs: number;
  untilMs: number;
  /** Only this endpoint (the report says so). */
  endpoint?: string;
  /** Only this caller's requests (the report says so). */
  callerId?: string;
  /** How many endpoints the cost audit lists. Default 10. */
  topEndpoints?: number;
  /** Warn when the frontier tier serves a larger share of requests. */
  maxFrontierShare: number;
  /** Width of the time buckets. Default: bucketMsFor the window (hours up to two days, then days). */
  bucketMs?: number;
  /** Fewest clean samples per side for a break-even verdict. Default MIN_BREAK_EVEN_SAMPLES. */
  minBreakEvenSamples?: number;
  /** How many of the latest misroute reports to list. Default 50. */
  misrouteLimit?: number;
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
  /** Requests the router decided for this tier. */
  decided: number;
  /** Of those, answered by another tier (the decided tier failed). */
  fallbacksOut: number;
  /** fallbacksOut / decided, in [0, 1]. */
  fallbackRate: number;
  /** Requests answered from the response cache for this tier. */
  cacheHits: number;
  /** cacheHits / requests, in [0, 1]. */
  cacheHitRate: number;
  /** What the cached answers cost when they came from upstream: the money the cache saved. */
  cacheSavedPicoUsd: bigint;
}

/** Requests by the tier they count for and the deployment that answered. */
export interface DeploymentFigures {
  tier: TierName;
  /** "" for the requests of the tier that no deployment answered. */
  deployment: string;
  requests: number;
  errors: number;
  errorRate: number;
  /** Answered after the decided tier failed. */
  fallbacksIn: number;
  /** Took more than one attempt: a retry, or a hop from another deployment. */
  retried: number;
  retriedRate: number;
  costPicoUsd: bigint;
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

export type { BreakEvenFigures } from "./break-even.js";

export interface ShadowFigures {
  requests: number;
  /** The tiers the router would have chosen. */
  distribution: TierShare[];
  /** Would have chosen against served: one entry per pair that occurred. */
  matrix: { wouldChoose: TierName; served: TierName | null; requests: number }[];
  actualPicoUsd: bigint;
  /** The same tokens on the tiers the router would have chosen. */
  wouldCostPicoUsd: bigint;
  /** actual minus would-cost: what acting on the decisions would have saved. */
  savingsPicoUsd: bigint;
}

export interface MisrouteFigures {
  /** Misroute reports whose request got a lower tier than it needed. */
  tooLow: number;
  tooHigh: number;
  /** Reports that name no other tier than the one decided. */
  unspecified: number;
  /** The latest reports, newest request first: request ids, never prompts. */
  latest: MisrouteReport[];
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
  callerId: string | undefined;
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
  /** By tier, then by deployment name ("" last). */
  deployments: DeploymentFigures[];
  topEndpoints: EndpointFigures[];
  savings: SavingsFigures;
  breakEven: BreakEvenFigures[];
  /** Fewest clean answers per side the break-even needed for a verdict. */
  minBreakEvenSamples: number;
  /** Present when the window holds shadow-mode records. */
  shadow: ShadowFigures | undefined;
  misroutes: MisrouteFigures;
  /** Width of the series' buckets, ms. */
  bucketMs: number;
  /** One bucket per bucketMs of the window, oldest first; they add up to the totals. */
  series: ReportBucket[];
  /** Percentiles and medians come from every this-many-th millisecond's answers (1: all). */
  latencySampleEvery: number;
  warnings: ReportWarning[];
}

/** Where the report's aggregates come from: the ledger store. */
export interface ReportSource {
  reportAggregates(query: ReportQuery): Promise<ReportAggregates>;
}

/** The report of a window, aggregated by the database. */
export async function buildUsageReport(source: ReportSource, options: UsageReportOptions): Promise<UsageReport> {
  const bucketMs = options.bucketMs ?? bucketMsFor(options.sinceMs, options.untilMs);
  const aggregates = await source.reportAggregates({
    sinceMs: options.sinceMs,
    untilMs: options.untilMs,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.callerId === undefined ? {} : { callerId: options.callerId }),
    bucketMs,
    misrouteLimit: options.misrouteLimit ?? 50,
  });
  return usageReportOf(aggregates, { ...options, bucketMs });
}

interface TierAcc {
  requests: number;
  cost: bigint;
  errors: number;
  fallbacksIn: number;
  decided: number;
  fallbacksOut: number;
  cacheHits: number;
  cacheSaved: bigint;
}

interface EndpointAcc {
  requests: number;
  cost: bigint;
  tiers: Record<TierName, number>;
}

/** The report figures of a window's aggregates. */
export function usageReportOf(agg: ReportAggregates, options: UsageReportOptions & { bucketMs: number }): UsageReport {
  const tierAcc = (): TierAcc => ({ requests: 0, cost: 0n, errors: 0, fallbacksIn: 0, decided: 0, fallbacksOut: 0, cacheHits: 0, cacheSaved: 0n });
  const tiers: Record<TierName, TierAcc> = { nano: tierAcc(), mid: tierAcc(), frontier: tierAcc() };
  const endpoints = new Map<string, EndpointAcc>();
  const deployments = new Map<string, DeploymentFigures>();
  const endpointsWithNano = new Set<string>();
  const shadowTiers: Record<TierName, number> = { nano: 0, mid: 0, frontier: 0 };
  const shadowMatrix = new Map<string, { wouldChoose: TierName; served: TierName | null; requests: number }>();
  const totals = { requests: 0, classifyRequests: 0, errors: 0, canceled: 0, costPicoUsd: 0n, inputTokens: 0, outputTokens: 0, cacheHits: 0, cacheSavedPicoUsd: 0n, classifierCostPicoUsd: 0n, fallbacks: 0 };
  const savings = { actual: 0n, classifier: 0n, allMid: 0n, allFrontier: 0n };
  const shadow = { requests: 0, actual: 0n, would: 0n };

  for (const c of agg.cells) {
    const n = c.requests;
    totals.classifierCostPicoUsd += c.classifierCostPicoUsd;
    if (c.kind === "classify") {
      totals.classifyRequests += n;
      continue;
    }
    const isError = c.status !== "ok" && c.status !== "canceled";
    totals.requests += n;
    if (isError) totals.errors += n;
    if (c.status === "canceled") totals.canceled += n;
    totals.costPicoUsd += c.costPicoUsd;
    totals.inputTokens += c.inputTokens;
    totals.outputTokens += c.outputTokens;
    if (c.cacheHit) totals.cacheHits += n;
    totals.cacheSavedPicoUsd += c.cacheSavedPicoUsd;
    // Routing is only cheaper if the answer and the decision together are.
    savings.actual += c.costPicoUsd + c.classifierCostPicoUsd;
    savings.classifier += c.classifierCostPicoUsd;
    savings.allMid += c.costIfMidPicoUsd;
    savings.allFrontier += c.costIfFrontierPicoUsd;

    // A request belongs to the tier that answered it; one that no tier
    // answered, to the tier the router chose.
    const tier = c.servedTier ?? c.tier;
    const fell = fellBack(c);
    if (fell) totals.fallbacks += n;
    if (c.tier !== null) {
      tiers[c.tier].decided += n;
      if (fell) tiers[c.tier].fallbacksOut += n;
    }
    if (tier !== null) {
      const t = tiers[tier];
      t.requests += n;
      t.cost += c.costPicoUsd;
      if (isError) t.errors += n;
      if (fell) t.fallbacksIn += n;
      if (c.cacheHit) t.cacheHits += n;
      t.cacheSaved += c.cacheSavedPicoUsd;

      const deployment = c.deployment ?? "";
      const key = `${tier}\u0000${deployment}`;
      let d = deployments.get(key);
      if (d === undefined) {
        d = { tier, deployment, requests: 0, errors: 0, errorRate: 0, fallbacksIn: 0, retried: 0, retriedRate: 0, costPicoUsd: 0n };
        deployments.set(key, d);
      }
      d.requests += n;
      if (isError) d.errors += n;
      if (fell) d.fallbacksIn += n;
      d.retried += c.retried;
      d.costPicoUsd += c.costPicoUsd;
    }

    let e = endpoints.get(c.endpoint);
    if (e === undefined) {
      e = { requests: 0, cost: 0n, tiers: { nano: 0, mid: 0, frontier: 0 } };
      endpoints.set(c.endpoint, e);
    }
    e.requests += n;
    e.cost += c.costPicoUsd;
    if (tier !== null) e.tiers[tier] += n;
    if (c.servedTier === "nano") endpointsWithNano.add(c.endpoint);

    if (c.shadowTier !== null) {
      shadow.requests += n;
      shadowTiers[c.shadowTier] += n;
      shadow.actual += c.costPicoUsd;
      shadow.would += costOn(c, c.shadowTier);
      const key = `${c.shadowTier}\u0000${c.servedTier ?? ""}`;
      const m = shadowMatrix.get(key) ?? { wouldChoose: c.shadowTier, served: c.servedTier, requests: 0 };
      m.requests += n;
      shadowMatrix.set(key, m);
    }
  }

  const n = totals.requests;
  const latency = (tier: TierName) => agg.orderStatistics.find((s) => s.metric === "latency" && s.group === tier);
  const tierFigures: TierFigures[] = TIER_NAMES.map((tier) => {
    const t = tiers[tier];
    const l: OrderStatistics | undefined = latency(tier);
    return {
      tier,
      requests: t.requests,
      requestShare: ratio(t.requests, n),
      costPicoUsd: t.cost,
      costShare: ratioBig(t.cost, totals.costPicoUsd),
      avgCostPicoUsd: t.requests === 0 ? 0n : t.cost / BigInt(t.requests),
      errors: t.errors,
      errorRate: ratio(t.errors, t.requests),
      latencyP50Ms: l?.p50 ?? null,
      latencyP95Ms: l?.p95 ?? null,
      fallbacksIn: t.fallbacksIn,
      decided: t.decided,
      fallbacksOut: t.fallbacksOut,
      fallbackRate: ratio(t.fallbacksOut, t.decided),
      cacheHits: t.cacheHits,
      cacheHitRate: ratio(t.cacheHits, t.requests),
      cacheSavedPicoUsd: t.cacheSaved,
    };
  });

  const deploymentFigures = [...deployments.values()]
    .map((d) => ({ ...d, errorRate: ratio(d.errors, d.requests), retriedRate: ratio(d.retried, d.requests) }))
    .sort((a, b) => rankOf(a.tier) - rankOf(b.tier) || (a.deployment === "" ? 1 : 0) - (b.deployment === "" ? 1 : 0) || a.deployment.localeCompare(b.deployment));

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

  const minBreakEvenSamples = options.minBreakEvenSamples ?? MIN_BREAK_EVEN_SAMPLES;
  const breakEven = breakEvenOf(endpointsWithNano, agg.orderStatistics, minBreakEvenSamples);

  const misroutes: MisrouteFigures = { tooLow: 0, tooHigh: 0, unspecified: 0, latest: agg.misroutes };
  for (const m of agg.misrouteCells) {
    const direction = misrouteDirection(m.decidedTier, m.expectedTier);
    if (direction === "too_low") misroutes.tooLow += m.reports;
    else if (direction === "too_high") misroutes.tooHigh += m.reports;
    else misroutes.unspecified += m.reports;
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
    if (b.verdict !== "slower") continue;
    warnings.push({
      kind: "routing_slower",
      endpoint: b.endpoint,
      message:
        `routing made ${b.endpoint === "" ? "(no endpoint)" : b.endpoint} slower: classifier ${fmtMs(b.classifierP50Ms ?? 0)} + nano ${fmtMs(b.nanoP50Ms ?? 0)} ` +
        `> mid ${fmtMs(b.midP50Ms ?? 0)}${b.midSource === "all" ? " (mid median of all endpoints)" : ""}`,
    });
  }

  return {
    sinceMs: options.sinceMs,
    untilMs: options.untilMs,
    endpoint: options.endpoint,
    callerId: options.callerId,
    maxFrontierShare: options.maxFrontierShare,
    totals: { ...totals, errorRate: ratio(totals.errors, n), cacheHitRate: ratio(totals.cacheHits, n) },
    tiers: tierFigures,
    deployments: deploymentFigures,
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
    minBreakEvenSamples,
    shadow:
      shadow.requests === 0
        ? undefined
        : {
            requests: shadow.requests,
            distribution: TIER_NAMES.map((tier) => ({ tier, requests: shadowTiers[tier], share: ratio(shadowTiers[tier], shadow.requests) })),
            matrix: [...shadowMatrix.values()].sort((a, b) => rankOf(a.wouldChoose) - rankOf(b.wouldChoose) || rankOrLast(a.served) - rankOrLast(b.served)),
            actualPicoUsd: shadow.actual,
            wouldCostPicoUsd: shadow.would,
            savingsPicoUsd: shadow.actual - shadow.would,
          },
    misroutes,
    bucketMs: options.bucketMs,
    series: seriesOf(agg.cells, agg.misrouteCells, options.sinceMs, options.untilMs, options.bucketMs),
    latencySampleEvery: agg.sampleEvery,
    warnings,
  };
}

/** Nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

function rankOrLast(tier: TierName | null): number {
  return tier === null ? TIER_NAMES.length : rankOf(tier);
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
