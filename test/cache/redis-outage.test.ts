// Redis going away under a running tierd. The shared Redis on 6379 is never
// touched: this test starts its own redis-server on a free port, then kills
// and pauses it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startOwnRedis, type OwnRedis } from "../helpers/redis.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("response cache when Redis fails", () => {
  let redis: OwnRedis;
  let t: TestTierd;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestTierd({ extraYaml: `cache:\n  redis_url: ${redis.url}\n  redis_timeout_ms: 300\n` });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.kill();
  });

  const ask = (text: string) => {
    const messages = [{ role: Role.USER, content: text }];
    return () => t.grpc.route({ messages, tierOverride: Tier.NANO, params: { temperature: 0 } });
  };
  const timed = async <T>(call: () => Promise<T>) => {
    const started = performance.now();
    const value = await call();
    return { value, ms: performance.now() - started };
  };
  /** Repeats a question until its second asking is a hit: the cache works again. */
  const untilCached = async (deadlineMs: number) => {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      const again = ask(`Are you back? ${randomUUID()}`);
      await again();
      if ((await again()).cacheHit) return true;
      await sleep(200);
    }
    return false;
  };

  it("serves every request while Redis is killed, and caches again once it is back", async () => {
    const before = ask(`What is a mutex? ${randomUUID()}`);
    await before();
    expect((await before()).cacheHit).toBe(true);

    await redis.kill();
    const count = t.fake.requestCount();
    for (let i = 0; i < 5; i++) {
      const { value, ms } = await timed(before);
      expect(value.cacheHit).toBe(false);
      expect(value.content).not.toBe("");
      // Far below any hang: a dead Redis answers "no" at once. Loose for a busy machine.
      expect(ms).toBeLessThan(2_000);
    }
    expect(t.fake.requestCount()).toBe(count + 5);
    let streamed = "";
    for await (const msg of t.grpc.streamCompletion({ messages: [{ role: Role.USER, content: `Stream while down ${randomUUID()}` }], tierOverride: Tier.NANO, params: { temperature: 0 } })) {
      if (msg.event.case === "delta") streamed += msg.event.value.content;
    }
    expect(streamed).not.toBe("");
    expect(t.tierd.cache.stats().backend.errors).toBeGreaterThan(0);

    await redis.restart();
    expect(await untilCached(15_000)).toBe(true);
  });

  it("serves requests while Redis is paused (connected, not answering), waiting about its timeout at most", async () => {
    expect(await untilCached(15_000)).toBe(true);
    const errors = () => t.tierd.cache.stats().backend.errors;
    redis.pause();
    try {
      const before = errors();
      const first = await timed(ask(`Paused one ${randomUUID()}`));
      expect(first.value.cacheHit).toBe(false);
      // redis_timeout_ms is 300: the lookup gives up, the upstream answers.
      expect(first.ms).toBeLessThan(3_000);
      expect(errors()).toBe(before + 1);
      // Right after a timeout Redis is skipped for a second, so the next
      // request does not wait out another timeout (no new failed command).
      const second = await timed(ask(`Paused two ${randomUUID()}`));
      expect(second.value.cacheHit).toBe(false);
      expect(errors()).toBe(before + 1);
    } finally {
      redis.resume();
    }
    expect(await untilCached(15_000)).toBe(true);
  });
});
