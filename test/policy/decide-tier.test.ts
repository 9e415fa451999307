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
    const counting = { ...local, classify: (m: ClassifyInput["messages"]) => (asked++, local.classify(m)) };
    const decider = createTierDecider({ config: config({ policy: rules }), local: counting });
    const d = await decider.decide(input({ endpoint: "/api/review/architecture" }), ctx);
    expect(d.tier).toBe(Tier.FRONTIER);
    expect(d.decidedBy).toBe(DecisionStage.RULE);
    expect(d.reason).toBe("rule architecture-review");
    expect(asked).toBe(0);
    expect(d.trace.map((s) => s.stage)).toEqual([DecisionStage.RULE]);
    expect(d.trace[0]!.decisive).toBe(true);
  });

  it("runs no classifier under a ceiling that leaves one tier, naming the rule", async () => {
    const decider = createTierDecider({ config: config({ policy: rules }), local: fixedLocal(SURE_FRONTIER) });
    const d = await decider.decide(input({ endpoint: "/api/search/suggest" }), ctx);
    expect(d.tier).toBe(Tier.NANO);
    expect(d.decidedBy).toBe(DecisionStage.RULE);
    expect(d.reason).toBe("rule suggest-ceiling (only nano is allowed: no classifier ran)");
    expect(d.trace.some((s) => s.stage === DecisionStage.LOCAL_CLASSIFIER)).toBe(false);
    expect(d.trace.find((s) => s.decisive)!.detail).toContain("suggest-ceiling");
  });

  it("caps the classifier at a ceiling above nano, naming the rule", async () => {
    const capped = { ...rules, rules: [{ name: "mid-cap", when: { endpoint: "/api/capped" }, max_tier: "mid" as const }] };
    const d = await createTierDecider({ config: config({ policy: capped }), local: fixedLocal(SURE_FRONTIER) }).decide(input({ endpoint: "/api/capped" }), ctx);
    expect([d.tier, d.decidedBy]).toEqual([Tier.MID, DecisionStage.RULE]);
    expect(d.reason).toMatch(/^rule mid-cap \(local classifier: score 0\.950 -> frontier, capped to mid\)/);
    const classifierStep = d.trace.find((s) => s.stage === DecisionStage.LOCAL_CLASSIFIER)!;
    expect([classifierStep.tier, classifierStep.decisive]).toEqual([Tier.FRONTIER, false]);
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
      const decider = createTierDecider({
        config: config({ classifier: { nano_below: nanoBelow, frontier_above: frontierAbove, ambiguous_below: 0 } }),
        local: fixedLocal(probabilities, { nanoBelow, frontierAbove, ambiguousBelow: 0 }),
      });
      const d = await decider.decide(input(), ctx);
      expect({ nanoBelow, frontierAbove, tier: d.tier }).toEqual({ nanoBelow, frontierAbove, tier: expected });
      expect(d.decidedBy).toBe(DecisionStage.LOCAL_CLASSIFIER);
      expect(d.score).toBeCloseTo((probabilities[1] + 2 * probabilities[2]) / 2, 10);
    }
  });

  it("rounds an unsure nano up to mid, never down", async () => {
    const unsure: [number, number, number] = [0.45, 0.45, 0.1]; // score 0.325: nano under nano_below 0.4, confidence 0.45
    const d = await createTierDecider({ config: config(), local: fixedLocal(unsure, { nanoBelow: 0.4, ambiguousBelow: 0.5 }) }).decide(input(), ctx);
    expect(d.tier).toBe(Tier.MID);
    expect(d.confidence).toBeCloseTo(0.45, 10);
    expect(d.reason).toContain("unsure, rounded up to mid");
    expect(d.trace[0]!.detail).toContain("rounded up to mid");
    // The same prediction with the round-up off stays nano: the setting is what moved it.
    const off = await createTierDecider({ config: config(), local: fixedLocal(unsure, { nanoBelow: 0.4, ambiguousBelow: 0 }) }).decide(input(), ctx);
    expect(off.tier).toBe(Tier.NANO);
    // A frontier choice never rounds anywhere, however unsure.
    const frontier = await createTierDecider({ config: config(), local: fixedLocal([0.2, 0.3, 0.5], { frontierAbove: 0.5, ambiguousBelow: 0.99 }) }).decide(input(), ctx);
    expect(frontier.tier).toBe(Tier.FRONTIER);
  });

  it("rounds an unsure mid up to frontier when its doubt leans up, and keeps it when the doubt leans down", async () => {
    // score 0.6 (mid under frontier_above 0.7); P(mid) 0.4; P(frontier) 0.4 > P(nano) 0.2.
    const leaningUp: [number, number, number] = [0.2, 0.4, 0.4];
    const up = await createTierDecider({ config: config(), local: fixedLocal(leaningUp, { ambiguousBelow: 0.45 }) }).decide(input(), ctx);
    expect(up.tier).toBe(Tier.FRONTIER);
    expect(up.reason).toContain("rounded up to frontier");
    // score 0.4; P(mid) 0.4; P(nano) 0.4 > P(frontier) 0.2: unsure, but not about frontier.
    const leaningDown: [number, number, number] = [0.4, 0.4, 0.2];
    const down = await createTierDecider({ config: config(), local: fixedLocal(leaningDown, { ambiguousBelow: 0.45 }) }).decide(input(), ctx);
    expect(down.tier).toBe(Tier.MID);
    const sure = await createTierDecider({ config: config(), local: fixedLocal(leaningUp, { ambiguousBelow: 0.3 }) }).decide(input(), ctx);
    expect(sure.tier).toBe(Tier.MID);
  });

  it("lets the LLM classifier break the tie between the two tiers the local classifier is torn between, one step at most", async () => {
    const leaningUp: [number, number, number] = [0.2, 0.4, 0.4]; // mid, torn towards frontier
    const llmSaying = (tier: "nano" | "mid" | "frontier") => ({
      classify: async () => ({ kind: "verdict" as const, verdict: { tier, confidence: 0.8 }, cached: false, costPicoUsd: 1n }),
    });
    const decide = (tier: "nano" | "mid" | "frontier", probabilities = leaningUp) =>
      createTierDecider({
        config: config({ classifier: { ambiguous_below: 0.45, llm: { enabled: true, confidence_below: 0.6 } } }),
        local: fixedLocal(probabilities, { ambiguousBelow: 0.45 }),
        llm: llmSaying(tier),
      }).decide(input(), ctx);
    // It says mid: the tie is broken at mid, and the round-up does not apply on top.
    const mid = await decide("mid");
    expect([mid.tier, mid.decidedBy]).toEqual([Tier.MID, DecisionStage.LLM_CLASSIFIER]);
    expect(mid.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)!.detail).toContain("choosing between mid and frontier");
    expect((await decide("frontier")).tier).toBe(Tier.FRONTIER);
    // nano is outside the pair: the lower of the pair.
    const nano = await decide("nano");
    expect(nano.tier).toBe(Tier.MID);
    expect(nano.reason).toContain("(answered nano)");
    // A low-confidence frontier choice is torn towards mid: the LLM may bring it down one step, not two.
    const unsureFrontier: [number, number, number] = [0.1, 0.35, 0.55];
    const fr = await createTierDecider({
      config: config({ classifier: { llm: { enabled: true, confidence_below: 0.6 } } }),
      local: fixedLocal(unsureFrontier, { frontierAbove: 0.7 }),
      llm: llmSaying("nano"),
    }).decide(input(), ctx);
    expect(fr.tier).toBe(Tier.MID);
    // A malformed answer is never a licence to go cheap: the higher of the pair.
    const malformed = await createTierDecider({
      config: config({ classifier: { llm: { enabled: true, confidence_below: 0.6 } } }),
      local: fixedLocal(leaningUp),
      llm: { classify: async () => ({ kind: "malformed" as const, detail: "not JSON", costPicoUsd: 1n }) },
    }).decide(input(), ctx);
    expect(malformed.tier).toBe(Tier.FRONTIER);
  });

  it("does not ask (or pay) the LLM classifier when the rules' bounds fold its two tiers into one", async () => {
    const leaningUp: [number, number, number] = [0.2, 0.4, 0.4]; // mid, torn between mid and frontier
    let asked = 0;
    const llm = { classify: async () => (asked++, { kind: "verdict" as const, verdict: { tier: "frontier" as const, confidence: 0.9 }, cached: false, costPicoUsd: 5n }) };
    const capped = { ...rules, rules: [{ name: "mid-cap", when: { endpoint: "/api/capped" }, max_tier: "mid" as const }] };
    const decider = createTierDecider({ config: config({ policy: capped, classifier: { llm: { enabled: true, confidence_below: 0.6 } } }), local: fixedLocal(leaningUp), llm });
    const d = await decider.decide(input({ endpoint: "/api/capped" }), ctx);
    expect([d.tier, asked, d.classifierCostPicoUsd]).toEqual([Tier.MID, 0, undefined]);
    // Without the cap the same prompt is a question worth asking.
    await decider.decide(input({ endpoint: "/api/other" }), ctx);
    expect(asked).toBe(1);
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
