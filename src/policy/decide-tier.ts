// The decision cascade: override, then policy rules, then classifiers, then
// the default tier; the routing mode decides whether the result is acted on.
// This first cut knows the override and the default; rules and classifiers
// plug into the same trace.
import type { Config, TierName } from "../config/index.js";
import { monotonicNow, roundMs, type MonotonicClock } from "../core/clock.js";
import {
  DecisionStage,
  RoutingMode,
  Tier,
  type CallContext,
  type ClassifyInput,
  type Decision,
  type DecisionStep,
  type RoutableTier,
  type TierChoice,
} from "../core/types.js";

export interface TierDecider {
  decide(input: ClassifyInput, ctx: CallContext): Promise<Decision>;
}

export interface TierDeciderOptions {
  config: Pick<Config, "mode" | "shadow_tier" | "default_tier">;
  clock?: MonotonicClock;
}

const TIER_OF: Record<TierName, RoutableTier> = { nano: Tier.NANO, mid: Tier.MID, frontier: Tier.FRONTIER };
const MODE_OF: Record<Config["mode"], RoutingMode> = {
  enforce: RoutingMode.ENFORCE,
  shadow: RoutingMode.SHADOW,
  "rules-only": RoutingMode.RULES_ONLY,
};

export function createTierDecider(options: TierDeciderOptions): TierDecider {
  const clock = options.clock ?? monotonicNow;
  const { config } = options;
  const defaultTier = TIER_OF[config.default_tier];
  const mode = MODE_OF[config.mode];

  return {
    async decide(input) {
      const trace: DecisionStep[] = [];
      const inputTokens = estimateInputTokens(input);
      let choice: TierChoice | undefined;

      if (input.tierOverride !== undefined) {
        const started = clock();
        choice = { tier: input.tierOverride, score: 0, confidence: 1, decidedBy: DecisionStage.OVERRIDE, reason: "tier_override in request" };
        trace.push(step(DecisionStage.OVERRIDE, choice, "caller asked for this tier", clock() - started, true));
      }
      if (choice === undefined) {
        choice = {
          tier: defaultTier,
          score: 0,
          confidence: 0,
          decidedBy: DecisionStage.DEFAULT,
          reason: `no rule or classifier decided; default tier ${config.default_tier}`,
        };
        trace.push(step(DecisionStage.DEFAULT, choice, choice.reason, 0, true));
      }

      const decision: Decision = { ...choice, classifierLatencyMs: 0, mode, trace, inputTokens };
      if (config.mode === "shadow") {
        const served = TIER_OF[config.shadow_tier];
        decision.shadow = choice;
        decision.tier = served;
        decision.decidedBy = DecisionStage.MODE;
        decision.reason = `shadow mode: served by ${config.shadow_tier}; the router chose ${nameOf(choice.tier)}`;
      }
      return decision;
    },
  };
}

function step(stage: DecisionStage, choice: TierChoice, detail: string, latencyMs: number, decisive: boolean): DecisionStep {
  return { stage, tier: choice.tier, score: choice.score, confidence: choice.confidence, detail, latencyMs: roundMs(latencyMs), decisive };
}

function nameOf(tier: RoutableTier): TierName {
  return tier === Tier.NANO ? "nano" : tier === Tier.MID ? "mid" : "frontier";
}

/**
 * A fast input-size estimate (about four characters a token for English and
 * code) so no request pays for a tokenizer just to be sized.
 */
export function estimateInputTokens(input: Pick<ClassifyInput, "messages">): number {
  let chars = 0;
  for (const m of input.messages) chars += m.content.length;
  return Math.ceil(chars / 4) + 3 * input.messages.length;
}
