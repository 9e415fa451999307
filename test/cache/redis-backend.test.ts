// The Redis backend on the shared Redis (under this run's own key prefix),
// and against a port where no Redis listens.
import { afterAll, describe, expect, it } from "vitest";
import { createBackendDecisionCache, createRedisBackend, redisLocation } from "../../src/cache/index.js";
import { createLogger } from "../../src/core/log.js";
import { createTestRedisPrefix, freePort, REDIS_URL } from "../helpers/redis.js";

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe("Redis cache backend", () => {
  const redis = createTestRedisPrefix();
  const { log } = capturingLogger();
  const backend = createRedisBackend({ url: REDIS_URL, keyPrefix: redis.prefix, timeoutMs: 2_000, log });
  afterAll(async () => {
    await backend.close();
    await redis.cleanup();
  });

  it("stores values under its prefix with a TTL, and reads several keys in one call", async () => {
    expect(await backend.ready(5_000)).toBe(true);
    await backend.set("a", "alpha", 60_000);
    await backend.set("b", "beta", 60_000);
    expect(await backend.getMany(["a", "missing", "b"])).toEqual(["alpha", undefined, "beta"]);
    expect(await backend.getMany(["b"])).toEqual(["beta"]);
    expect(await redis.client.get(`${redis.prefix}a`)).toBe("alpha");
    const ttl = await redis.client.pttl(`${redis.prefix}a`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("lets Redis expire entries at their TTL", async () => {
    await backend.set("short", "s", 150);
    expect(await backend.getMany(["short"])).toEqual(["s"]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await backend.getMany(["short"])).toEqual([undefined]);
  });

  it("keeps classifier verdicts, and reads anything that is not a verdict as a miss", async () => {
    const decisions = createBackendDecisionCache({ backend, ttlMs: 60_000 });
    await decisions.set("llm:v1:abc", { tier: "frontier", confidence: 0.85 });
    expect(await decisions.get("llm:v1:abc")).toEqual({ tier: "frontier", confidence: 0.85 });
    expect(await decisions.get("llm:v1:unknown")).toBeUndefined();
    await redis.client.set(`${redis.prefix}d:llm:v1:bad`, '{"tier":"huge","confidence":2}');
    expect(await decisions.get("llm:v1:bad")).toBeUndefined();
  });

  it("names its location without credentials", () => {
    expect(redisLocation("redis://user:s3cret@cache.internal:6380/2")).toBe("redis://cache.internal:6380/2");
    expect(redisLocation("rediss://:s3cret@cache.internal")).toBe("rediss://cache.internal:6379");
  });
});

describe("Redis cache backend with no Redis there", () => {
  it("answers misses at once, drops writes, counts failures and warns once per interval, without a secret", async () => {
    const port = await freePort();
    const { lines, log } = capturingLogger();
    const backend = createRedisBackend({ url: `redis://:hunter2@127.0.0.1:${port}`, keyPrefix: "x:", timeoutMs: 100, log, retryAfterMs: 0 });
    try {
      expect(await backend.ready(300)).toBe(false);
      const started = performance.now();
      for (let i = 0; i < 20; i++) {
        expect(await backend.getMany(["a", "b"])).toEqual([undefined, undefined]);
        await backend.set("a", "v", 1_000);
      }
      // Not one call waited for a connection: 40 of them in well under a timeout each.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(backend.stats().errors).toBeGreaterThanOrEqual(40);
      const warnings = lines.filter((l) => l.level === "warn");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ msg: "response cache: Redis unavailable, serving without it", location: `redis://127.0.0.1:${port}` });
      expect(JSON.stringify(lines)).not.toContain("hunter2");
    } finally {
      await backend.close();
    }
  });
});
