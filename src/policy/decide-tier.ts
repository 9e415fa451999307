// The decision cascade: override -> policy rules -> local classifier ->
// LLM classifier (only when the local confidence is low, and only when
// enabled) -> floors and ceilings. An unsure local answer is settled between
// the two tiers it is torn between: by the LLM classifier when it is on,
// otherwise by rounding up (nano -> mid, mid -> frontier), never down. The routing mode decides whether the result is acted on
// (enforce), only recorded (shadow), or whether classifiers run at all
// (rules-only). Every stage that ran is in the trace with its output and time.
import { policySchema, type Config, type TierName } from "../config/index.js";
import { monotonicNow, roundMs, type MonotonicClock } from "../core/clock.js";
import {
  DecisionStage,
  RoutingMode,
  Tier,
  type CallContext,
  type ClassifyInput,
  type Decision,
  type DecisionStep,
  type TierChoice,
} from "../core/types.js";
import type { LlmClassifier } from "../classifier/llm-classifier.js";
import { clampTierName, NAME_OF_TIER, nameAtRank, rankOf, TIER_OF_NAME } from "../core/tiers.js";
import type { LocalClassifier } from "../classifier/local-classifier.js";
import { approxExtraTokens } from "../pricing/index.js";
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
  const overridePlans = config.policy ?? policySchema.parse({});
  const classifier = config.classifier;
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
      trace.push(step(DecisionStage.OVERRIDE, Tier.UNSPECIFIED, 0, 0, `tier_override ${NAME_OF_TIER[input.tierOverride]} refused for plan "${input.caller.plan}" (policy.override_plans); deciding normally`, 0));
    }

    const rulesStarted = clock();
    const evaluation = evaluateRules(rules, input, inputTokens);
    const rulesMs = clock() - rulesStarted;
    const ruleStepAt = new Map<string, number>();
    for (const m of evaluation.matches) {
      ruleStepAt.set(m.rule, trace.length);
      trace.push(step(DecisionStage.RULE, m.effect === "overruled" ? Tier.UNSPECIFIED : TIER_OF_NAME[m.tier], 0, 1, m.detail, rulesMs / evaluation.matches.length));
    }
    if (evaluation.fixed !== undefined) {
      const { tier, rule } = evaluation.fixed;
      return { choice: { tier: TIER_OF_NAME[tier], score: 0, confidence: 1, decidedBy: DecisionStage.RULE, reason: `rule ${rule}` }, classifierMs, classifierCost, decisive: ruleStepAt.get(rule)! };
    }

    // Floors and ceilings that leave one tier: no classifier can change it,
    // so none runs (and the LLM classifier is not paid for).
    const lo = evaluation.floor?.tier ?? "nano";
    const hi = evaluation.ceiling?.tier ?? "frontier";
    if (lo === hi) {
      const bound = evaluation.floor?.tier === lo ? evaluation.floor : evaluation.ceiling!;
      const choice: TierChoice = { tier: TIER_OF_NAME[lo], score: 0, confidence: 1, decidedBy: DecisionStage.RULE, reason: `rule ${bound.rule} (only ${lo} is allowed: no classifier ran)` };
      return { choice, classifierMs, classifierCost, decisive: ruleStepAt.get(bound.rule)! };
    }

    // The proposal before floors and ceilings, and the step that made it.
    let proposal: TierChoice;
    let proposalStep: number;
    const local = config.mode === "rules-only" ? undefined : options.local;
    if (local === undefined) {
      proposal = {
        tier: TIER_OF_NAME[config.default_tier],
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
      const bounds = `nano < ${local.settings.nanoBelow}, frontier > ${local.settings.frontierAbove}`;
      proposal = {
        tier: TIER_OF_NAME[verdict.byThresholds],
        score: verdict.score,
        confidence: verdict.confidence,
        decidedBy: DecisionStage.LOCAL_CLASSIFIER,
        reason:
          verdict.remembered === undefined ? `local classifier: score ${verdict.score.toFixed(3)} -> ${verdict.byThresholds}` : `local classifier: remembered label ${verdict.remembered}`,
      };
      proposalStep = trace.length;
      trace.push(
        step(
          DecisionStage.LOCAL_CLASSIFIER,
          proposal.tier,
          verdict.score,
          verdict.confidence,
          verdict.remembered === undefined
            ? `score ${verdict.score.toFixed(3)} (${bounds}) -> ${verdict.byThresholds}; p(nano, mid, frontier) = ${p.map((x) => x.toFixed(2)).join(", ")}`
            : `a prompt the model remembers (a label fed back and trained in): ${verdict.remembered}`,
          localMs,
        ),
      );

      // The pair of tiers the local classifier is torn between: its own and
      // the neighbour its doubt leans to (upward when it can, by "round up,
      // never down"). A tie-breaker chooses between those two only.
      const own = verdict.byThresholds;
      const lower = nameAtRank(rankOf(own) - 1);
      const pair: [TierName, TierName] = verdict.doubtUp !== undefined ? [own, verdict.doubtUp] : own === "nano" ? ["nano", "mid"] : [lower, own];
      let tieBroken = verdict.remembered !== undefined;
      // A pair the rules' bounds fold into one tier is no question to pay for.
      const moot = clamp(pair[0], evaluation.floor, evaluation.ceiling) === clamp(pair[1], evaluation.floor, evaluation.ceiling);
      if (!tieBroken && !moot && llm !== undefined && verdict.confidence < llmBelow) {
        const llmStarted = clock();
        const outcome = await llm.classify(input, ctx);
        const llmMs = clock() - llmStarted;
        classifierMs += llmMs;
        if (outcome.kind !== "failed") classifierCost += outcome.costPicoUsd;
        const asked = `asked because local confidence ${verdict.confidence.toFixed(2)} < ${llmBelow}; choosing between ${pair[0]} and ${pair[1]}`;
        switch (outcome.kind) {
          case "verdict": {
            const { tier, confidence } = outcome.verdict;
            const chosen = clampTierName(tier, pair[0], pair[1]);
            tieBroken = true;
            proposal = { tier: TIER_OF_NAME[chosen], score: verdict.score, confidence, decidedBy: DecisionStage.LLM_CLASSIFIER, reason: `LLM classifier: ${chosen}${chosen === tier ? "" : ` (answered ${tier})`}` };
            proposalStep = trace.length;
            trace.push(step(DecisionStage.LLM_CLASSIFIER, TIER_OF_NAME[chosen], verdict.score, confidence, `${tier} (confidence ${confidence}${outcome.cached ? ", cached" : ""})${chosen === tier ? "" : ` -> ${chosen}`}; ${asked}`, llmMs));
            break;
          }
          case "malformed":
            // An answer we cannot trust is never a licence to go cheap: the higher of the pair.
            tieBroken = true;
            proposal = { tier: TIER_OF_NAME[pair[1]], score: verdict.score, confidence: 0, decidedBy: DecisionStage.LLM_CLASSIFIER, reason: `LLM classifier answer malformed: ${pair[1]}` };
            proposalStep = trace.length;
            trace.push(step(DecisionStage.LLM_CLASSIFIER, TIER_OF_NAME[pair[1]], verdict.score, 0, `malformed answer (${outcome.detail}) -> ${pair[1]}; ${asked}`, llmMs));
            break;
          case "failed":
            trace.push(step(DecisionStage.LLM_CLASSIFIER, Tier.UNSPECIFIED, 0, 0, `${outcome.timedOut ? "timed out" : "failed"}: ${outcome.detail}; the local result stands`, llmMs));
            proposal = { ...proposal, reason: `${proposal.reason} (LLM classifier ${outcome.timedOut ? "timed out" : "failed"})` };
            break;
        }
      }
      if (!tieBroken && verdict.roundedUp) {
        const up = verdict.tier;
        proposal = { ...proposal, tier: TIER_OF_NAME[up], reason: `${proposal.reason}; confidence ${verdict.confidence.toFixed(2)} < ${local.settings.ambiguousBelow}: unsure, rounded up to ${up}` };
        trace[proposalStep]!.tier = TIER_OF_NAME[up];
        trace[proposalStep]!.detail += `; unsure (confidence < ${local.settings.ambiguousBelow}, doubt leans up): rounded up to ${up}`;
      }
    }

    const clamped = TIER_OF_NAME[clamp(NAME_OF_TIER[proposal.tier], evaluation.floor, evaluation.ceiling)];
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
        const served = TIER_OF_NAME[config.shadow_tier];
        decision.shadow = choice;
        decision.tier = served;
        decision.decidedBy = DecisionStage.MODE;
        decision.reason = `shadow mode: served by ${config.shadow_tier}; the router chose ${NAME_OF_TIER[choice.tier]}`;
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


/**
 * A fast input-size estimate (about four characters a token for English and
 * code) so no request pays for a tokenizer just to be sized.
 */
export function estimateInputTokens(input: Pick<ClassifyInput, "messages" | "params">): number {
  let chars = 0;
  for (const m of input.messages) chars += m.content.length;
  // Images, tool definitions and calls fill the window as text does.
  return Math.ceil(chars / 4) + 3 * input.messages.length + approxExtraTokens(input);
}
