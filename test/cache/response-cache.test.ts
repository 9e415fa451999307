// The response cache's rules, over the memory backend with a hand-moved
// clock: what is looked up where, what is stored, for how long.
import { describe, expect, it } from "vitest";
import { createMemoryBackend, createResponseCache, responseKeys, type CacheBackend, type TierCachePolicy } from "../../src/cache/index.js";
import { FinishReason, Tier, type Completion, type CompletionRequest, type RoutableTier } from "../../src/core/types.js";
import { costOf, createPriceTable } from "../../src/pricing/index.js";

const prices = createPriceTable({ pricing: {}, deployments: {} });
const MINI = "openai/gpt-4o-mini";
const FLASH = "google/gemini-2.0-flash";
const SONNET = "anthropic/claude-sonnet-4-6";

function request(content: string, other: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    requestId: "r",
    messages: [{ role: "user", content }],
    endpoint: "",
    caller: { id: "", plan: "", metadata: {} },
    params: { stop: [], responseFormat: "text", temperature: 0 },
    cacheBypass: false,
    ...other,
  };
}

function answer(model: string, tier: RoutableTier, other: Partial<Completion> = {}): Completion {
  const usage = { inputTokens: 1_000, outputTokens: 200, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0, estimated: false };
  return {
    content: `an answer from ${model}`,
    finishReason: FinishReason.STOP,
    tier,
    deployment: `${model}-deployment`,
    model,
    attempts: [],
    usage,
    costPicoUsd: costOf(usage, prices.priceOf(model)),
    cacheHit: false,
    ...other,
  };
}

function setup(options: { tiers?: Partial<Record<RoutableTier, TierCachePolicy>>; sampled?: boolean; maxEntryBytes?: number; scope?: "shared" | "caller" } = {}) {
  let now = 0;
  const memory = createMemoryBackend({ maxBytes: 1 << 20, clock: () => now });
  const sets: string[] = [];
  const backend: CacheBackend = { ...memory, set: (key, value, ttl) => (sets.push(key), memory.set(key, value, ttl)) };
  const on = { enabled: true, ttlMs: 60_000 };
  const cache = createResponseCache({
    backend,
    // Nano spreads over two models (a weighted tier); mid has one.
    modelsOf: { [Tier.NANO]: [MINI, FLASH], [Tier.MID]: [SONNET], [Tier.FRONTIER]: ["anthropic/claude-opus-4-7"] },
    tiers: { [Tier.NANO]: on, [Tier.MID]: on, [Tier.FRONTIER]: on, ...options.tiers },
    prices,
    ...(options.sampled === undefined ? {} : { sampled: options.sampled }),
    ...(options.maxEntryBytes === undefined ? {} : { maxEntryBytes: options.maxEntryBytes }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
  return { cache, memory, sets, advance: (ms: number) => void (now += ms) };
}

describe("response cache rules", () => {
  it("finds an answer of any model of the decided tier, and prices what the hit saved on that model", async () => {
    const { cache } = setup();
    const req = request("Is 7 prime?");
    const flash = answer(FLASH, Tier.NANO);
    cache.store(req, flash);
    const hit = await cache.lookup(Tier.NANO, req);
    expect(hit).toMatchObject({ content: flash.content, model: FLASH, deployment: flash.deployment, tier: Tier.NANO, cacheHit: true, costPicoUsd: 0n, attempts: [] });
    expect(hit?.cacheSavedPicoUsd).toBe(flash.costPicoUsd);
    expect(hit?.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(cache.stats()).toMatchObject({ hits: 1, stores: 1 });
  });

  it("shares an entry between callers by default, and keeps each caller's own with scope caller", async () => {
    const as = (id: string) => request("Classify this ticket: refund request.", { caller: { id, plan: "", metadata: {} } });
    const shared = setup();
    shared.cache.store(as("svc-a"), answer(MINI, Tier.NANO));
    expect((await shared.cache.lookup(Tier.NANO, as("svc-b")))?.cacheHit).toBe(true);

    const own = setup({ scope: "caller" });
    own.cache.store(as("svc-a"), answer(MINI, Tier.NANO));
    expect(await own.cache.lookup(Tier.NANO, as("svc-b"))).toBeUndefined();
    expect(await own.cache.lookup(Tier.NANO, as(""))).toBeUndefined();
    expect((await own.cache.lookup(Tier.NANO, as("svc-a")))?.cacheHit).toBe(true);
    // Partitioned keys never collide with shared ones.
    expect(own.sets).toHaveLength(1);
    expect(responseKeys(as("svc-a"), [MINI])).not.toContain(own.sets[0]);
  });

  it("keeps a fallback answer under the model that gave it: found for that model's tier, not the decided one", async () => {
    const { cache } = setup();
    const req = request("Summarise the thread.");
    // Decided nano, served by mid after nano failed.
    cache.store(req, answer(SONNET, Tier.MID));
    expect(await cache.lookup(Tier.NANO, req)).toBeUndefined();
    expect((await cache.lookup(Tier.MID, req))?.model).toBe(SONNET);
  });

  it("stores only complete answers: finish reason stop or length", async () => {
    const { cache, sets } = setup();
    for (const finishReason of [FinishReason.CONTENT_FILTER, FinishReason.TOOL_CALLS, FinishReason.UNSPECIFIED]) {
      cache.store(request(`q${finishReason}`), answer(MINI, Tier.NANO, { finishReason }));
    }
    expect(sets).toEqual([]);
    cache.store(request("long"), answer(MINI, Tier.NANO, { finishReason: FinishReason.LENGTH }));
    expect((await cache.lookup(Tier.NANO, request("long")))?.finishReason).toBe(FinishReason.LENGTH);
  });

  it("never stores a hit again, nor a bypassed or sampled request", async () => {
    const { cache, sets } = setup();
    const req = request("What is DNS?");
    cache.store(req, answer(MINI, Tier.NANO));
    cache.store(req, (await cache.lookup(Tier.NANO, req))!);
    cache.store(request("b", { cacheBypass: true }), answer(MINI, Tier.NANO));
    cache.store(request("s", { params: { stop: [], responseFormat: "text", temperature: 0.8 } }), answer(MINI, Tier.NANO));
    cache.store(request("u", { params: { stop: [], responseFormat: "text" } }), answer(MINI, Tier.NANO));
    expect(sets).toHaveLength(1);
    expect(await cache.lookup(Tier.NANO, { ...req, cacheBypass: true })).toBeUndefined();
  });

  it("caches sampled requests when configured to", async () => {
    const { cache } = setup({ sampled: true });
    const req = request("Write a limerick.", { params: { stop: [], responseFormat: "text", temperature: 1 } });
    cache.store(req, answer(MINI, Tier.NANO));
    expect((await cache.lookup(Tier.NANO, req))?.cacheHit).toBe(true);
  });

  it("looks up only when the decided tier is enabled, and stores only when the answering tier is", async () => {
    const off = { enabled: false, ttlMs: 60_000 };
    const { cache, sets } = setup({ tiers: { [Tier.MID]: off } });
    cache.store(request("a"), answer(SONNET, Tier.MID));
    expect(sets).toEqual([]);
    const nanoAnswer = request("b");
    cache.store(nanoAnswer, answer(MINI, Tier.NANO));
    expect(await cache.lookup(Tier.NANO, nanoAnswer)).toBeDefined();
    expect(cache.stats().skipped).toBe(0);
    expect(await cache.lookup(Tier.MID, nanoAnswer)).toBeUndefined();
    expect(cache.stats().skipped).toBe(1);
  });

  it("expires entries after their answering tier's TTL", async () => {
    const { cache, advance } = setup({ tiers: { [Tier.NANO]: { enabled: true, ttlMs: 1_000 } } });
    const req = request("Convert 5 km to miles.");
    cache.store(req, answer(MINI, Tier.NANO));
    advance(999);
    expect(await cache.lookup(Tier.NANO, req)).toBeDefined();
    advance(2);
    expect(await cache.lookup(Tier.NANO, req)).toBeUndefined();
  });

  it("does not keep answers larger than max_entry_bytes", async () => {
    const { cache, sets } = setup({ maxEntryBytes: 1_000 });
    cache.store(request("big"), answer(MINI, Tier.NANO, { content: "x".repeat(2_000) }));
    expect(sets).toEqual([]);
    expect(cache.stats().tooLarge).toBe(1);
  });

  it("reads a value it did not write, or one under another model's key, as a miss", async () => {
    const { cache, memory } = setup();
    const req = request("Corrupt me.");
    const [miniKey, flashKey] = responseKeys(req, [MINI, FLASH]);
    await memory.set(miniKey!, "not json", 60_000);
    await memory.set(flashKey!, JSON.stringify({ v: 1, content: "x", finish: "stop", model: MINI, deployment: "d", usage: [1, 1, 0, 0, 0, 0] }), 60_000);
    expect(await cache.lookup(Tier.NANO, req)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1 });
  });
});
