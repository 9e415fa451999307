// Core usage report <-> AdminService messages.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  FeedbackVerdict as ProtoVerdict,
  ReportWarningKind,
  type TierShareSchema,
  type UsageReportSchema,
} from "../../gen/tierd/v1/admin_pb.js";
import type { TierName } from "../config/index.js";
import { Tier } from "../core/types.js";
import { TIER_OF_NAME } from "../core/tiers.js";
import { isDecided, type FeedbackVerdict, type TierShare, type UsageReport } from "../usage/index.js";

export function tierOf(name: TierName | null): Tier {
  return name === null ? Tier.UNSPECIFIED : TIER_OF_NAME[name];
}

export const VERDICT_OF: Partial<Record<ProtoVerdict, FeedbackVerdict>> = {
  [ProtoVerdict.MISROUTED]: "misrouted",
  [ProtoVerdict.BAD_ANSWER]: "bad_answer",
  [ProtoVerdict.GOOD]: "good",
};

export function verdictToProto(verdict: FeedbackVerdict): ProtoVerdict {
  return verdict === "misrouted" ? ProtoVerdict.MISROUTED : verdict === "bad_answer" ? ProtoVerdict.BAD_ANSWER : ProtoVerdict.GOOD;
}

const shares = (list: TierShare[]): MessageInitShape<typeof TierShareSchema>[] =>
  list.map((s) => ({ tier: tierOf(s.tier), requests: BigInt(s.requests), share: s.share }));

export function usageReportToProto(r: UsageReport, droppedRecords: number): MessageInitShape<typeof UsageReportSchema> {
  return {
    startTime: timestampFromMs(r.sinceMs),
    endTime: timestampFromMs(r.untilMs),
    endpoint: r.endpoint ?? "",
    totals: {
      requests: BigInt(r.totals.requests),
      classifyRequests: BigInt(r.totals.classifyRequests),
      errors: BigInt(r.totals.errors),
      errorRate: r.totals.errorRate,
      canceled: BigInt(r.totals.canceled),
      costPicoUsd: r.totals.costPicoUsd,
      inputTokens: BigInt(r.totals.inputTokens),
      outputTokens: BigInt(r.totals.outputTokens),
      cacheHits: BigInt(r.totals.cacheHits),
      fallbacks: BigInt(r.totals.fallbacks),
      cacheHitRate: r.totals.cacheHitRate,
      cacheSavedPicoUsd: r.totals.cacheSavedPicoUsd,
      classifierCostPicoUsd: r.totals.classifierCostPicoUsd,
    },
    tiers: r.tiers.map((t) => ({
      tier: tierOf(t.tier),
      requests: BigInt(t.requests),
      requestShare: t.requestShare,
      costPicoUsd: t.costPicoUsd,
      costShare: t.costShare,
      averageCostPicoUsd: t.avgCostPicoUsd,
      errors: BigInt(t.errors),
      errorRate: t.errorRate,
      ...(t.latencyP50Ms === null ? {} : { latencyP50Ms: t.latencyP50Ms }),
      ...(t.latencyP95Ms === null ? {} : { latencyP95Ms: t.latencyP95Ms }),
      fallbacksIn: BigInt(t.fallbacksIn),
      cacheHits: BigInt(t.cacheHits),
      cacheHitRate: t.cacheHitRate,
      cacheSavedPicoUsd: t.cacheSavedPicoUsd,
    })),
    topEndpoints: r.topEndpoints.map((e) => ({
      endpoint: e.endpoint,
      requests: BigInt(e.requests),
      costPicoUsd: e.costPicoUsd,
      costShare: e.costShare,
      tiers: shares(e.tiers),
    })),
    savings: {
      actualPicoUsd: r.savings.actualPicoUsd,
      classifierPicoUsd: r.savings.classifierPicoUsd,
      allMidPicoUsd: r.savings.allMidPicoUsd,
      allFrontierPicoUsd: r.savings.allFrontierPicoUsd,
      vsMidPicoUsd: r.savings.vsMidPicoUsd,
      vsFrontierPicoUsd: r.savings.vsFrontierPicoUsd,
      vsMidRatio: r.savings.vsMidRatio,
      vsFrontierRatio: r.savings.vsFrontierRatio,
    },
    // BreakEven has no field for "too little data" yet: those endpoints are left out, as before.
    breakEven: r.breakEven.filter(isDecided).map((b) => ({
      endpoint: b.endpoint,
      nanoRequests: BigInt(b.nanoRequests),
      classifierP50Ms: b.classifierP50Ms,
      nanoP50Ms: b.nanoP50Ms,
      midP50Ms: b.midP50Ms,
      midFromAllEndpoints: b.midSource === "all",
      marginMs: b.marginMs,
      routingSlower: b.slower,
    })),
    ...(r.shadow === undefined
      ? {}
      : {
          shadow: {
            requests: BigInt(r.shadow.requests),
            distribution: shares(r.shadow.distribution),
            actualPicoUsd: r.shadow.actualPicoUsd,
            wouldCostPicoUsd: r.shadow.wouldCostPicoUsd,
            savingsPicoUsd: r.shadow.savingsPicoUsd,
          },
        }),
    warnings: r.warnings.map((w) => ({
      kind: w.kind === "frontier_share" ? ReportWarningKind.FRONTIER_SHARE : ReportWarningKind.ROUTING_SLOWER,
      message: w.message,
      endpoint: w.endpoint,
    })),
    maxFrontierShare: r.maxFrontierShare,
    droppedRecords: BigInt(droppedRecords),
    buckets: r.series.map((b) => ({
      startTime: timestampFromMs(b.startMs),
      requests: BigInt(b.requests),
      errors: BigInt(b.errors),
      canceled: BigInt(b.canceled),
      fallbacks: BigInt(b.fallbacks),
      cacheHits: BigInt(b.cacheHits),
      costPicoUsd: b.costPicoUsd,
      actualPicoUsd: b.actualPicoUsd,
      allMidPicoUsd: b.allMidPicoUsd,
      allFrontierPicoUsd: b.allFrontierPicoUsd,
      tiers: b.tiers.map((t) => ({ tier: tierOf(t.tier), requests: BigInt(t.requests), costPicoUsd: t.costPicoUsd, errors: BigInt(t.errors) })),
      shadowRequests: BigInt(b.shadowRequests),
      shadowActualPicoUsd: b.shadowActualPicoUsd,
      shadowWouldCostPicoUsd: b.shadowWouldCostPicoUsd,
      misroutesTooLow: BigInt(b.misroutesTooLow),
      misroutesTooHigh: BigInt(b.misroutesTooHigh),
    })),
    bucketWidth: durationFromMs(r.bucketMs),
  };
}
