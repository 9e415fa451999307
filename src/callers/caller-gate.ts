// A caller's limits around one request, in the order they bite: its rate
// limits before any work; once the tier is decided, its key's max_tier (a
// cap, not an error: the caller did not ask for the tier) and its budgets
// (downgrade or refuse); then the spend guard and the tier ceiling travel
// with the provider's walk, so fallbacks obey them too. Requests without an
// authenticated caller (auth off) pass untouched.
import { DecisionStage, type CompletionRequest, type Decision, type Principal, type RoutableTier } from "../core/types.js";
import type { Budgets } from "./budgets.js";
import { estimateInputTokens } from "../policy/decide-tier.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import type { RateLimits } from "./rate-limits.js";
import type { RequestGate } from "../router/gate.js";

export interface CallerGateOptions {
  rateLimits: RateLimits;
  budgets: Budgets;
}

export function createCallerGate(options: CallerGateOptions): RequestGate {
  const { rateLimits, budgets } = options;
  return {
    async admit(kind, request, ctx) {
      const principal = ctx.principal;
      if (principal === undefined) return undefined;
      // Classify calls no model: it counts as a request, not as tokens.
      const rate = await rateLimits.admit(principal, kind === "classify" ? 0 : estimateInputTokens(request));
      return {
        async plan(decided) {
          let decision = decided;
          if (decision.tier > principal.maxTier) {
            decision = lowered(decision, principal.maxTier, `caller ${principal.callerId} may use up to ${NAME_OF_TIER[principal.maxTier]} (key ${principal.keyName})`);
          }
          if (kind === "classify") return { decision, call: { maxTier: principal.maxTier } };
          const completion = request as CompletionRequest;
          const plan = await budgets.planTier(principal, completion, decision.tier);
          if ("refused" in plan) throw plan.refused;
          if (plan.downgradedBy !== undefined) decision = lowered(decision, plan.tier, plan.downgradedBy);
          return { decision, call: callOptions(principal, budgets, completion) };
        },
        close(usage) {
          rate?.settle(usage.inputTokens + usage.outputTokens);
        },
      };
    },
  };
}

function callOptions(principal: Principal, budgets: Budgets, request: CompletionRequest) {
  const spend = budgets.spendGuard(principal, request);
  return { maxTier: principal.maxTier, ...(spend === undefined ? {} : { spend }) };
}

/** The decision at a lower tier, with the limit as its decisive, last trace step. */
function lowered(decision: Decision, tier: RoutableTier, why: string): Decision {
  return {
    ...decision,
    tier,
    decidedBy: DecisionStage.CALLER_LIMIT,
    reason: `${why}: ${NAME_OF_TIER[decision.tier as RoutableTier]} lowered to ${NAME_OF_TIER[tier]} (${decision.reason})`,
    trace: [
      ...decision.trace.map((s) => ({ ...s, decisive: false })),
      { stage: DecisionStage.CALLER_LIMIT, tier, score: 0, confidence: 1, detail: why, latencyMs: 0, decisive: true },
    ],
  };
}
