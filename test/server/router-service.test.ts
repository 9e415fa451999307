import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AttemptOutcome,
  DecisionStage,
  FinishReason,
  Role,
  RoutingMode,
  Tier,
  type StreamCompletionResponse,
} from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const question = [{ role: Role.USER, content: "Is 7 a prime number?" }];

describe("RouterService over a real server", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t.close();
  });

  for (const protocol of ["grpc", "connect"] as const) {
    describe(`over ${protocol}`, () => {
      const client = () => (protocol === "grpc" ? t.grpc : t.connect);

      it("classifies without calling the upstream", async () => {
        const before = t.fake.requestCount();
        const res = await client().classify({ messages: question, requestId: `classify-${protocol}` });
        expect(res.requestId).toBe(`classify-${protocol}`);
        expect([Tier.NANO, Tier.MID, Tier.FRONTIER]).toContain(res.decision?.tier);
        expect(res.decision?.mode).toBe(RoutingMode.ENFORCE);
        expect(res.decision?.trace.length).toBeGreaterThan(0);
        expect(res.decision?.trace.filter((s) => s.decisive)).toHaveLength(1);
        expect(res.inputTokens).toBeGreaterThan(0);
        expect(t.fake.requestCount()).toBe(before);
      });

      it("routes to the decided tier and bills the answer", async () => {
        const res = await client().route({ messages: question, params: { maxOutputTokens: 200 } });
        expect(res.content).toContain("Simulated answer from");
        expect(res.finishReason).toBe(FinishReason.STOP);
        expect(res.tier).toBe(res.decision?.tier);
        expect(res.model).toContain(res.tier === Tier.NANO ? "gpt-4o-mini" : res.tier === Tier.MID ? "sonnet" : "opus");
        expect(res.attempts).toHaveLength(1);
        expect(res.attempts[0]?.outcome).toBe(AttemptOutcome.SUCCESS);
        expect(res.usage?.inputTokens).toBeGreaterThan(0);
        expect(res.usage?.outputTokens).toBeGreaterThan(0);
        expect(res.costPicoUsd).toBeGreaterThan(0n);
        expect(res.costUsd).toBeCloseTo(Number(res.costPicoUsd) / 1e12, 15);
        expect(res.requestId).not.toBe("");
        expect(res.latencyMs).toBeGreaterThan(0);
      });

      it("honours an explicit tier override", async () => {
        const res = await client().route({ messages: question, tierOverride: Tier.FRONTIER });
        expect(res.decision?.decidedBy).toBe(DecisionStage.OVERRIDE);
        expect(res.tier).toBe(Tier.FRONTIER);
        expect(res.model).toBe("anthropic/claude-opus-4-7");
      });

      it("streams a decision, deltas in order, then a summary", async () => {
        const events: StreamCompletionResponse["event"][] = [];
        for await (const msg of client().streamCompletion({ messages: question, tierOverride: Tier.NANO })) events.push(msg.event);
        expect(events[0]?.case).toBe("decision");
        const last = events[events.length - 1];
        expect(last?.case).toBe("summary");
        const deltas = events.filter((e) => e.case === "delta");
        expect(deltas.length).toBeGreaterThan(1);
        const text = deltas.map((e) => (e.case === "delta" ? e.value.content : "")).join("");
        expect(text).toBe(
          'Simulated answer from openai/gpt-4o-mini: this is a stand-in reply about "Is 7 a prime number?". No real model was called.',
        );
        if (last?.case !== "summary") throw new Error("no summary");
        expect(last.value.finishReason).toBe(FinishReason.STOP);
        expect(last.value.usage?.outputTokens).toBeGreaterThan(0);
        expect(last.value.usage?.estimated).toBe(false);
        expect(last.value.costPicoUsd).toBeGreaterThan(0n);
        expect(last.value.timeToFirstTokenMs).toBeLessThanOrEqual(last.value.latencyMs);
      });
    });
  }

  it("answers an unknown method with Unimplemented", async () => {
    const res = await fetch(`${t.tierd.url}/tierd.v1.RouterService/NoSuchMethod`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "unimplemented" });
  });

  it("maps a rejected request to InvalidArgument without fallback", async () => {
    t.fake.inject({ fault: { status: 400 } });
    const before = t.fake.requestCount();
    const err = await t.grpc.route({ messages: question, tierOverride: Tier.NANO }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect(t.fake.requestCount()).toBe(before + 1);
  });
});
