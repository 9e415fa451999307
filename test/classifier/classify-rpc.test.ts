// Classify over the real server: the trace shows every stage that ran, its
// output and its time; shadow mode serves the configured tier.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecisionStage, Role, RoutingMode, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const POLICY = `
policy:
  rules:
    - name: architecture-review
      when: { endpoint: /api/review/architecture }
      tier: frontier
    - name: enterprise-floor
      when: { plan: enterprise }
      min_tier: mid
`;

describe("Classify with the built-in model", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ extraYaml: POLICY });
  });
  afterAll(async () => {
    await t.close();
  });

  it("returns the trace with each stage's output and time", async () => {
    const res = await t.grpc.classify({
      messages: [{ role: Role.USER, content: "Classify the sentiment of this review as positive or negative: 'Love it, setup took 5 minutes.'" }],
      caller: { plan: "enterprise" },
    });
    const d = res.decision!;
    expect(d.trace.map((s) => s.stage)).toEqual([DecisionStage.RULE, DecisionStage.LOCAL_CLASSIFIER]);
    const [rule, local] = d.trace;
    expect(rule!.detail).toBe("rule enterprise-floor (plan enterprise): at least mid");
    expect(rule!.tier).toBe(Tier.MID);
    expect(local!.score).toBeGreaterThan(0);
    expect(local!.score).toBeLessThan(0.3);
    expect(local!.tier).toBe(Tier.NANO);
    expect(local!.confidence).toBeGreaterThan(0);
    expect(local!.detail).toMatch(/^score 0\.\d{3} \(nano < 0\.3, frontier > 0\.65\) -> nano; p\(nano, mid, frontier\) = /);
    expect(local!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(d.classifierLatencyMs).toBeGreaterThanOrEqual(local!.latencyMs);
    // The floor raised the classifier's nano: the rule is the decisive stage.
    expect(d.tier).toBe(Tier.MID);
    expect(d.decidedBy).toBe(DecisionStage.RULE);
    expect(d.trace.filter((s) => s.decisive)).toEqual([rule]);
    expect(d.score).toBe(local!.score);
  });

  it("scores a routine request low and an architecture question high", async () => {
    const easy = await t.grpc.classify({ messages: [{ role: Role.USER, content: "Extract the invoice number from: 'Invoice INV-20931 is overdue.'" }] });
    const hard = await t.grpc.classify({
      messages: [
        {
          role: Role.USER,
          content:
            "Design the architecture for a multi-tenant audit log with per-tenant retention and legal hold. Constraints: EU data must stay in the EU; 99.95% availability; replays of the last 30 days. Compare two options and explain the failure modes and the migration from our single Postgres instance.",
        },
      ],
    });
    expect(easy.decision!.tier).toBe(Tier.NANO);
    expect(hard.decision!.tier).toBe(Tier.FRONTIER);
    expect(hard.decision!.score).toBeGreaterThan(easy.decision!.score);
  });

  it("never runs the classifier for an endpoint with a fixed tier", async () => {
    const res = await t.connect.classify({ messages: [{ role: Role.USER, content: "hi" }], endpoint: "/api/review/architecture" });
    expect(res.decision!.tier).toBe(Tier.FRONTIER);
    expect(res.decision!.trace.map((s) => s.stage)).toEqual([DecisionStage.RULE]);
  });
});

describe("shadow mode over the real server", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ extraYaml: "mode: shadow\nshadow_tier: frontier\n" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("routes to the configured tier and records what the router would have chosen", async () => {
    const res = await t.grpc.route({ messages: [{ role: Role.USER, content: "Is this ticket about billing? yes or no. 'I was charged twice.'" }] });
    expect(res.decision!.mode).toBe(RoutingMode.SHADOW);
    expect(res.tier).toBe(Tier.FRONTIER);
    expect(res.model).toBe("anthropic/claude-opus-4-7");
    expect(res.decision!.decidedBy).toBe(DecisionStage.MODE);
    expect(res.decision!.shadow?.tier).toBe(Tier.NANO);
    expect(res.decision!.shadow?.decidedBy).toBe(DecisionStage.LOCAL_CLASSIFIER);
    expect(res.decision!.reason).toBe("shadow mode: served by frontier; the router chose nano");
  });
});
