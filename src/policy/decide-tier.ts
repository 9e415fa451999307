// The decision cascade: override -> policy rules -> local classifier -> LLM
// classifier (only when the local confidence is low, and only when enabled)
// -> thresholds, floors and ceilings. Ambiguous answers round up (nano ->
// mid), never down. The routing mode decides whether the result is acted on
// (enforce), only recorded (shadow), or whether classifiers run at all
// (rules-only). Every stage that ran is in the trace with its output and time.
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
import type { LlmClassifier } from "../classifier/llm-classifier.js";
import type { LocalClassifier } from "../classifier/local-classifier.js";
import { clamp, evaluateRules, overrideAllowed, policyRules, type Bound } from "./rules.js";

export interface TierDecider {
  decide(input: ClassifyInput, ctx: CallContext): Promise<Decision>;
}

export interface TierDeciderOptions {
  config: Pick<Config, "mode" | "shadow_tier" | "default_tier"> & Partial<Pick<Config, "policy" | "classifier">>;
  /** The in-process classifier; without it the default tier stands in for it. */
  local?: LocalClassifier;
  /** Asked when the local confidence is below classifier.llm.confidence_below (if enabled in config). */
  llm?: LlmClassifier;
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
  const mode = MODE_OF[config.mode];
  const rules = config.policy ? policyRules(config.policy) : [];
  const overridePlans = config.policy ?? { override_plans: ["*"] };
  const classifier = config.classifier;
  const ambiguousBelow = classifier?.ambiguous_below ?? 0.5;
  const llm = classifier?.llm.enabled ? options.llm : undefined;
  const llmBelow = classifier?.llm.confidence_below ?? 0;

  async function choose(
    input: ClassifyInput,
    ctx: CallContext,
    trace: DecisionStep[],
    inputTokens: number,
  ): Promise<{ choice: TierChoice; classifierMs: number; classifierCost: bigint; decisive: number }> {
    let classifierMs = 0;
    let classifierCost = 0n;
    if (input.tierOverride !== undefined) {
      if (overrideAllowed(overridePlans, input.caller.plan)) {
        const choice: TierChoice = { tier: input.tierOverride, score: 0, confidence: 1, decidedBy: DecisionStage.OVERRIDE, reason: "tier_override in request" };
        trace.push(step(DecisionStage.OVERRIDE, choice.tier, 0, 1, "caller asked for this tier", 0));
        return { choice, classifierMs, classifierCost, decisive: trace.length - 1 };
      }
      trace.push(step(DecisionStage.OVERRIDE, Tier.UNSPECIFIED, 0, 0, `tier_override ${nameOf(input.tierOverride)} refused for plan "${input.caller.plan}" (policy.override_plans); deciding normally`, 0));
    }

    const rulesStarted = clock();
    const evaluation = evaluateRules(rules, input, inputTokens);
    const rulesMs = clock() - rulesStarted;
    const ruleStepAt = new Map<string, number>();
    for (const m of evaluation.matches) {
      ruleStepAt.set(m.rule, trace.length);
      trace.push(step(DecisionStage.RULE, m.effect === "overruled" ? Tier.UNSPECIFIED : TIER_OF[m.tier], 0, 1, m.detail, rulesMs / evaluation.matches.length));
    }
    if (evaluation.fixed !== undefined) {
      const { tier, rule } = evaluation.fixed;
      return { choice: { tier: TIER_OF[tier], score: 0, confidence: 1, decidedBy: DecisionStage.RULE, reason: `rule ${rule}` }, classifierMs, classifierCost, decisive: ruleStepAt.get(rule)! };
    }

    // The proposal before floors and ceilings, and the step that made it.
    let proposal: TierChoice;
    let proposalStep: number;
    const local = config.mode === "rules-only" ? undefined : options.local;
    if (local === undefined) {
      proposal = {
        tier: TIER_OF[config.default_tier],
        score: 0,
        confidence: 0,
        decidedBy: DecisionStage.DEFAULT,
        reason: config.mode === "rules-only" ? `rules-only mode: no rule fixed the tier; default tier ${config.default_tier}` : `no classifier; default tier ${config.default_tier}`,
      };
      proposalStep = trace.length;
      trace.push(step(DecisionStage.DEFAULT, proposal.tier, 0, 0, proposal.reason, 0));
    } else {
      const started = clock();
      const verdict = local.classify(input.messages);
      const localMs = clock() - started;
      classifierMs += localMs;
      const p = verdict.probabilities;
      proposal = {
        tier: TIER_OF[verdict.tier],
        score: verdict.score,
        confidence: verdict.confidence,
        decidedBy: DecisionStage.LOCAL_CLASSIFIER,
        reason: `local classifier: score ${verdict.score.toFixed(3)} -> ${verdict.tier}`,
      };
      proposalStep = trace.length;
      trace.push(
        step(
          DecisionStage.LOCAL_CLASSIFIER,
          proposal.tier,
          verdict.score,
          verdict.confidence,
          `score ${verdict.score.toFixed(3)} (nano < ${classifier?.nano_below}, frontier > ${classifier?.frontier_above}) -> ${verdict.tier}; p(nano, mid, frontier) = ${p.map((x) => x.toFixed(2)).join(", ")}`,
          localMs,
        ),
      );

      if (llm !== undefined && verdict.confidence < llmBelow) {
        const llmStarted = clock();
        const outcome = await llm.classify(input, ctx);
        const llmMs = clock() - llmStarted;
        classifierMs += llmMs;
        if (outcome.kind !== "failed") classifierCost += outcome.costPicoUsd;
        switch (outcome.kind) {
          case "verdict": {
            const { tier, confidence } = outcome.verdict;
            proposal = { tier: TIER_OF[tier], score: verdict.score, confidence, decidedBy: DecisionStage.LLM_CLASSIFIER, reason: `LLM classifier: ${tier}` };
            proposalStep = trace.length;
            trace.push(step(DecisionStage.LLM_CLASSIFIER, TIER_OF[tier], verdict.score, confidence, `${tier} (confidence ${confidence}${outcome.cached ? ", cached" : ""}); asked because local confidence ${verdict.confidence.toFixed(2)} < ${llmBelow}`, llmMs));
            break;
          }
          case "malformed":
            // An answer we cannot trust is never a licence to go cheap.
            proposal = { tier: Tier.MID, score: verdict.score, confidence: 0, decidedBy: DecisionStage.LLM_CLASSIFIER, reason: "LLM classifier answer malformed: mid" };
            proposalStep = trace.length;
            trace.push(step(DecisionStage.LLM_CLASSIFIER, Tier.MID, verdict.score, 0, `malformed answer (${outcome.detail}) -> mid`, llmMs));
            break;
          case "failed":
            trace.push(step(DecisionStage.LLM_CLASSIFIER, Tier.UNSPECIFIED, 0, 0, `${outcome.timedOut ? "timed out" : "failed"}: ${outcome.detail}; the local result stands`, llmMs));
            proposal = { ...proposal, reason: `${proposal.reason} (LLM classifier ${outcome.timedOut ? "timed out" : "failed"})` };
            break;
        }
      }
      if (proposal.tier === Tier.NANO && proposal.confidence < ambiguousBelow) {
        proposal = { ...proposal, tier: Tier.MID, reason: `${proposal.reason}; confidence ${proposal.confidence.toFixed(2)} < ${ambiguousBelow}: ambiguous, rounded up to mid` };
        trace[proposalStep]!.tier = Tier.MID;
        trace[proposalStep]!.detail += `; ambiguous (confidence < ${ambiguousBelow}): rounded up to mid`;
      }
    }

    const clamped = TIER_OF[clamp(nameOf(proposal.tier), evaluation.floor, evaluation.ceiling)];
    if (clamped !== proposal.tier) {
      const bound: Bound = clamped > proposal.tier ? evaluation.floor! : evaluation.ceiling!;
      const choice: TierChoice = { ...proposal, tier: clamped, decidedBy: DecisionStage.RULE, reason: `rule ${bound.rule} (${proposal.reason}, ${clamped > proposal.tier ? "raised" : "capped"} to ${bound.tier})` };
      return { choice, classifierMs, classifierCost, decisive: ruleStepAt.get(bound.rule)! };
    }
    return { choice: proposal, classifierMs, classifierCost, decisive: proposalStep };
  }

  return {
    async decide(input, ctx) {
      const trace: DecisionStep[] = [];
      const inputTokens = estimateInputTokens(input);
      const { choice, classifierMs, classifierCost, decisive } = await choose(input, ctx, trace, inputTokens);
      const decision: Decision = { ...choice, classifierLatencyMs: roundMs(classifierMs), mode, trace, inputTokens };
      if (classifierCost > 0n) decision.classifierCostPicoUsd = classifierCost;
      if (config.mode === "shadow") {
        const served = TIER_OF[config.shadow_tier];
        decision.shadow = choice;
        decision.tier = served;
        decision.decidedBy = DecisionStage.MODE;
        decision.reason = `shadow mode: served by ${config.shadow_tier}; the router chose ${nameOf(choice.tier)}`;
        trace.push(step(DecisionStage.MODE, served, 0, 1, decision.reason, 0));
        trace[trace.length - 1]!.decisive = true;
      } else {
        trace[decisive]!.decisive = true;
      }
      return decision;
    },
  };
}

function step(stage: DecisionStage, tier: Tier, score: number, confidence: number, detail: string, latencyMs: number): DecisionStep {
  return { stage, tier, score, confidence, detail, latencyMs: roundMs(latencyMs), decisive: false };
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
