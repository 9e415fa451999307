// The LLM classifier end to end: a real tierd on port 0 whose nano tier is a
// real fake upstream over HTTP, scripted per request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DecisionStage, Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { createLlmClassifier, parseVerdict } from "../../src/classifier/index.js";
import { TierdError } from "../../src/core/errors.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

// Always ask the LLM (confidence_below 1), with a short budget for the timeout test.
const LLM_CONFIG = `
classifier:
  llm:
    enabled: true
    confidence_below: 1
    timeout_ms: 300
`;

const simple = (content: string) => [{ role: Role.USER, content }];

describe("LLM classifier", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ extraYaml: LLM_CONFIG });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  it("asks the nano tier in JSON mode and acts on a valid verdict, then serves it from the cache", async () => {
    t.fake.inject({ fault: { content: '{"tier":"frontier","confidence":0.85}' } });
    const first = await t.grpc.classify({ messages: simple("Draft a data retention policy for our EU customers.") });
    expect(first.decision?.tier).toBe(Tier.FRONTIER);
    expect(first.decision?.decidedBy).toBe(DecisionStage.LLM_CLASSIFIER);
    expect(first.decision?.confidence).toBeCloseTo(0.85, 10);
    const asked = t.fake.requests[0]!;
    expect(asked.model).toBe("openai/gpt-4o-mini");
    expect(asked.responseFormat).toBe("json_object");
    expect(asked.maxTokens).toBe(40);
    expect(asked.messages[0]!.content).toContain('"tier": "nano" | "mid" | "frontier"');
    // Few-shot by default: the shipped examples come as user/assistant pairs.
    expect(asked.messages.filter((m) => m.role === "assistant").length).toBeGreaterThanOrEqual(3);
    expect(asked.messages[asked.messages.length - 1]!.content).toContain("Draft a data retention policy");

    const again = await t.grpc.classify({ messages: simple("Draft a data retention policy for our EU customers.") });
    expect(again.decision?.tier).toBe(Tier.FRONTIER);
    expect(again.decision?.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)?.detail).toContain("cached");
    expect(t.fake.requestCount()).toBe(1);
  });

  it("bills its own call apart from the answer: on the decision, in the ledger, and not again when cached", async () => {
    const messages = simple("Write a migration plan from our monolith to services, with rollback at each step.");
    t.fake.inject({ fault: { content: '{"tier":"mid","confidence":0.8}' } });
    const first = await t.grpc.route({ messages, requestId: "llm-cost-1" });
    const second = await t.grpc.route({ messages, requestId: "llm-cost-2" });
    expect(first.decision?.decidedBy).toBe(DecisionStage.LLM_CLASSIFIER);
    const classifierCost = first.decision!.classifierCostPicoUsd;
    expect(classifierCost).toBeGreaterThan(0n);
    // The second decision came from the verdict cache: nothing paid for it.
    expect(second.decision?.classifierCostPicoUsd).toBe(0n);
    // The answers cost the same both times: the classifier's call is not in them.
    expect(first.costPicoUsd).toBe(second.costPicoUsd);
    await t.tierd.usage!.ledger.flush();
    const [one] = await t.tierd.usage!.store.recordsOf("llm-cost-1");
    const [two] = await t.tierd.usage!.store.recordsOf("llm-cost-2");
    expect(one).toMatchObject({ classifierCostPicoUsd: classifierCost, costPicoUsd: first.costPicoUsd });
    expect(two).toMatchObject({ classifierCostPicoUsd: 0n });
  });

  it("falls to mid, never nano, when the answer is malformed", async () => {
    for (const content of ['{"answer":"nano"}', "nano", '{"tier":"tiny","confidence":0.9}', '{"tier":"nano","confidence":7}', '{"tier":"nano","confidence":0.9,"extra":1}']) {
      t.fake.inject({ fault: { content } });
      const res = await t.grpc.classify({ messages: simple(`Is 7 a prime number? (${content})`) });
      expect(res.decision?.tier, content).toBe(Tier.MID);
      expect(res.decision?.decidedBy).toBe(DecisionStage.LLM_CLASSIFIER);
      expect(res.decision?.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)?.detail).toMatch(/^malformed answer/);
    }
  });

  it("keeps the local result when the LLM classifier times out", async () => {
    t.fake.inject({ times: 5, fault: { delayHeadersMs: 3000, content: '{"tier":"frontier","confidence":1}' } });
    const started = Date.now();
    const res = await t.grpc.classify({ messages: simple("Convert this date to ISO 8601: Jan 5, 2023") });
    expect(Date.now() - started).toBeLessThan(2500);
    const local = res.decision!.trace.find((s) => s.stage === DecisionStage.LOCAL_CLASSIFIER)!;
    const llm = res.decision!.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)!;
    expect(llm.detail).toMatch(/^timed out/);
    expect(llm.tier).toBe(Tier.UNSPECIFIED);
    expect(res.decision?.decidedBy).toBe(DecisionStage.LOCAL_CLASSIFIER);
    expect(res.decision?.tier).toBe(local.tier);
  });

  it("keeps the local result when every upstream call fails", async () => {
    t.fake.inject({ times: 10, fault: { status: 503 } });
    const res = await t.grpc.classify({ messages: simple("Write a SQL query that returns monthly revenue from orders(id, total_cents, created_at).") });
    const llm = res.decision!.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)!;
    expect(llm.detail).toMatch(/^failed/);
    expect(res.decision?.decidedBy).toBe(DecisionStage.LOCAL_CLASSIFIER);
  });

  it("never escalates its own call beyond the nano tier", async () => {
    // A fresh server: the shared one's nano breaker may be open from earlier tests.
    const own = await startTestTierd({ extraYaml: LLM_CONFIG + "cooldown:\n  failure_threshold: 100\n" });
    try {
      own.fake.inject({ model: "openai/gpt-4o-mini", times: 10, fault: { status: 503 } });
      await own.grpc.classify({ messages: simple("Write a SQL query that returns monthly revenue from orders(id, total_cents, created_at).") });
      const models = new Set(own.fake.requests.map((r) => r.model));
      expect(own.fake.requests.length).toBeGreaterThan(0);
      expect([...models]).toEqual(["openai/gpt-4o-mini"]);
    } finally {
      await own.close();
    }
  });
});

describe("parseVerdict", () => {
  it("accepts exactly {tier, confidence} and describes anything else", () => {
    expect(parseVerdict(' {"tier":"mid","confidence":0.5}\n')).toEqual({ tier: "mid", confidence: 0.5 });
    expect(parseVerdict("```json\n{}\n```")).toMatch(/not JSON/);
    expect(parseVerdict('{"tier":"mid"}')).toMatch(/confidence/);
  });
});

describe("LLM classifier timeout", () => {
  const input = { requestId: "r", messages: [{ role: "user" as const, content: "Is 7 prime?" }], endpoint: "", caller: { id: "", plan: "", metadata: {} } };
  const deadlineFirst = () => Promise.reject(new TierdError("deadline_exceeded", "deadline exceeded while waiting for the upstream"));

  it("reads the provider's deadline error at its own deadline as its timeout, whichever timer fires first", async () => {
    const llm = createLlmClassifier({ complete: deadlineFirst, style: "zero-shot", examples: [], timeoutMs: 300 });
    const outcome = await llm.classify(input, { signal: new AbortController().signal });
    expect(outcome).toEqual({ kind: "failed", detail: "no answer within 300 ms", timedOut: true });
  });

  it("reports the caller's own, sooner deadline as a failed call, not its timeout", async () => {
    const llm = createLlmClassifier({ complete: deadlineFirst, style: "zero-shot", examples: [], timeoutMs: 300 });
    const outcome = await llm.classify(input, { signal: new AbortController().signal, deadlineAt: Date.now() + 50 });
    expect(outcome).toMatchObject({ kind: "failed", timedOut: false });
  });
});
