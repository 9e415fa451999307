// The response cache end to end: a real tierd on port 0, real gRPC clients,
// the fake upstream counting requests, and the cache in memory and in the
// shared Redis (under a key prefix of this run's own).
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { FinishReason, ResponseFormat, Role, Tier, type ChatMessage, type StreamCompletionResponse } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { createTestRedisPrefix, REDIS_URL, type TestRedisPrefix } from "../helpers/redis.js";

type MessageInit = Pick<ChatMessage, "role" | "content"> & Partial<Pick<ChatMessage, "name" | "toolCallId">>;

// No retries and no breaker: each scripted failure is exactly one hop. Mid
// is not cached (per-tier switch); frontier answers live 1 s (TTL test).
const CACHE_TIERS = `  tiers:
    mid: { enabled: false }
    frontier: { ttl_ms: 1000 }
`;
const COMMON = "retry:\n  max_retries: 0\ncooldown:\n  failure_threshold: 100000\n";

interface Backend {
  name: string;
  setup(): { yaml: string; cleanup(): Promise<void>; redis?: TestRedisPrefix };
}

const BACKENDS: Backend[] = [
  { name: "memory", setup: () => ({ yaml: `cache:\n${CACHE_TIERS}`, cleanup: async () => {} }) },
  {
    name: "Redis",
    setup() {
      const redis = createTestRedisPrefix();
      // A generous timeout: a hit must not turn into a miss because the shared 2-core machine is busy.
      const yaml = `cache:\n  redis_url: ${REDIS_URL}\n  key_prefix: "${redis.prefix}"\n  redis_timeout_ms: 2000\n${CACHE_TIERS}`;
      return { yaml, redis, cleanup: () => redis.cleanup() };
    },
  },
];

const user = (content: string): MessageInit => ({ role: Role.USER, content });
/** Each test asks its own questions: the cache outlives a test. */
const unique = (text: string) => `${text} (${randomUUID().slice(0, 8)})`;
const deterministic = { temperature: 0 };

for (const backend of BACKENDS) {
  describe(`response cache in ${backend.name}`, () => {
    let t: TestTierd;
    let admin: Client<typeof AdminService>;
    let env: ReturnType<Backend["setup"]>;
    beforeAll(async () => {
      env = backend.setup();
      t = await startTestTierd({ extraYaml: COMMON + env.yaml, fake: { chunkDelayMs: 1 } });
      admin = createClient(AdminService, createGrpcTransport({ baseUrl: t.tierd.url }));
    });
    afterAll(async () => {
      await t?.close();
      await env?.cleanup();
    });

    const route = (messages: MessageInit[], extra: Record<string, unknown> = {}) =>
      t.grpc.route({ messages, tierOverride: Tier.NANO, params: deterministic, ...extra });

    it("answers a repeated request from the cache: same content, zero cost, no upstream request", async () => {
      const messages = [user(unique("What is the capital of France?"))];
      const first = await route(messages);
      expect(first.cacheHit).toBe(false);
      expect(first.costPicoUsd).toBeGreaterThan(0n);
      const before = t.fake.requestCount();

      const second = await route(messages);
      expect(t.fake.requestCount()).toBe(before);
      expect(second).toMatchObject({
        content: first.content,
        finishReason: FinishReason.STOP,
        cacheHit: true,
        costPicoUsd: 0n,
        costUsd: 0,
        tier: Tier.NANO,
        deployment: first.deployment,
        model: first.model,
        attempts: [],
      });
      expect(second.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
      // Through the other protocol too: the cache is the router's, not the transport's.
      const third = await t.connect.route({ messages, tierOverride: Tier.NANO, params: deterministic });
      expect(third.cacheHit).toBe(true);
      expect(t.fake.requestCount()).toBe(before);
    });

    it("misses when the last message differs, and when only an earlier turn differs", async () => {
      const system: MessageInit = { role: Role.SYSTEM, content: "You answer in one sentence." };
      const last = user(unique("And in Python?"));
      const conversation = [system, user("How do I reverse a list in Go?"), { role: Role.ASSISTANT, content: "Use slices.Reverse." }, last];
      await route(conversation);
      const base = t.fake.requestCount();

      await route([...conversation.slice(0, 3), user(`${last.content}!`)]);
      expect(t.fake.requestCount()).toBe(base + 1);
      await route([system, user("How do I reverse a list in Rust?"), conversation[2]!, last]);
      expect(t.fake.requestCount()).toBe(base + 2);
      await route([system, user("How do I reverse a list in Go?"), { role: Role.ASSISTANT, content: "Use slices.Reverse.", name: "bot" }, last]);
      expect(t.fake.requestCount()).toBe(base + 3);
      // The same conversation still hits: the variants did not replace it.
      expect((await route(conversation)).cacheHit).toBe(true);
      expect(t.fake.requestCount()).toBe(base + 3);
    });

    it("misses when a generation parameter that changes the answer differs", async () => {
      const messages = [user(unique("List three primes."))];
      await route(messages);
      const base = t.fake.requestCount();
      const variants = [
        { temperature: 0, maxOutputTokens: 100 },
        { temperature: 0, topP: 0.5 },
        { temperature: 0, stop: ["\n"] },
        { temperature: 0, seed: 7n },
        { temperature: 0, responseFormat: ResponseFormat.JSON_OBJECT },
      ];
      for (const [i, params] of variants.entries()) {
        const res = await route(messages, { params });
        expect(res.cacheHit, JSON.stringify(params, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).toBe(false);
        expect(t.fake.requestCount()).toBe(base + i + 1);
      }
    });

    it("with cache_bypass neither reads nor writes the cache", async () => {
      const cached = [user(unique("Spell 'necessary'."))];
      await route(cached);
      const base = t.fake.requestCount();
      const bypassed = await route(cached, { cacheBypass: true });
      expect(bypassed.cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 1);

      const fresh = [user(unique("Spell 'accommodate'."))];
      await route(fresh, { cacheBypass: true });
      expect((await route(fresh)).cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 3);
      expect((await route(fresh)).cacheHit).toBe(true);
    });

    it("does not cache sampled requests (temperature above 0, or unset)", async () => {
      const messages = [user(unique("Write a haiku about autumn."))];
      const base = t.fake.requestCount();
      for (const params of [{ temperature: 0.7 }, { temperature: 0.7 }, {}, {}]) {
        expect((await route(messages, { params })).cacheHit).toBe(false);
      }
      expect(t.fake.requestCount()).toBe(base + 4);
    });

    it("never caches an error: after a failed request the same request goes upstream", async () => {
      const messages = [user(unique("Summarise this ticket."))];
      // Every tier of the chain answers 503 once.
      t.fake.inject({ times: 3, fault: { status: 503 } });
      const err = await route(messages).catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.Unavailable);
      const base = t.fake.requestCount();
      const ok = await route(messages);
      expect(ok.cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 1);
      expect((await route(messages)).cacheHit).toBe(true);
    });

    it("never caches a stream that broke mid-way", async () => {
      const messages = [user(unique("Tell me about the history of the printing press in some detail."))];
      t.fake.inject({ model: "openai/gpt-4o-mini", fault: { cutAfterChunks: 2 } });
      const err = await (async () => {
        for await (const _ of t.grpc.streamCompletion({ messages, tierOverride: Tier.NANO, params: deterministic }));
      })().catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.Unavailable);
      const base = t.fake.requestCount();
      const res = await route(messages);
      expect(res.cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 1);
    });

    it("replays a cached answer as a stream: decision, deltas in order, summary with cache_hit and zero cost", async () => {
      const messages = [user(unique("Count to three hundred in words."))];
      const text = Array.from({ length: 300 }, (_, i) => `word${i + 1}`).join(" ") + ".";
      t.fake.inject({ fault: { content: text } });
      const live: StreamCompletionResponse[] = [];
      for await (const msg of t.grpc.streamCompletion({ messages, tierOverride: Tier.NANO, params: deterministic })) live.push(msg);
      expect(live.at(-1)?.event.case === "summary" && live.at(-1)?.event.value).toMatchObject({ cacheHit: false });
      const base = t.fake.requestCount();

      const replay: StreamCompletionResponse[] = [];
      for await (const msg of t.grpc.streamCompletion({ messages, tierOverride: Tier.NANO, params: deterministic })) replay.push(msg);
      expect(t.fake.requestCount()).toBe(base);
      expect(replay[0]!.event.case).toBe("decision");
      const deltas = replay.slice(1, -1);
      expect(deltas.every((m) => m.event.case === "delta")).toBe(true);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((m) => (m.event.case === "delta" ? m.event.value.content : "")).join("")).toBe(text);
      const summary = replay.at(-1)!.event;
      expect(summary.case).toBe("summary");
      expect(summary.case === "summary" && summary.value).toMatchObject({
        cacheHit: true,
        costPicoUsd: 0n,
        finishReason: FinishReason.STOP,
        attempts: [],
        tier: Tier.NANO,
        model: "openai/gpt-4o-mini",
      });
      // An answer stored by a stream serves a unary Route as well.
      const unary = await route(messages);
      expect(unary).toMatchObject({ cacheHit: true, content: text });
      expect(t.fake.requestCount()).toBe(base);
    });

    it("stores a tier's answers only when that tier is enabled", async () => {
      const messages = [user(unique("Review this function for bugs."))];
      const base = t.fake.requestCount();
      await route(messages, { tierOverride: Tier.MID });
      expect((await route(messages, { tierOverride: Tier.MID })).cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 2);
    });

    it("misses once the tier's TTL has passed", async () => {
      const messages = [user(unique("Design a sharded rate limiter."))];
      await route(messages, { tierOverride: Tier.FRONTIER });
      expect((await route(messages, { tierOverride: Tier.FRONTIER })).cacheHit).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      const base = t.fake.requestCount();
      expect((await route(messages, { tierOverride: Tier.FRONTIER })).cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(base + 1);
    });

    it("records a hit in the ledger with zero cost and the cost it saved, and the report shows hit rate and savings per tier", async () => {
      const endpoint = `/cache-ledger-${backend.name}-${randomUUID().slice(0, 8)}`;
      const messages = [user(unique("Translate 'good morning' to Italian."))];
      const miss = await route(messages, { endpoint, requestId: `${endpoint}-miss` });
      const hit = await route(messages, { endpoint, requestId: `${endpoint}-hit` });
      const stream: StreamCompletionResponse[] = [];
      for await (const msg of t.grpc.streamCompletion({ messages, endpoint, requestId: `${endpoint}-stream`, tierOverride: Tier.NANO, params: deterministic })) stream.push(msg);
      expect(hit.cacheHit).toBe(true);

      const usage = t.tierd.usage!;
      await usage.ledger.flush();
      const [missRecord] = await usage.store.recordsOf(`${endpoint}-miss`);
      const [hitRecord] = await usage.store.recordsOf(`${endpoint}-hit`);
      const [streamRecord] = await usage.store.recordsOf(`${endpoint}-stream`);
      expect(missRecord).toMatchObject({ cacheHit: false, cacheSavedPicoUsd: 0n, costPicoUsd: miss.costPicoUsd });
      expect(hitRecord).toMatchObject({ cacheHit: true, costPicoUsd: 0n, cacheSavedPicoUsd: miss.costPicoUsd, servedTier: "nano", attempts: [], status: "ok" });
      expect(streamRecord).toMatchObject({ kind: "stream", cacheHit: true, costPicoUsd: 0n, cacheSavedPicoUsd: miss.costPicoUsd });

      const { report } = await admin.getUsageReport({ endpoint, lookback: { seconds: 3600n } });
      const nano = report!.tiers.find((x) => x.tier === Tier.NANO)!;
      expect(nano).toMatchObject({ requests: 3n, cacheHits: 2n, cacheSavedPicoUsd: 2n * miss.costPicoUsd, costPicoUsd: miss.costPicoUsd });
      expect(nano.cacheHitRate).toBeCloseTo(2 / 3, 10);
      expect(report!.totals).toMatchObject({ cacheHits: 2n, cacheSavedPicoUsd: 2n * miss.costPicoUsd });
      expect(report!.totals!.cacheHitRate).toBeCloseTo(2 / 3, 10);
    });
  });
}
