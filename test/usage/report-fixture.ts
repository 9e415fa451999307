// A small ledger whose every report figure is worked out by hand (see
// report.test.ts): four endpoints, all three tiers, a fallback, an error, a
// cancellation, classify calls and shadow-mode records.
import type { UsageRecord } from "../../src/usage/index.js";
import { recordFixture } from "./fixtures.js";

export const FIXTURE_WINDOW = { sinceMs: Date.UTC(2026, 0, 1), untilMs: Date.UTC(2026, 1, 1) };

const cheap = { costIfNanoPicoUsd: 100n, costIfMidPicoUsd: 1_000n, costIfFrontierPicoUsd: 2_000n };
const zero = { costPicoUsd: 0n, costIfNanoPicoUsd: 0n, costIfMidPicoUsd: 0n, costIfFrontierPicoUsd: 0n };

function times<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

export function reportFixture(): UsageRecord[] {
  const at = (minute: number) => Date.UTC(2026, 0, 5, 12, minute);
  const common = { inputTokens: 10, outputTokens: 5 };
  return [
    // /search: mostly nano, which beats mid on latency.
    ...times(6, (i) =>
      recordFixture({ ...common, ...cheap, endpoint: "/search", tier: "nano", servedTier: "nano", costPicoUsd: 100n, latencyMs: 100, classifierLatencyMs: 10, cacheHit: i === 0, cacheSavedPicoUsd: i === 0 ? 100n : 0n, startedAtMs: at(i) }),
    ),
    ...times(2, (i) =>
      recordFixture({ ...common, ...cheap, endpoint: "/search", tier: "mid", servedTier: "mid", costPicoUsd: 1_000n, latencyMs: 300, classifierLatencyMs: 10, startedAtMs: at(10 + i) }),
    ),
    recordFixture({ ...common, ...zero, endpoint: "/search", tier: "nano", servedTier: null, status: "unavailable", latencyMs: 50, classifierLatencyMs: 0, startedAtMs: at(20) }),
    recordFixture({ ...common, ...zero, endpoint: "/search", tier: "nano", servedTier: null, status: "canceled", latencyMs: 20, classifierLatencyMs: 0, startedAtMs: at(21) }),
    // /legal: the expensive endpoint; one request fell back from nano to mid.
    ...times(3, (i) =>
      recordFixture({
        ...common,
        endpoint: "/legal",
        tier: "frontier",
        servedTier: "frontier",
        costPicoUsd: 5_000n,
        costIfNanoPicoUsd: 250n,
        costIfMidPicoUsd: 2_500n,
        costIfFrontierPicoUsd: 5_000n,
        latencyMs: 2_000,
        classifierLatencyMs: 0,
        startedAtMs: at(30 + i),
      }),
    ),
    recordFixture({ ...common, ...cheap, endpoint: "/legal", tier: "nano", servedTier: "mid", costPicoUsd: 1_000n, latencyMs: 400, classifierLatencyMs: 0, startedAtMs: at(35) }),
    // /chat: a slow classifier makes classifier + nano slower than mid.
    ...times(2, (i) =>
      recordFixture({ ...common, ...cheap, endpoint: "/chat", tier: "nano", servedTier: "nano", costPicoUsd: 100n, latencyMs: 700, classifierLatencyMs: 300, startedAtMs: at(40 + i) }),
    ),
    // The LLM classifier was asked for this one: its call cost 40.
    recordFixture({ ...common, ...cheap, endpoint: "/chat", tier: "mid", servedTier: "mid", costPicoUsd: 1_000n, classifierCostPicoUsd: 40n, latencyMs: 350, classifierLatencyMs: 50, startedAtMs: at(45) }),
    // /shadow: served by mid in shadow mode; the router would have picked nano and frontier.
    recordFixture({ ...common, ...cheap, endpoint: "/shadow", mode: "shadow", tier: "mid", servedTier: "mid", decidedBy: "mode", shadowTier: "nano", costPicoUsd: 1_000n, latencyMs: 500, classifierLatencyMs: 0, startedAtMs: at(50) }),
    recordFixture({ ...common, ...cheap, endpoint: "/shadow", mode: "shadow", tier: "mid", servedTier: "mid", decidedBy: "mode", shadowTier: "frontier", costPicoUsd: 1_000n, latencyMs: 500, classifierLatencyMs: 0, startedAtMs: at(51) }),
    // Classify calls: counted apart, in no other figure but the classifier's spend (7, once).
    ...times(2, (i) =>
      recordFixture({ ...zero, classifierCostPicoUsd: i === 0 ? 7n : 0n, kind: "classify", endpoint: "/search", tier: "frontier", servedTier: null, deployment: null, model: null, attempts: [], inputTokens: 0, outputTokens: 0, latencyMs: 1, startedAtMs: at(55 + i) }),
    ),
    // Outside the window.
    recordFixture({ ...cheap, endpoint: "/search", costPicoUsd: 777n, startedAtMs: Date.UTC(2025, 11, 31, 23, 59) }),
  ];
}
