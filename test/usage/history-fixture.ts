// A generated ledger history of several days, the same on every run (a
// seeded generator): four endpoints (one unnamed), two callers, all three
// tiers, fallbacks between tiers and retries within one, errors,
// cancellations, cache hits, Classify calls, shadow-mode records and
// misroute feedback. The report and dashboard tests write it through the
// store and compare what they read back with figures computed here.
import type { FeedbackRecord, UsageRecord } from "../../src/usage/index.js";
import type { TierName } from "../../src/core/tiers.js";
import { recordFixture } from "./fixtures.js";
import { mulberry32 } from "../../src/core/random.js";

export interface History {
  records: UsageRecord[];
  feedback: FeedbackRecord[];
  /** [sinceMs, untilMs): whole UTC days holding every record. */
  sinceMs: number;
  untilMs: number;
}

export interface HistoryOptions {
  /** The last day of the history ends here (a UTC midnight). */
  untilMs: number;
  days: number;
  /** Route/stream records per day, before Classify calls. */
  perDay: number;
  seed?: number;
}

export const HISTORY_ENDPOINTS = ["/search", "/chat", "/legal", ""] as const;
export const HISTORY_CALLERS = ["svc-search", "svc-chat"] as const;
const DAY_MS = 86_400_000;
const PRICE: Record<TierName, bigint> = { nano: 150_000n, mid: 3_000_000n, frontier: 15_000_000n };
const DEPLOYMENT: Record<TierName, string> = { nano: "nano-1", mid: "mid-1", frontier: "frontier-1" };

export function generateHistory(options: HistoryOptions): History {
  // Seeded, so a failure reproduces.
  const random = mulberry32(options.seed ?? 18);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sinceMs = options.untilMs - options.days * DAY_MS;
  const records: UsageRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  let seq = 0;
  for (let day = 0; day < options.days; day++) {
    // Traffic grows day by day, and frontier's share with it, so the charts move.
    const count = options.perDay + day * Math.floor(options.perDay / 10);
    for (let i = 0; i < count; i++) {
      seq++;
      const startedAtMs = sinceMs + day * DAY_MS + Math.floor(random() * DAY_MS);
      const endpoint = pick(HISTORY_ENDPOINTS);
      const callerId = pick(HISTORY_CALLERS);
      const roll = random();
      const tier: TierName = endpoint === "/legal" ? (roll < 0.7 ? "frontier" : "mid") : roll < 0.6 ? "nano" : roll < 0.9 + day * 0.01 ? "mid" : "frontier";
      const shadowMode = endpoint === "/chat" && day === options.days - 1;
      const kind = random() < 0.08 ? "classify" : random() < 0.3 ? "stream" : "route";
      const id = `h-${String(seq).padStart(6, "0")}`;
      const tokens = { inputTokens: 50 + Math.floor(random() * 400), outputTokens: 20 + Math.floor(random() * 300) };
      const scale = BigInt(tokens.inputTokens + tokens.outputTokens);
      const costs = { costIfNanoPicoUsd: PRICE.nano * scale, costIfMidPicoUsd: PRICE.mid * scale, costIfFrontierPicoUsd: PRICE.frontier * scale };
      const classifierLatencyMs = Math.round(random() * 30) / 10;
      const base = {
        id,
        requestId: `req-${id}`,
        kind,
        startedAtMs,
        endpoint,
        callerId,
        ...tokens,
        ...costs,
        classifierLatencyMs,
        promptSha256: "0".repeat(64),
        promptText: null,
      } as const;
      if (kind === "classify") {
        records.push(recordFixture({ ...base, tier, servedTier: null, deployment: null, model: null, attempts: [], costPicoUsd: 0n, costIfNanoPicoUsd: 0n, costIfMidPicoUsd: 0n, costIfFrontierPicoUsd: 0n, inputTokens: 0, outputTokens: 0, latencyMs: classifierLatencyMs, classifierCostPicoUsd: random() < 0.2 ? 40n : 0n }));
        continue;
      }
      const outcome = random();
      const upstreamMs = { nano: 60, mid: 200, frontier: 900 }[tier] + Math.floor(random() * 40);
      const attempt = (t: TierName, ok: boolean, ms: number) => ({ deployment: DEPLOYMENT[t], model: `model-${t}`, tier: t, outcome: ok ? ("success" as const) : ("failure" as const), errorClass: ok ? "" : "unavailable", latencyMs: ms, httpStatus: ok ? 200 : 503, startedAtMs });
      if (outcome < 0.04) {
        // Every deployment failed: an error, counted for the decided tier.
        records.push(recordFixture({ ...base, tier, servedTier: null, deployment: null, model: null, attempts: [attempt(tier, false, 30)], status: "unavailable", costPicoUsd: 0n, latencyMs: 30 + classifierLatencyMs }));
      } else if (outcome < 0.06) {
        records.push(recordFixture({ ...base, tier, servedTier: null, deployment: null, model: null, attempts: [], status: "canceled", costPicoUsd: 0n, latencyMs: 15 }));
      } else if (outcome < 0.1 && tier !== "frontier") {
        // Fallback hop: the decided tier failed, the next one answered.
        const served: TierName = tier === "nano" ? "mid" : "frontier";
        records.push(recordFixture({ ...base, tier, servedTier: served, deployment: DEPLOYMENT[served], attempts: [attempt(tier, false, 40), attempt(served, true, upstreamMs * 3)], costPicoUsd: costs[served === "mid" ? "costIfMidPicoUsd" : "costIfFrontierPicoUsd"], latencyMs: 40 + upstreamMs * 3 + classifierLatencyMs }));
      } else if (outcome < 0.16) {
        // A cache hit: no upstream time, nothing spent, the answer's cost saved.
        records.push(recordFixture({ ...base, tier, servedTier: tier, deployment: DEPLOYMENT[tier], attempts: [], cacheHit: true, cacheSavedPicoUsd: costs[costKey(tier)], costPicoUsd: 0n, latencyMs: 1 + classifierLatencyMs }));
      } else {
        const retried = outcome < 0.19;
        const served: TierName = shadowMode ? "mid" : tier;
        records.push(
          recordFixture({
            ...base,
            mode: shadowMode ? "shadow" : "enforce",
            tier: shadowMode ? "mid" : tier,
            decidedBy: shadowMode ? "mode" : "local_classifier",
            shadowTier: shadowMode ? tier : null,
            shadowDecidedBy: shadowMode ? "local_classifier" : null,
            servedTier: served,
            deployment: DEPLOYMENT[served],
            attempts: retried ? [attempt(served, false, 20), attempt(served, true, upstreamMs)] : [attempt(served, true, upstreamMs)],
            costPicoUsd: costs[costKey(served)],
            classifierCostPicoUsd: random() < 0.05 ? 40n : 0n,
            latencyMs: (retried ? 20 : 0) + upstreamMs + classifierLatencyMs,
          }),
        );
      }
      const r = records[records.length - 1]!;
      if (r.servedTier !== null && random() < 0.05) {
        const expected: TierName = r.tier === "nano" ? "mid" : r.tier === "frontier" ? "mid" : random() < 0.5 ? "nano" : "frontier";
        feedback.push({ id: `fb-${id}`, requestId: r.requestId, createdAtMs: r.startedAtMs + 60_000, verdict: "misrouted", expectedTier: expected, comment: "" });
      }
    }
  }
  return { records, feedback, sinceMs, untilMs: options.untilMs };
}

function costKey(tier: TierName): "costIfNanoPicoUsd" | "costIfMidPicoUsd" | "costIfFrontierPicoUsd" {
  return tier === "nano" ? "costIfNanoPicoUsd" : tier === "mid" ? "costIfMidPicoUsd" : "costIfFrontierPicoUsd";
}
