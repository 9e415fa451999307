// Rate limits: token buckets per caller on both counter backends, over the
// real server, and the bucket arithmetic on a controlled clock.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryInfoSchema as GoogleRetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { LimitExceededSchema, LimitKind, RetryInfoSchema } from "../../gen/tierd/v1/errors_pb.js";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { createMemoryRateLimitStore } from "../../src/callers/index.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "./keys.js";
import { counterBackends } from "./stores.js";

const slow = testKey("tierd_test_slow_aa00bb11cc22dd33ee44", "slow", { rate_limit: "five" });
const wordy = testKey("tierd_test_wordy_ff55ee44dd33cc22bb11", "wordy", { rate_limit: "tokens" });
const free = testKey("tierd_test_free_1234567890abcdef1234", "free");
const hi = [{ role: Role.USER, content: "hi" }];

for (const backend of counterBackends()) {
  describe(`rate limits on ${backend.name} counters`, () => {
    let fake: FakeUpstream;
    const replicas: Tierd[] = [];
    beforeAll(async () => {
      fake = await startFakeUpstream({ record: false });
      const yaml = authConfigYaml(fake.url, [slow, wordy, free], {
        rate_limits: { five: { requests_per_minute: 5 }, tokens: { tokens_per_minute: 200 } },
        counters: backend.config(),
      });
      for (let i = 0; i < (backend.name === "Redis" ? 2 : 1); i++) {
        replicas.push(await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }));
      }
    });
    afterAll(async () => {
      for (const r of replicas) await r.close(500);
      await fake?.close();
      await backend.drop();
    });

    it("lets requests_per_minute through, then answers ResourceExhausted with a retry-after hint", async () => {
      const clients = replicas.map((r) => clientsFor(RouterService, r.url, slow.key).grpc);
      // Classify counts as a request too; on Redis the replicas share the bucket.
      for (let i = 0; i < 5; i++) await clients[i % clients.length]!.classify({ messages: hi });
      const before = fake.requestCount();
      const err = ConnectError.from(await clients[0]!.route({ messages: hi }).catch((e: unknown) => e));
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(err.rawMessage).toMatch(/^rate limit five: caller slow may use 5 requests per minute; retry in \d+ s$/);
      // One request token comes back every 12 s.
      const retryAfter = Number(err.metadata.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(10);
      expect(retryAfter).toBeLessThanOrEqual(12);
      expect(err.findDetails(RetryInfoSchema)[0]?.retryDelay?.seconds).toBeGreaterThanOrEqual(9n);
      // The standard detail too, which grpc-go's status and grpcio-status decode.
      expect(err.findDetails(GoogleRetryInfoSchema)[0]?.retryDelay?.seconds).toBe(err.findDetails(RetryInfoSchema)[0]?.retryDelay?.seconds);
      expect(err.findDetails(LimitExceededSchema)[0]).toMatchObject({ kind: LimitKind.REQUESTS_PER_MINUTE, name: "five", limit: 5n });
      expect(fake.requestCount()).toBe(before);
      // Another caller is not affected.
      await clientsFor(RouterService, replicas[0]!.url, free.key).grpc.route({ messages: hi });
    });

    it("charges tokens_per_minute what requests really used, output included", async () => {
      const { grpc } = clientsFor(RouterService, replicas[replicas.length - 1]!.url, wordy.key);
      // ~250 output tokens: the bucket (200) goes into debt, so the next request waits.
      await grpc.route({ messages: [{ role: Role.USER, content: 'go [[fake:{"content":"' + "word ".repeat(200) + '"}]]' }], tierOverride: Tier.NANO });
      const err = ConnectError.from(await grpc.route({ messages: hi }).catch((e: unknown) => e));
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(err.findDetails(LimitExceededSchema)[0]).toMatchObject({ kind: LimitKind.TOKENS_PER_MINUTE, name: "tokens", limit: 200n });
    });
  });
}

describe("token bucket", () => {
  it("refills at the configured rate and never above one minute's worth", async () => {
    let now = 0;
    const store = createMemoryRateLimitStore({ clock: () => now });
    const bucket = { key: "k", capacity: 60, refillPerMs: 60 / 60_000, amount: 1, mode: "strict" as const };
    for (let i = 0; i < 60; i++) expect((await store.take([bucket])).ok).toBe(true);
    expect(await store.take([bucket])).toEqual({ ok: false, index: 0, retryAfterMs: 1000 });
    now += 1000;
    expect((await store.take([bucket])).ok).toBe(true);
    expect((await store.take([bucket])).ok).toBe(false);
    now += 10 * 60_000;
    for (let i = 0; i < 60; i++) expect((await store.take([bucket])).ok).toBe(true);
    expect((await store.take([bucket])).ok).toBe(false);
  });

  it("takes from every bucket or from none", async () => {
    const store = createMemoryRateLimitStore({ clock: () => 0 });
    const requests = { key: "r", capacity: 10, refillPerMs: 1, amount: 1, mode: "strict" as const };
    const tokens = { key: "t", capacity: 5, refillPerMs: 1, amount: 6, mode: "strict" as const };
    expect((await store.take([requests, tokens])).ok).toBe(false);
    for (let i = 0; i < 10; i++) expect((await store.take([requests])).ok).toBe(true);
  });
});
