// The provider called directly (no gRPC), for what the wire does not show:
// the attempt fields telemetry builds spans from, and breaker bookkeeping.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { AttemptOutcome, ErrorClass, Tier, type CompletionRequest } from "../../src/core/types.js";
import { createProvider, type ProviderWithCooldown } from "../../src/provider/index.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { providerYaml } from "./provider-config.js";

const request: CompletionRequest = {
  requestId: "r-1",
  messages: [{ role: "user", content: "Is 7 a prime number?" }],
  endpoint: "",
  caller: { id: "", plan: "", metadata: {} },
  params: { stop: [], responseFormat: "text" },
  cacheBypass: false,
};

describe("provider attempts", () => {
  let fake: FakeUpstream;
  let provider: ProviderWithCooldown;
  beforeAll(async () => {
    fake = await startFakeUpstream();
    const yaml = providerYaml({ retry: { max_retries: 2, base_delay_ms: 40, max_delay_ms: 1000 }, cooldown: { failure_threshold: 5, window_ms: 60_000, cooldown_ms: 200 } });
    provider = createProvider({ config: parseConfig(yaml.replaceAll("{{FAKE}}", fake.url), "t.yaml", {}), random: () => 0.5 });
  });
  afterAll(async () => {
    await provider.close();
    await fake.close();
  });

  it("records retries with their index, backoff and start times, in order", async () => {
    fake.reset();
    fake.inject({ model: "test/nano-1", times: 2, fault: { status: 503 } });
    const completion = await provider.complete(Tier.NANO, request, { signal: new AbortController().signal });
    const attempts = completion.attempts;
    expect(attempts.map((a) => [a.outcome, a.errorClass, a.retry, a.backoffMs])).toEqual([
      [AttemptOutcome.FAILURE, ErrorClass.SERVER_ERROR, 0, 0],
      // Full jitter with random() = 0.5: half of 40 ms, then half of 80 ms.
      [AttemptOutcome.FAILURE, ErrorClass.SERVER_ERROR, 1, 20],
      [AttemptOutcome.SUCCESS, ErrorClass.UNSPECIFIED, 2, 40],
    ]);
    for (let i = 1; i < attempts.length; i++) {
      const previousEnd = attempts[i - 1]!.startedAt + attempts[i - 1]!.latencyMs;
      expect(attempts[i]!.startedAt - previousEnd).toBeGreaterThanOrEqual(attempts[i]!.backoffMs! - 2);
    }
    const [first, second, third] = fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(18);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(38);
  });

  it("gives a half-open probe back when the caller cancels it", async () => {
    fake.reset();
    provider.cooldown.trip("nano-1", ErrorClass.SERVER_ERROR, 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    fake.inject({ model: "test/nano-1", fault: { hang: true } });
    const abort = new AbortController();
    const events = provider.stream(Tier.NANO, request, { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await expect(events.next()).rejects.toMatchObject({ code: "canceled" });
    const until = Date.now() + 3000;
    while (fake.openRequests() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.openRequests()).toBe(0);
    expect(provider.cooldown.admit("nano-1")).toEqual({ allowed: true, probe: true });
    provider.cooldown.success("nano-1", true);
  });

  it("stops the upstream when the consumer stops reading a stream", async () => {
    fake.reset();
    fake.inject({ model: "test/nano-1", fault: { contentBytes: 32 * 1024 * 1024 } });
    const events = provider.stream(Tier.NANO, request, { signal: new AbortController().signal });
    const first = await events.next();
    expect(first.value).toMatchObject({ kind: "delta" });
    expect(fake.openRequests()).toBe(1);
    await events.return(undefined);
    const until = Date.now() + 3000;
    while (fake.openRequests() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.openRequests()).toBe(0);
    expect(fake.streamedBytes()).toBeLessThan(32 * 1024 * 1024);
  });
});
