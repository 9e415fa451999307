// One test per upstream fault class, through the real gRPC server against
// the fake upstream over HTTP. Each test starts its own tierd, so cooldown
// state never leaks between tests.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import {
  AttemptOutcome,
  ErrorClass,
  FinishReason,
  Role,
  StreamFailureSchema,
  Tier,
  type Attempt,
  type StreamCompletionResponse,
} from "../../gen/tierd/v1/router_pb.js";
import { startTierd } from "../../src/app.js";
import { ConfigError } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import type { FakeUpstreamOptions } from "../../src/demo/fake-upstream.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { providerYaml, type ProviderTestSpec } from "./provider-config.js";

const ask = (content = "Is 7 a prime number?") => [{ role: Role.USER, content }];

let running: TestTierd[] = [];
async function start(spec: ProviderTestSpec = {}, fake: FakeUpstreamOptions = {}): Promise<TestTierd> {
  const t = await startTestTierd({ yaml: providerYaml(spec), fake });
  running.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(running.map((t) => t.close()));
  running = [];
});

/** Compact view of attempts: "deployment OUTCOME CLASS". */
function hops(attempts: Attempt[]): string[] {
  return attempts.map((a) => `${a.deployment} ${AttemptOutcome[a.outcome]}${a.errorClass === ErrorClass.UNSPECIFIED ? "" : ` ${ErrorClass[a.errorClass]}`}`);
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(err)}`);
  return err;
}

async function collect(stream: AsyncIterable<StreamCompletionResponse>) {
  const events: StreamCompletionResponse["event"][] = [];
  let error: ConnectError | undefined;
  try {
    for await (const msg of stream) events.push(msg.event);
  } catch (err) {
    error = ConnectError.from(err);
  }
  const deltas = events.flatMap((e) => (e.case === "delta" ? [e.value.content] : []));
  const summary = events.flatMap((e) => (e.case === "summary" ? [e.value] : []))[0];
  return { events, deltas, text: deltas.join(""), summary, error };
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

describe("retryable failures", () => {
  it("retries the same deployment after a 503 and answers", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { status: 503 } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(res.tier).toBe(Tier.NANO);
    expect(hops(res.attempts)).toEqual(["nano-1 FAILURE SERVER_ERROR", "nano-1 SUCCESS"]);
    expect(res.attempts[0]?.httpStatus).toBe(503);
    expect(t.fake.requestCount()).toBe(2);
  });

  it("honours a 429's Retry-After before retrying", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { status: 429, retryAfter: 1 } });
    const started = Date.now();
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    const elapsed = Date.now() - started;
    expect(hops(res.attempts)).toEqual(["nano-1 FAILURE RATE_LIMITED", "nano-1 SUCCESS"]);
    const [first, second] = t.fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000);
  });

  it("honours retry-after-ms, OpenAI's millisecond form", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { status: 429, retryAfterMs: 400, retryAfter: 30 } });
    await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    const [first, second] = t.fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(380);
    expect(second!.at - first!.at).toBeLessThan(3000);
  });

  it("moves on at once when Retry-After is longer than max_retry_after_ms, and keeps the deployment out meanwhile", async () => {
    const t = await start({
      deployments: { "nano-a": {}, "nano-b": {}, "mid-1": {}, "frontier-1": {} },
      tiers: { nano: ["nano-a", "nano-b"] },
    });
    t.fake.inject({ model: "test/nano-a", fault: { status: 429, retryAfter: 30 } });
    const started = Date.now();
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(hops(res.attempts)).toEqual(["nano-a FAILURE RATE_LIMITED", "nano-b SUCCESS"]);
    expect(res.attempts[0]?.detail).toMatch(/moving on: Retry-After 30000 ms exceeds max_retry_after_ms/);
    const next = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(next.attempts)).toEqual(["nano-a SKIPPED COOLDOWN", "nano-b SUCCESS"]);
    expect(t.fake.requestCount()).toBe(3);
  });

  it("never sleeps past the caller's deadline: a Retry-After longer than what is left moves on", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { status: 429, retryAfter: 2 } });
    const started = Date.now();
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }, { timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(hops(res.attempts)).toEqual(["nano-1 FAILURE RATE_LIMITED", "mid-1 SUCCESS"]);
  });

  it("answers from mid when nano is down, the attempts showing every hop", async () => {
    const t = await start({ retry: { max_retries: 1 } });
    t.fake.inject({ model: "test/nano-1", times: Infinity, fault: { resetConnection: true } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(res.tier).toBe(Tier.MID);
    expect(res.decision?.tier).toBe(Tier.NANO);
    expect(res.deployment).toBe("mid-1");
    expect(hops(res.attempts)).toEqual(["nano-1 FAILURE CONNECTION", "nano-1 FAILURE CONNECTION", "mid-1 SUCCESS"]);
    expect(res.attempts.every((a) => a.latencyMs >= 0)).toBe(true);
  });

  it("retries a malformed answer", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { malformedJson: true } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(res.attempts)).toEqual(["nano-1 FAILURE MALFORMED_RESPONSE", "nano-1 SUCCESS"]);
  });

  it("answers ResourceExhausted with a retry-after hint when every fallback is rate limited", async () => {
    const t = await start({ retry: { max_retries: 0 } });
    t.fake.inject({ times: Infinity, fault: { status: 429, retryAfter: 20 } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.metadata.get("retry-after")).toBe("20");
    expect(t.fake.requests.map((r) => r.model)).toEqual(["test/nano-1", "test/mid-1", "test/frontier-1"]);
  });

  it("answers Unavailable when every fallback fails with 5xx, naming each hop once per run", async () => {
    const t = await start({ retry: { max_retries: 1 } });
    t.fake.inject({ times: Infinity, fault: { status: 502 } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toMatch(/\(nano-1: SERVER_ERROR x2; mid-1: SERVER_ERROR x2; frontier-1: SERVER_ERROR x2\)/);
    expect(t.fake.requestCount()).toBe(6);
  });

  it("answers DeadlineExceeded when every deployment times out", async () => {
    const t = await start({
      retry: { max_retries: 0 },
      deployments: { "nano-1": { timeout_ms: 100 }, "mid-1": { timeout_ms: 100 }, "frontier-1": { timeout_ms: 100 } },
    });
    t.fake.inject({ times: Infinity, fault: { hang: true } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(err.rawMessage).toMatch(/nano-1: TIMEOUT; mid-1: TIMEOUT; frontier-1: TIMEOUT/);
  });
});

describe("requests the upstream rejects", () => {
  it("fails fast with InvalidArgument on a 400, and a bad request never cools a deployment down", async () => {
    const t = await start({ cooldown: { failure_threshold: 2, window_ms: 60_000, cooldown_ms: 60_000 } });
    t.fake.inject({ model: "test/nano-1", times: 3, fault: { status: 400 } });
    for (let i = 0; i < 3; i++) {
      const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
      expect(err.code).toBe(Code.InvalidArgument);
    }
    expect(t.fake.requestCount()).toBe(3);
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(res.attempts)).toEqual(["nano-1 SUCCESS"]);
  });

  it("maps an upstream 404 on the only nano deployment to NotFound, without escalating to a pricier tier", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { status: 404 } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toMatch(/deployment nano-1 does not know the model or route .*fix its model or base_url/);
    expect(t.fake.requestCount()).toBe(1);
  });
});

describe("cooldown", () => {
  const twoNano = {
    deployments: { "nano-a": {}, "nano-b": {}, "mid-1": {}, "frontier-1": {} },
    tiers: { nano: ["nano-a", "nano-b"] },
    retry: { max_retries: 0 },
  };

  it("skips a whole tier in cooldown without calling or waiting", async () => {
    const t = await start({ ...twoNano, cooldown: { failure_threshold: 2, window_ms: 60_000, cooldown_ms: 60_000 } });
    t.fake.inject({ model: /^test\/nano-/, times: 4, fault: { status: 503 } });
    for (let i = 0; i < 2; i++) {
      const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
      expect(hops(res.attempts)).toEqual(["nano-a FAILURE SERVER_ERROR", "nano-b FAILURE SERVER_ERROR", "mid-1 SUCCESS"]);
    }
    const before = t.fake.requestCount();
    const started = Date.now();
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(Date.now() - started).toBeLessThan(500);
    expect(hops(res.attempts)).toEqual(["nano-a SKIPPED COOLDOWN", "nano-b SKIPPED COOLDOWN", "mid-1 SUCCESS"]);
    expect(res.attempts[0]?.detail).toMatch(/in cooldown after SERVER_ERROR for another \d+ ms/);
    expect(res.attempts[0]?.latencyMs).toBe(0);
    expect(t.fake.requestCount()).toBe(before + 1);
  });

  it("is shared by every tier that lists the deployment", async () => {
    const t = await start({
      deployments: { shared: {}, "mid-2": {}, "frontier-1": {} },
      tiers: { nano: ["shared"], mid: ["shared", "mid-2"] },
      retry: { max_retries: 0 },
      cooldown: { failure_threshold: 1, window_ms: 60_000, cooldown_ms: 60_000 },
    });
    t.fake.inject({ model: "test/shared", fault: { status: 500 } });
    const first = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(first.attempts)).toEqual(["shared FAILURE SERVER_ERROR", "shared SKIPPED SERVER_ERROR", "mid-2 SUCCESS"]);
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.MID });
    expect(hops(res.attempts)).toEqual(["shared SKIPPED COOLDOWN", "mid-2 SUCCESS"]);
  });

  it("lets exactly one probe through when the cooldown ends, and closes on its success", async () => {
    const t = await start({
      retry: { max_retries: 0 },
      cooldown: { failure_threshold: 1, window_ms: 60_000, cooldown_ms: 300 },
    });
    t.fake.inject({ model: "test/nano-1", fault: { status: 503 } });
    await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    await new Promise((resolve) => setTimeout(resolve, 350));
    t.fake.reset();
    t.fake.inject({ model: "test/nano-1", fault: { delayHeadersMs: 300 } });
    const results = await Promise.all([0, 1, 2].map(() => t.grpc.route({ messages: ask(), tierOverride: Tier.NANO })));
    expect(t.fake.requests.filter((r) => r.model === "test/nano-1")).toHaveLength(1);
    expect(results.filter((r) => r.deployment === "nano-1")).toHaveLength(1);
    expect(results.filter((r) => r.attempts[0]?.detail.includes("probe request is in flight"))).toHaveLength(2);
    const after = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(after.attempts)).toEqual(["nano-1 SUCCESS"]);
  });
});

describe("context length and capabilities", () => {
  const windows = {
    deployments: {
      "nano-small": { context_window: 16_000 },
      "nano-small-2": { context_window: 12_000 },
      "nano-large": { context_window: 128_000, capabilities: ["tools"] },
      "mid-1": { context_window: 200_000 },
      "frontier-1": {},
    },
    tiers: { nano: ["nano-small", "nano-small-2", "nano-large"] },
  };

  it("jumps from a context-length error to the first deployment whose window is larger", async () => {
    const t = await start(windows);
    t.fake.inject({ model: "test/nano-small", fault: { contextLength: true } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(res.attempts)).toEqual(["nano-small FAILURE CONTEXT_LENGTH", "nano-small-2 SKIPPED UNSUITABLE", "nano-large SUCCESS"]);
    expect(t.fake.requests.map((r) => r.model)).toEqual(["test/nano-small", "test/nano-large"]);
  });

  it("skips deployments whose window cannot hold the conversation plus max output, without calling them", async () => {
    const t = await start(windows);
    const long = "The quick brown fox jumps over the lazy dog. ".repeat(1400); // ~14k tokens
    const res = await t.grpc.route({ messages: ask(long), tierOverride: Tier.NANO, params: { maxOutputTokens: 2000 } });
    expect(hops(res.attempts)).toEqual(["nano-small SKIPPED UNSUITABLE", "nano-small-2 SKIPPED UNSUITABLE", "nano-large SUCCESS"]);
    expect(res.attempts[0]?.detail).toMatch(/needs ~\d+ tokens \(input \+ max output\), context window is 16000/);
    expect(t.fake.requests.map((r) => r.model)).toEqual(["test/nano-large"]);
  });

  it("answers InvalidArgument when no deployment in the chain can hold the conversation", async () => {
    const t = await start({ ...windows, deployments: { ...windows.deployments, "mid-1": { context_window: 16_000 }, "frontier-1": { context_window: 16_000 } } });
    t.fake.inject({ times: Infinity, fault: { contextLength: true } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/exceeds the context window of every deployment/);
    expect(t.fake.requests.map((r) => r.model)).toEqual(["test/nano-small", "test/nano-large"]);
  });

  it("sends JSON mode only to deployments with the json capability", async () => {
    const t = await start({ ...windows, tiers: { nano: ["nano-large", "nano-small"] } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO, params: { responseFormat: 2 } });
    expect(hops(res.attempts)).toEqual(["nano-large SKIPPED UNSUITABLE", "nano-small SUCCESS"]);
    expect(t.fake.requests[0]?.responseFormat).toBe("json_object");
  });
});

describe("upstream credentials", () => {
  it("does not escalate a 401 on the only nano deployment to mid, and never shows the key", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", times: Infinity, fault: { status: 401, message: "Incorrect API key provided: sk-test-nano-1-0123456789" } });
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toMatch(/credentials configured for deployment nano-1/);
    expect(err.rawMessage).not.toContain("sk-test");
    expect(t.fake.requests.map((r) => r.model)).toEqual(["test/nano-1"]);
    // The deployment is now in cooldown: still no escalation, and no call.
    const again = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }));
    expect(again.code).toBe(Code.Unavailable);
    expect(again.rawMessage).toMatch(/deployment nano-1/);
    expect(t.fake.requestCount()).toBe(1);
  });

  it("tries the next deployment of the same tier after a 403", async () => {
    const t = await start({ deployments: { "nano-a": {}, "nano-b": {}, "mid-1": {}, "frontier-1": {} }, tiers: { nano: ["nano-a", "nano-b"] } });
    t.fake.inject({ model: "test/nano-a", fault: { status: 403 } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(hops(res.attempts)).toEqual(["nano-a FAILURE UPSTREAM_AUTH", "nano-b SUCCESS"]);
    expect(res.tier).toBe(Tier.NANO);
  });
});

describe("deadlines and cancellation", () => {
  it("answers DeadlineExceeded within the caller's 300 ms deadline against a hung upstream, and closes the upstream socket", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { hang: true } });
    const started = Date.now();
    const err = await failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }, { timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(elapsed).toBeLessThan(400);
    expect(t.fake.requestCount()).toBe(1);
    expect(await eventually(() => t.fake.openRequests() === 0 && t.fake.openSockets() === 0)).toBe(true);
  });

  it("aborts the upstream call when the client cancels", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { hang: true } });
    const abort = new AbortController();
    const call = failureOf(t.grpc.route({ messages: ask(), tierOverride: Tier.NANO }, { signal: abort.signal }));
    expect(await eventually(() => t.fake.requestCount() === 1)).toBe(true);
    abort.abort();
    expect((await call).code).toBe(Code.Canceled);
    expect(await eventually(() => t.fake.openRequests() === 0 && t.fake.openSockets() === 0)).toBe(true);
    expect(t.fake.requestCount()).toBe(1);
  });
});

describe("streaming", () => {
  it("falls back when the stream is cut before the first token", async () => {
    const t = await start({ retry: { max_retries: 0 } });
    t.fake.inject({ model: "test/nano-1", fault: { cutAfterChunks: 0 } });
    const { text, summary, error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }));
    expect(error).toBeUndefined();
    expect(text).toContain("Simulated answer from test/mid-1");
    expect(summary?.tier).toBe(Tier.MID);
    expect(hops(summary!.attempts)).toEqual(["nano-1 FAILURE TRUNCATED_STREAM", "mid-1 SUCCESS"]);
  });

  it("falls back at once, without retrying, when the first token does not come within ttft_timeout_ms", async () => {
    const t = await start({ deployments: { "nano-1": { ttft_timeout_ms: 150 }, "mid-1": {}, "frontier-1": {} }, retry: { max_retries: 2 } });
    t.fake.inject({ model: "test/nano-1", fault: { delayFirstTokenMs: 5000 } });
    const started = Date.now();
    const { text, summary } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(text).toContain("test/mid-1");
    expect(hops(summary!.attempts)).toEqual(["nano-1 FAILURE TIMEOUT", "mid-1 SUCCESS"]);
    expect(summary!.attempts[0]?.detail).toBe("no first token in time");
  });

  it("ends with Unavailable and a billed partial usage when the stream is cut after tokens", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { cutAfterChunks: 3 } });
    const { deltas, summary, error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO, requestId: "cut-1" }));
    expect(summary).toBeUndefined();
    expect(deltas).toHaveLength(3);
    expect(error?.code).toBe(Code.Unavailable);
    const [detail] = error!.findDetails(StreamFailureSchema);
    expect(detail).toBeDefined();
    expect(detail!.deliveredDeltas).toBe(3);
    expect(detail!.deliveredChars).toBe(deltas.join("").length);
    expect(detail!.requestId).toBe("cut-1");
    expect(detail!.usage?.estimated).toBe(true);
    expect(detail!.usage?.inputTokens).toBeGreaterThan(0);
    expect(detail!.deliveredTokens).toBe(detail!.usage?.outputTokens);
    expect(detail!.deliveredTokens).toBeGreaterThan(0);
    // test/ models cost $1 input, $2 output per 1M tokens: 1e6 and 2e6 pico-USD per token.
    expect(detail!.costPicoUsd).toBe(BigInt(detail!.usage!.inputTokens) * 1_000_000n + BigInt(detail!.deliveredTokens) * 2_000_000n);
    expect(t.fake.requestCount()).toBe(1);
  });

  it("ends with Unavailable when the stream stops without a finish reason after tokens", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { noDone: true } });
    const { deltas, error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }));
    expect(deltas.length).toBeGreaterThan(0);
    expect(error?.code).toBe(Code.Unavailable);
    expect(error!.findDetails(StreamFailureSchema)[0]?.deliveredDeltas).toBe(deltas.length);
  });

  it("lets a long stream run past timeout_ms while chunks keep coming", async () => {
    // 16 chunks 80 ms apart: about 1.2 s in all, never 500 ms of silence.
    const t = await start({ deployments: { "nano-1": { timeout_ms: 500 }, "mid-1": {}, "frontier-1": {} } }, { chunkDelayMs: 80 });
    t.fake.inject({ model: "test/nano-1", fault: { content: "word ".repeat(48).trim() } });
    const started = Date.now();
    const { deltas, summary, error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }));
    expect(error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(deltas).toHaveLength(16);
    expect(hops(summary!.attempts)).toEqual(["nano-1 SUCCESS"]);
  });

  it("ends a stream that goes silent after tokens within timeout_ms, billing what was delivered", async () => {
    const t = await start({ deployments: { "nano-1": { timeout_ms: 300 }, "mid-1": {}, "frontier-1": {} } });
    t.fake.inject({ model: "test/nano-1", fault: { stallAfterChunks: 2 } });
    const started = Date.now();
    const { deltas, error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(deltas).toHaveLength(2);
    expect(error?.code).toBe(Code.Unavailable);
    expect(error?.rawMessage).toMatch(/stream went silent/);
    const [detail] = error!.findDetails(StreamFailureSchema);
    expect(detail?.deliveredDeltas).toBe(2);
    expect(detail?.costPicoUsd).toBeGreaterThan(0n);
    expect(await eventually(() => t.fake.openRequests() === 0)).toBe(true);
  });

  it("answers DeadlineExceeded and closes the upstream socket when the deadline passes before the first token", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { delayFirstTokenMs: 5000 } });
    const started = Date.now();
    const { error } = await collect(t.grpc.streamCompletion({ messages: ask(), tierOverride: Tier.NANO }, { timeoutMs: 300 }));
    expect(error?.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await eventually(() => t.fake.openRequests() === 0 && t.fake.openSockets() === 0)).toBe(true);
  });
});

describe("cost and request shape", () => {
  it("bills cached input at its own price, to the micro-dollar", async () => {
    const t = await start({ deployments: { "nano-1": { model: "openai/gpt-4o-mini" }, "mid-1": {}, "frontier-1": {} } });
    // The fake counts ceil(chars / 4) + 3 per message: 4000 chars -> 1003 prompt tokens.
    t.fake.inject({ model: "openai/gpt-4o-mini", times: 2, fault: { cachedTokens: 800, content: "x".repeat(40) } });
    const res = await t.grpc.route({ messages: ask("a".repeat(4000)), tierOverride: Tier.NANO });
    expect(res.usage).toMatchObject({ inputTokens: 1003, cachedInputTokens: 800, outputTokens: 10, estimated: false });
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
    // 203 x 0.15 + 800 x 0.075 + 10 x 0.60 = 30.45 + 60 + 6 = 96.45 micro-USD.
    expect(res.costPicoUsd).toBe(96_450_000n);
    expect(res.costUsd).toBe(0.00009645);
    const streamed = await collect(t.grpc.streamCompletion({ messages: ask("a".repeat(4000)), tierOverride: Tier.NANO }));
    expect(streamed.summary?.costPicoUsd).toBe(96_450_000n);
  });

  it("bills reasoning tokens as output and sends max_completion_tokens to an o-series model", async () => {
    const t = await start({ deployments: { "nano-1": {}, "mid-1": {}, "frontier-1": { model: "openai/o3" } } });
    t.fake.inject({ model: "openai/o3", fault: { reasoningTokens: 500, content: "y".repeat(80) } });
    const res = await t.grpc.route({ messages: ask("b".repeat(400)), tierOverride: Tier.FRONTIER, params: { maxOutputTokens: 1000 } });
    expect(res.usage).toMatchObject({ inputTokens: 103, outputTokens: 520, reasoningTokens: 500 });
    // o3: $2 input, $8 output per 1M tokens: 103 x 2 + 520 x 8 = 206 + 4160 = 4366 micro-USD.
    expect(res.costPicoUsd).toBe(4_366_000_000n);
    expect(t.fake.requests[0]?.maxTokensParam).toBe("max_completion_tokens");
    await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO, params: { maxOutputTokens: 1000 } });
    expect(t.fake.requests[1]?.maxTokensParam).toBe("max_tokens");
  });

  it("counts tokens locally and says so when the upstream sends no usage", async () => {
    const t = await start();
    t.fake.inject({ model: "test/nano-1", fault: { noUsage: true } });
    const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(res.usage?.estimated).toBe(true);
    expect(res.usage?.outputTokens).toBeGreaterThan(0);
    expect(res.costPicoUsd).toBeGreaterThan(0n);
    expect(res.finishReason).toBe(FinishReason.STOP);
  });

  it("refuses to start when a deployment's model has no price", async () => {
    const yaml = providerYaml().replace("model: test/nano-1", "model: acme/unpriced-model");
    const err = await startTierd({ configText: yaml.replaceAll("{{FAKE}}", "http://127.0.0.1:9/v1"), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/deployments\.nano-1\.model: no price for model "acme\/unpriced-model"/);
  });
});

describe("strategies", () => {
  it("sends traffic to the fastest deployment under least-latency", async () => {
    const t = await start({
      deployments: { "nano-slow": {}, "nano-fast": {}, "mid-1": {}, "frontier-1": {} },
      tiers: { nano: ["nano-slow", "nano-fast"] },
      strategy: { nano: "least-latency" },
    });
    t.fake.inject({ model: "test/nano-slow", times: Infinity, fault: { delayHeadersMs: 120 } });
    const answered: string[] = [];
    for (let i = 0; i < 8; i++) answered.push((await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO })).deployment);
    // Both are measured once (never-measured deployments go first), then the fast one wins.
    expect(answered.slice(0, 2).sort()).toEqual(["nano-fast", "nano-slow"]);
    expect(answered.slice(2)).toEqual(Array(6).fill("nano-fast"));
  });

  it("shares traffic by weight under the weighted strategy", async () => {
    const t = await start({
      deployments: { "nano-a": { weight: 1 }, "nano-b": { weight: 4 }, "mid-1": {}, "frontier-1": {} },
      tiers: { nano: ["nano-a", "nano-b"] },
      strategy: { nano: "weighted" },
    });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const res = await t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
      counts[res.deployment] = (counts[res.deployment] ?? 0) + 1;
    }
    // Expected 80 on nano-b; a binomial(100, 0.8) falls outside 60-95 with probability < 1e-5.
    expect(counts["nano-b"]).toBeGreaterThanOrEqual(60);
    expect(counts["nano-b"]).toBeLessThanOrEqual(95);
  });
});
