// Caller-chosen request ids are idempotency keys: a retry of a request that
// succeeded gets the stored answer (no model call, no second bill or ledger
// row), a retry of one still running waits for it, a reused id with another
// body is ALREADY_EXISTS, and a failed request's retry runs anew. Against a
// real server and the fake upstream, whose request counter says how many
// model calls were made.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecisionStage, FinishReason, Role, RoutingMode, Tier, type StreamCompletionResponse } from "../../gen/tierd/v1/router_pb.js";
import { bigintReplacer, bigintReviver, createMemoryIdempotencyStore, type StoredAnswer } from "../../src/router/idempotency.js";
import { createTestRedisPrefix, type TestRedisPrefix } from "../helpers/redis.js";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";

/** The base config with every deployment able to call tools. */
const withTools = baseConfigYaml("{{FAKE}}").replace(/api_key: (test-key-\w+)/g, "api_key: $1\n    capabilities: [json, tools]");

const ask = (content: string) => [{ role: Role.USER, content }];
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}`;

async function ledgerRows(t: TestTierd, requestId: string): Promise<number> {
  await t.tierd.usage!.ledger.flush();
  return (await t.tierd.usage!.store.recordsOf(requestId)).length;
}

async function collect(stream: AsyncIterable<StreamCompletionResponse>): Promise<StreamCompletionResponse["event"][]> {
  const events: StreamCompletionResponse["event"][] = [];
  for await (const msg of stream) events.push(msg.event);
  return events;
}

describe("idempotent request ids (memory store)", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ yaml: withTools });
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers a retried Route from the stored answer: one model call, one ledger row, replayed set", async () => {
    const requestId = unique("retry");
    const request = { messages: ask("Is 11 a prime number?"), requestId, tierOverride: Tier.NANO, params: { maxOutputTokens: 50 } };
    const before = t.fake.requestCount();
    const first = await t.grpc.route(request);
    const second = await t.connect.route(request);
    expect(t.fake.requestCount() - before).toBe(1);
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.content).toBe(first.content);
    expect(second.costPicoUsd).toBe(first.costPicoUsd);
    expect(second.decision?.tier).toBe(first.decision?.tier);
    expect(second.requestId).toBe(requestId);
    expect(await ledgerRows(t, requestId)).toBe(1);
  });

  it("refuses a reused id with a different request as ALREADY_EXISTS, naming the field", async () => {
    const requestId = unique("reused");
    await t.grpc.route({ messages: ask("first question"), requestId, tierOverride: Tier.NANO });
    const err = await t.grpc.route({ messages: ask("a different question"), requestId, tierOverride: Tier.NANO }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.AlreadyExists);
    expect(ConnectError.from(err).rawMessage).toMatch(/request_id .* already used for a different request/);
  });

  it("makes a retry of a request still running wait for it instead of calling the model again", async () => {
    const requestId = unique("concurrent");
    const request = { messages: ask('slow answer [[fake:{"delayHeadersMs":400}]]'), requestId, tierOverride: Tier.NANO };
    const before = t.fake.requestCount();
    const [a, b] = await Promise.all([t.grpc.route(request), t.grpc.route(request)]);
    expect(t.fake.requestCount() - before).toBe(1);
    expect(a.content).toBe(b.content);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(await ledgerRows(t, requestId)).toBe(1);
  });

  it("stores no failure: the retry of a request that failed calls the model again", async () => {
    const requestId = unique("failed");
    const request = { messages: ask("will fail once"), requestId, tierOverride: Tier.NANO };
    // Every deployment of every tier answers 400 once (not retried, so one per deployment).
    for (const model of ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-6", "anthropic/claude-opus-4-7"]) t.fake.inject({ model, fault: { status: 400 } });
    const err = await t.grpc.route(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    t.fake.reset();
    const retry = await t.grpc.route(request);
    expect(retry.replayed).toBe(false);
    expect(retry.content).toContain("Simulated answer");
    expect(t.fake.requestCount()).toBe(1);
  });

  it("replays a Route's answer, tool calls included, to a stream with the same id and request", async () => {
    const requestId = unique("tools");
    const params = {
      maxOutputTokens: 100,
      tools: [{ name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
    };
    const request = { messages: ask("What is the weather in Oslo?"), requestId, tierOverride: Tier.NANO, params };
    const before = t.fake.requestCount();
    const routed = await t.grpc.route(request);
    expect(routed.toolCalls.length).toBe(1);
    const events = await collect(t.grpc.streamCompletion(request));
    expect(t.fake.requestCount() - before).toBe(1);
    expect(events[0]?.case).toBe("decision");
    const pieces = events.filter((e) => e.case === "toolCallDelta");
    expect(pieces.map((e) => (e.case === "toolCallDelta" ? [e.value.name, e.value.arguments] : []))).toEqual([[routed.toolCalls[0]!.name, routed.toolCalls[0]!.arguments]]);
    const last = events.at(-1);
    if (last?.case !== "summary") throw new Error("no summary");
    expect(last.value.replayed).toBe(true);
    expect(last.value.toolCalls.map((c) => c.id)).toEqual(routed.toolCalls.map((c) => c.id));
    expect(last.value.costPicoUsd).toBe(routed.costPicoUsd);
  });

  it("stores a stream that ran to its end, and a Route with the same id replays it", async () => {
    const requestId = unique("stream");
    const request = { messages: ask("Tell me about otters"), requestId, tierOverride: Tier.NANO };
    const before = t.fake.requestCount();
    const events = await collect(t.grpc.streamCompletion(request));
    const text = events.map((e) => (e.case === "delta" ? e.value.content : "")).join("");
    const routed = await t.grpc.route(request);
    expect(t.fake.requestCount() - before).toBe(1);
    expect(routed.replayed).toBe(true);
    expect(routed.content).toBe(text);
    expect(await ledgerRows(t, requestId)).toBe(1);
  });

  it("frees the id of a stream whose reader stopped early, so its retry runs anew", async () => {
    const requestId = unique("stopped");
    const request = { messages: ask("a story that stalls the first time"), requestId, tierOverride: Tier.NANO };
    // The first answer goes silent after two chunks, so the reader stops before its end.
    t.fake.inject({ model: "openai/gpt-4o-mini", fault: { stallAfterChunks: 2 } });
    const abort = new AbortController();
    await (async () => {
      for await (const msg of t.grpc.streamCompletion(request, { signal: abort.signal })) if (msg.event.case === "delta") abort.abort();
    })().catch(() => undefined);
    const before = t.fake.requestCount();
    const retry = await t.grpc.route(request);
    expect(retry.replayed).toBe(false);
    expect(retry.content).toContain("Simulated answer");
    expect(t.fake.requestCount() - before).toBe(1);
  });

  it("checks only ids the caller chose: requests without one are separate requests", async () => {
    const request = { messages: ask("no id here"), tierOverride: Tier.NANO };
    const before = t.fake.requestCount();
    const [a, b] = [await t.grpc.route(request), await t.grpc.route(request)];
    expect(t.fake.requestCount() - before).toBe(2);
    expect(a.requestId).not.toBe(b.requestId);
    expect([a.replayed, b.replayed]).toEqual([false, false]);
  });

  it("keeps ids per caller: two callers may use the same id", async () => {
    const requestId = unique("per-caller");
    const before = t.fake.requestCount();
    const a = await t.grpc.route({ messages: ask("same words"), requestId, tierOverride: Tier.NANO, caller: { id: "svc-a" } });
    const b = await t.grpc.route({ messages: ask("same words"), requestId, tierOverride: Tier.NANO, caller: { id: "svc-b" } });
    expect(t.fake.requestCount() - before).toBe(2);
    expect([a.replayed, b.replayed]).toEqual([false, false]);
  });

  it("takes Idempotency-Key on the OpenAI-compatible API: the resent request is replayed, a changed one is 409", async () => {
    const key = unique("http");
    const post = (content: string) =>
      fetch(`${t.tierd.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ model: "tierd/nano", messages: [{ role: "user", content }] }),
      });
    const before = t.fake.requestCount();
    const first = (await (await post("Say hi")).json()) as { choices: { message: { content: string } }[]; tierd: { replayed?: boolean; request_id: string } };
    const second = (await (await post("Say hi")).json()) as typeof first;
    expect(t.fake.requestCount() - before).toBe(1);
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(first.tierd.replayed).toBeUndefined();
    expect(second.tierd).toMatchObject({ replayed: true, request_id: key });
    const changed = await post("Say bye");
    expect(changed.status).toBe(409);
  });
});

describe("idempotent request ids across replicas (Redis store)", () => {
  let redis: TestRedisPrefix;
  let a: TestTierd;
  let b: TestTierd;
  beforeAll(async () => {
    redis = createTestRedisPrefix("tierd-idem");
    const extraYaml = `idempotency:\n  store: redis\n  redis_url: ${process.env.TIERD_TEST_REDIS_URL ?? "redis://127.0.0.1:6379"}\n  key_prefix: "${redis.prefix}"\n`;
    [a, b] = await Promise.all([startTestTierd({ extraYaml }), startTestTierd({ extraYaml })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.cleanup();
  });

  it("replays on replica B the answer replica A gave, and refuses a changed body there", async () => {
    const requestId = unique("replica");
    const request = { messages: ask("What is the capital of Norway?"), requestId, tierOverride: Tier.NANO };
    const calls = () => a.fake.requestCount() + b.fake.requestCount();
    const before = calls();
    const first = await a.grpc.route(request);
    const second = await b.grpc.route(request);
    expect(calls() - before).toBe(1);
    expect(second.replayed).toBe(true);
    expect(second.content).toBe(first.content);
    expect(second.costPicoUsd).toBe(first.costPicoUsd);
    const keys = await redis.client.keys(`${redis.prefix}i:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const err = await b.grpc.route({ ...request, messages: ask("What is the capital of Sweden?") }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.AlreadyExists);
  });

  it("lets only one of two replicas racing for one id call the model", async () => {
    const requestId = unique("race");
    const request = { messages: ask('slow [[fake:{"delayHeadersMs":300}]]'), requestId, tierOverride: Tier.NANO };
    const calls = () => a.fake.requestCount() + b.fake.requestCount();
    const before = calls();
    const [x, y] = await Promise.all([a.grpc.route(request), b.grpc.route(request)]);
    expect(calls() - before).toBe(1);
    expect(x.content).toBe(y.content);
    expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
  });
});

describe("idempotency store", () => {
  const answer = (content: string): StoredAnswer => ({
    decision: { tier: Tier.NANO, score: 0.1, confidence: 0.9, decidedBy: DecisionStage.OVERRIDE, reason: "r", classifierLatencyMs: 0, mode: RoutingMode.ENFORCE, trace: [], inputTokens: 3, classifierCostPicoUsd: 7n },
    completion: { content, finishReason: FinishReason.STOP, tier: Tier.NANO, deployment: "d", model: "m", attempts: [], usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0, estimated: false }, costPicoUsd: 123456789012345678n, cacheHit: false },
    latencyMs: 5,
  });

  it("keeps bigint costs exact through JSON (the Redis encoding)", () => {
    const a = answer("text with {\"$bigint\": \"1\"} inside");
    const back = JSON.parse(JSON.stringify(a, bigintReplacer), bigintReviver) as StoredAnswer;
    expect(back).toEqual(a);
    expect(typeof back.completion.costPicoUsd).toBe("bigint");
  });

  it("evicts the least recently used answers to stay under its byte bound, and keeps no answer larger than it", async () => {
    const store = createMemoryIdempotencyStore({ maxBytes: 20_000 });
    for (let i = 0; i < 10; i++) {
      expect(await store.claim(`k${i}`, "f", "o", 60_000)).toEqual({ state: "claimed" });
      await store.complete(`k${i}`, "f", answer("x".repeat(2_000)), 60_000);
    }
    expect((await store.claim("k0", "f", "o2", 60_000)).state).toBe("claimed");
    expect((await store.claim("k9", "f", "o2", 60_000)).state).toBe("done");
    await store.claim("big", "f", "o", 60_000);
    await store.complete("big", "f", answer("y".repeat(20_000)), 60_000);
    expect((await store.claim("big", "f", "o3", 60_000)).state).toBe("claimed");
  });

  it("releases a claim only for its owner", async () => {
    const store = createMemoryIdempotencyStore({ maxBytes: 1_000_000 });
    await store.claim("k", "f", "owner-1", 60_000);
    await store.release("k", "f", "someone-else");
    expect((await store.claim("k", "f", "owner-2", 60_000)).state).toBe("pending");
    await store.release("k", "f", "owner-1");
    expect((await store.claim("k", "f", "owner-2", 60_000)).state).toBe("claimed");
  });
});
