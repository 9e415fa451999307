// The access log: one info line per request, written when its outcome is
// known, with what an operator asks first (who, which endpoint, which tier
// was decided and which served it, where, how it ended, how long, what it
// cost). Never the prompt, the answer, caller metadata or a key; and not the
// failure message either, which may quote an upstream's words about the
// prompt: the status code says how it ended, and the request id finds the
// ledger record (or the upstream warning, provider/upstream-log.ts) with
// the detail.
import type { Logger } from "../core/log.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { DecisionStage } from "../core/types.js";
import { picoToUsd } from "../pricing/index.js";
import type { RequestOutcome, RouteObserver } from "./observer.js";

export const ACCESS_LOG_MESSAGE = "request";

export function createAccessLog(log: Logger): RouteObserver {
  return {
    begin() {
      return { end: (outcome) => log.info(ACCESS_LOG_MESSAGE, accessFields(outcome)) };
    },
  };
}

/** The line's fields; absent facts (no decision, no answer) are left out rather than written empty. */
export function accessFields(outcome: RequestOutcome): Record<string, unknown> {
  const { request, decision, completion } = outcome;
  return {
    request_id: request.requestId,
    kind: outcome.kind,
    caller: request.caller.id,
    endpoint: request.endpoint,
    ...(decision === undefined ? {} : { tier: NAME_OF_TIER[decision.tier], decided_by: (DecisionStage[decision.decidedBy] ?? "").toLowerCase() }),
    ...(completion === undefined ? {} : { served_tier: NAME_OF_TIER[completion.tier], deployment: completion.deployment }),
    attempts: outcome.attempts.length,
    status: outcome.failure?.code ?? "ok",
    latency_ms: outcome.latencyMs,
    ...(outcome.timeToFirstTokenMs === undefined ? {} : { ttft_ms: outcome.timeToFirstTokenMs }),
    ...(outcome.kind === "classify" ? {} : { input_tokens: outcome.usage.inputTokens, output_tokens: outcome.usage.outputTokens, cost_usd: picoToUsd(outcome.costPicoUsd), cache_hit: completion?.cacheHit ?? false }),
  };
}
