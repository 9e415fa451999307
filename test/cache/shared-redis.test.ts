// Two replicas on one Redis: what one paid for, the other serves free, both
// answers (response cache) and LLM-classifier verdicts (decision cache).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecisionStage, Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { createTestRedisPrefix, REDIS_URL, type TestRedisPrefix } from "../helpers/redis.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

describe("replicas sharing a Redis cache", () => {
  let redis: TestRedisPrefix;
  let a: TestTierd;
  let b: TestTierd;
  beforeAll(async () => {
    redis = createTestRedisPrefix();
    // The LLM classifier is always asked (confidence_below 1).
    const yaml = `cache:\n  redis_url: ${REDIS_URL}\n  key_prefix: "${redis.prefix}"\n  redis_timeout_ms: 2000\nclassifier:\n  llm:\n    enabled: true\n    confidence_below: 1\n    timeout_ms: 2000\n`;
    [a, b] = await Promise.all([startTestTierd({ extraYaml: yaml }), startTestTierd({ extraYaml: yaml })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.cleanup();
  });

  it("serves on one replica the answer another replica paid for", async () => {
    const messages = [{ role: Role.USER, content: `Name the largest planet. ${randomUUID()}` }];
    const request = { messages, tierOverride: Tier.NANO, params: { temperature: 0 } };
    const paid = await a.grpc.route(request);
    const free = await b.grpc.route(request);
    expect(free).toMatchObject({ cacheHit: true, content: paid.content, costPicoUsd: 0n });
    expect(b.fake.requestCount()).toBe(0);
    const keys = await redis.client.keys(`${redis.prefix}r:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it("never pays the LLM classifier twice for a prompt, whichever replica sees it", async () => {
    const messages = [{ role: Role.USER, content: `Draft a data retention policy for our EU customers. ${randomUUID()}` }];
    a.fake.inject({ fault: { content: '{"tier":"frontier","confidence":0.85}' } });
    const first = await a.grpc.classify({ messages });
    expect(first.decision).toMatchObject({ tier: Tier.FRONTIER, decidedBy: DecisionStage.LLM_CLASSIFIER });
    const asked = a.fake.requestCount();
    expect(asked).toBeGreaterThan(0);

    const before = b.fake.requestCount();
    const second = await b.grpc.classify({ messages });
    expect(second.decision).toMatchObject({ tier: Tier.FRONTIER, decidedBy: DecisionStage.LLM_CLASSIFIER });
    expect(second.decision!.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)?.detail).toContain("cached");
    expect(b.fake.requestCount()).toBe(before);
    expect(await redis.client.keys(`${redis.prefix}d:llm:*`)).not.toHaveLength(0);
  });
});
