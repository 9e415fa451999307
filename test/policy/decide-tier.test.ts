import { describe, expect, it } from "vitest";
import { classifierSchema, policySchema, type Config } from "../../src/config/schema.js";
import { DecisionStage, RoutingMode, Tier, type ClassifyInput, type RoutableTier } from "../../src/core/types.js";
import { createTierDecider, type TierDeciderOptions } from "../../src/policy/index.js";
import { fixedLocal } from "./fakes.js";

const ctx = { signal: new AbortController().signal };

function input(over: Partial<ClassifyInput> = {}): ClassifyInput {
  return { requestId: "r1", messages: [{ role: "user", content: "Is 7 prime?" }], endpoint: "", caller: { id: "c", plan: "", metadata: {} }, ...over };
}

function config(yaml: { policy?: unknown; classifier?: unknown; mode?: Config["mode"]; shadow_tier?: Config["shadow_tier"] } = {}): TierDeciderOptions["config"] {
  return {
    mode: yaml.mode ?? "enforce",
    shadow_tier: yaml.shadow_tier ?? "mid",
    default_tier: "mid",
    policy: policySchema.parse(yaml.policy ?? {}),
    classifier: classifierSchema.parse(yaml.classifier ?? {}),
  };
}

// Probabilities whose expected-tier score lands where each test needs it.
const SURE_NANO: [number, number, number] = [0.9, 0.1, 0]; // score 0.05
const SURE_FRONTIER: [number, number, number] = [0, 0.1, 0.9]; // score 0.95
const MIDDLING: [number, number, number] = [0.3, 0.5, 0.2]; // score 0.45

const rules = {
  rules: [
    { name: "architecture-review", when: { endpoint: "/api/review/architecture" }, tier: "frontier" },
    { name: "suggest-ceiling", when: { endpoint: "/api/search/*" }, max_tier: "nano" },
    { name: "free-plan", when: { plan: "free" }, max_tier: "nano" },
    { name: "enterprise-floor", when: { plan: "enterprise" }, min_tier: "mid" },
  ],
  override_plans: ["pro", "enterprise"],
};

describe("the decision cascade", () => {
  it("fixes the tier from an endpoint rule without running the classifier", async () => {
    let asked = 0;
    const local = fixedLocal(SURE_NANO);
    const counting = { model: local.model, classify: (m: ClassifyInput["messages"]) => (asked++, local.classify(m)) };
    const decider = createTierDecider({ config: config({ policy: rules }), local: counting });
    const d = await decider.decide(input({ endpoint: "/api/review/architecture" }), ctx);
    expect(d.tier).toBe(Tier.FRONTIER);
    expect(d.decidedBy).toBe(DecisionStage.RULE);
    expect(d.reason).toBe("rule architecture-review");
    expect(asked).toBe(0);
    expect(d.trace.map((s) => s.stage)).toEqual([DecisionStage.RULE]);
    expect(d.trace[0]!.decisive).toBe(true);
  });

  it("caps the classifier at an endpoint ceiling, naming the rule", async () => {
    const decider = createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_FRONTIER) });
    const d = await decider.decide(input({ endpoint: "/api/search/suggest" }), ctx);
    expect(d.tier).toBe(Tier.NANO);
    expect(d.decidedBy).toBe(DecisionStage.RULE);
    expect(d.reason).toMatch(/^rule suggest-ceiling \(local classifier: score 0\.950 -> frontier, capped to nano\)/);
    const classifierStep = d.trace.find((s) => s.stage === DecisionStage.LOCAL_CLASSIFIER)!;
    expect(classifierStep.tier).toBe(Tier.FRONTIER);
    expect(classifierStep.decisive).toBe(false);
    expect(d.trace.find((s) => s.decisive)!.detail).toContain("suggest-ceiling");
  });

  it("applies plan rules: free stays at nano, enterprise gets at least mid", async () => {
    const free = await createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_FRONTIER) }).decide(input({ caller: { id: "", plan: "free", metadata: {} } }), ctx);
    expect([free.tier, free.reason.split(" ")[1]]).toEqual([Tier.NANO, "free-plan"]);
    const enterprise = await createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_NANO) }).decide(input({ caller: { id: "", plan: "enterprise", metadata: {} } }), ctx);
    expect(enterprise.tier).toBe(Tier.MID);
    expect(enterprise.decidedBy).toBe(DecisionStage.RULE);
    expect(enterprise.reason).toMatch(/^rule enterprise-floor .*raised to mid/);
    // Within the bounds the classifier still decides.
    const big = await createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_FRONTIER) }).decide(input({ caller: { id: "", plan: "enterprise", metadata: {} } }), ctx);
    expect([big.tier, big.decidedBy]).toEqual([Tier.FRONTIER, DecisionStage.LOCAL_CLASSIFIER]);
  });

  it("sends inputs above the size threshold to at least mid", async () => {
    const decider = createTierDecider({ config: config({ policy: { large_input_tokens: 100 } }), local: fixedLocal(SURE_NANO) });
    const small = await decider.decide(input({ messages: [{ role: "user", content: "x ".repeat(150) }] }), ctx);
    expect(small.tier).toBe(Tier.NANO);
    const large = await decider.decide(input({ messages: [{ role: "user", content: "x ".repeat(250) }] }), ctx);
    expect(large.tier).toBe(Tier.MID);
    expect(large.reason).toMatch(/^rule large-input/);
    expect(large.trace.find((s) => s.decisive)!.detail).toBe("rule large-input (128 input tokens > 100): at least mid");
  });

  it("lets an earlier rule win over a later one that contradicts it", async () => {
    const policy = { rules: [rules.rules[2], rules.rules[3]] }; // free ceiling nano, then enterprise floor mid
    const both = { ...policy, rules: [{ ...rules.rules[2]!, when: { plan: "x" } }, { ...rules.rules[3]!, when: { plan: "x" } }] };
    const d = await createTierDecider({ config: config({ policy: both }), local: fixedLocal(SURE_FRONTIER) }).decide(input({ caller: { id: "", plan: "x", metadata: {} } }), ctx);
    expect(d.tier).toBe(Tier.NANO);
    expect(d.trace.some((s) => s.detail.includes("overruled by earlier rule free-plan"))).toBe(true);
  });

  it("honours a tier override for allowed plans and records a refused one", async () => {
    const decider = createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_NANO) });
    const allowed = await decider.decide(input({ tierOverride: Tier.FRONTIER, caller: { id: "", plan: "pro", metadata: {} } }), ctx);
    expect([allowed.tier, allowed.decidedBy]).toEqual([Tier.FRONTIER, DecisionStage.OVERRIDE]);
    const refused = await decider.decide(input({ tierOverride: Tier.FRONTIER, caller: { id: "", plan: "free", metadata: {} } }), ctx);
    expect(refused.tier).toBe(Tier.NANO);
    expect(refused.trace[0]).toMatchObject({ stage: DecisionStage.OVERRIDE, tier: Tier.UNSPECIFIED, decisive: false });
    expect(refused.trace[0]!.detail).toContain('refused for plan "free"');
  });

  it("maps scores to tiers with the configured thresholds", async () => {
    const cases: [number, number, [number, number, number], RoutableTier][] = [
      [0.3, 0.7, SURE_NANO, Tier.NANO],
      [0.3, 0.7, MIDDLING, Tier.MID],
      [0.3, 0.7, SURE_FRONTIER, Tier.FRONTIER],
      [0.5, 0.9, MIDDLING, Tier.NANO], // 0.45 < 0.5
      [0.1, 0.4, MIDDLING, Tier.FRONTIER], // 0.45 > 0.4
      [0.01, 0.99, SURE_FRONTIER, Tier.MID],
    ];
    for (const [nanoBelow, frontierAbove, probabilities, expected] of cases) {
      const thresholds = { nanoBelow, frontierAbove };
      const decider = createTierDecider({
        config: config({ classifier: { nano_below: nanoBelow, frontier_above: frontierAbove, ambiguous_below: 0 } }),
        local: fixedLocal(probabilities, thresholds),
      });
      const d = await decider.decide(input(), ctx);
      expect({ nanoBelow, frontierAbove, tier: d.tier }).toEqual({ nanoBelow, frontierAbove, tier: expected });
      expect(d.decidedBy).toBe(DecisionStage.LOCAL_CLASSIFIER);
      expect(d.score).toBeCloseTo((probabilities[1] + 2 * probabilities[2]) / 2, 10);
    }
  });

  it("rounds an ambiguous nano up to mid, never down", async () => {
    const unsure: [number, number, number] = [0.45, 0.45, 0.1]; // score 0.325... use thresholds so it maps to nano
    const decider = createTierDecider({
      config: config({ classifier: { nano_below: 0.4, ambiguous_below: 0.5 } }),
      local: fixedLocal(unsure, { nanoBelow: 0.4, frontierAbove: 0.7 }),
    });
    const d = await decider.decide(input(), ctx);
    expect(d.tier).toBe(Tier.MID);
    expect(d.reason).toContain("ambiguous, rounded up to mid");
    const sureFrontierLowConfidence = await createTierDecider({
      config: config({ classifier: { frontier_above: 0.5, ambiguous_below: 0.99 } }),
      local: fixedLocal([0.2, 0.3, 0.5], { nanoBelow: 0.3, frontierAbove: 0.5 }),
    }).decide(input(), ctx);
    expect(sureFrontierLowConfidence.tier).toBe(Tier.FRONTIER);
  });

  it("runs no classifier in rules-only mode", async () => {
    const decider = createTierDecider({ config: config({ mode: "rules-only", policy: rules }), local: fixedLocal(SURE_NANO) });
    const d = await decider.decide(input(), ctx);
    expect(d.mode).toBe(RoutingMode.RULES_ONLY);
    expect([d.tier, d.decidedBy]).toEqual([Tier.MID, DecisionStage.DEFAULT]);
    expect(d.trace.some((s) => s.stage === DecisionStage.LOCAL_CLASSIFIER)).toBe(false);
    const capped = await decider.decide(input({ endpoint: "/api/search/suggest" }), ctx);
    expect([capped.tier, capped.decidedBy]).toEqual([Tier.NANO, DecisionStage.RULE]);
  });

  it("serves the shadow tier in shadow mode and records what the router chose", async () => {
    const decider = createTierDecider({ config: config({ mode: "shadow", shadow_tier: "frontier" }), local: fixedLocal(SURE_NANO) });
    const d = await decider.decide(input(), ctx);
    expect(d.tier).toBe(Tier.FRONTIER);
    expect(d.decidedBy).toBe(DecisionStage.MODE);
    expect(d.shadow).toMatchObject({ tier: Tier.NANO, decidedBy: DecisionStage.LOCAL_CLASSIFIER });
    expect(d.trace.filter((s) => s.decisive).map((s) => s.stage)).toEqual([DecisionStage.MODE]);
  });
});
