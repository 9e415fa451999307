// Does routing to nano pay off in latency, per endpoint? Classifier time plus
// nano's upstream time against mid's upstream time, medians of clean samples
// only (first attempt, not cached, answered by the tier decided: see CLEAN
// in report-queries.ts). A cache hit or a retried request says nothing about
// how fast a tier answers, and counting them produced false "routing made
// /x slower" warnings.
import { roundMs } from "../core/clock.js";
import type { OrderStatistics, SampleMetric } from "./report-queries.js";

/**
 * Fewest clean samples per side for a verdict. The median of 20 samples has
 * a 95% confidence interval from the 6th to the 15th value (binomial, n = 20,
 * p = 0.5: P(X <= 5) = 2.1%), narrow enough to tell a real difference of
 * tiers from noise; fewer, and the report says so instead of guessing.
 */
export const MIN_BREAK_EVEN_SAMPLES = 20;

export type BreakEvenVerdict = "faster" | "slower" | "too_little_data";

export interface BreakEvenFigures {
  endpoint: string;
  /** Clean nano answers of the endpoint (in the sample, when the report sampled). */
  nanoRequests: number;
  /** Clean mid answers the mid median comes from (the endpoint's, or all endpoints'). */
  midRequests: number;
  /** Median classifier time of those nano answers (the LLM classifier's when it ran). */
  classifierP50Ms: number | null;
  /** Median upstream time (latency minus classifier) of those nano answers. */
  nanoP50Ms: number | null;
  /** Median upstream time of mid answers: the endpoint's own, or all endpoints' when it has too few. */
  midP50Ms: number | null;
  midSource: "endpoint" | "all";
  /** classifier + nano minus mid; null without a verdict. Positive means routing made the endpoint slower. */
  marginMs: number | null;
  verdict: BreakEvenVerdict;
  /** verdict === "slower". */
  slower: boolean;
}

/** A break-even with enough data for a verdict: every figure is known. */
export type DecidedBreakEven = BreakEvenFigures & { classifierP50Ms: number; nanoP50Ms: number; midP50Ms: number; marginMs: number; verdict: "faster" | "slower" };

export function isDecided(b: BreakEvenFigures): b is DecidedBreakEven {
  return b.verdict !== "too_little_data";
}

/** One entry per endpoint that had nano answers, in endpoint order. */
export function breakEvenOf(endpointsWithNano: Iterable<string>, stats: readonly OrderStatistics[], minSamples = MIN_BREAK_EVEN_SAMPLES): BreakEvenFigures[] {
  const byKey = new Map(stats.map((s) => [`${s.metric}\u0000${s.group}`, s]));
  const stat = (metric: SampleMetric, group: string) => byKey.get(`${metric}\u0000${group}`);
  const allMid = stat("mid_upstream_all", "");
  return [...new Set(endpointsWithNano)]
    .sort((a, b) => a.localeCompare(b))
    .map((endpoint) => {
      const nano = stat("nano_upstream", endpoint);
      const classifier = stat("nano_classifier", endpoint);
      const ownMid = stat("mid_upstream", endpoint);
      const useOwn = ownMid !== undefined && (ownMid.count >= minSamples || (allMid?.count ?? 0) < minSamples);
      const mid = useOwn ? ownMid : allMid;
      const nanoRequests = nano?.count ?? 0;
      const midRequests = mid?.count ?? 0;
      const base = {
        endpoint,
        nanoRequests,
        midRequests,
        classifierP50Ms: classifier?.p50 ?? null,
        nanoP50Ms: nano?.p50 ?? null,
        midP50Ms: mid?.p50 ?? null,
        midSource: useOwn ? ("endpoint" as const) : ("all" as const),
      };
      if (nano === undefined || mid === undefined || nanoRequests < minSamples || midRequests < minSamples) {
        return { ...base, marginMs: null, verdict: "too_little_data" as const, slower: false };
      }
      const marginMs = roundMs((classifier?.p50 ?? 0) + nano.p50 - mid.p50);
      return { ...base, marginMs, verdict: marginMs > 0 ? ("slower" as const) : ("faster" as const), slower: marginMs > 0 };
    });
}
