// The fallback walk alone: fake deployments and a fake upstream call, one
// injected time for the walk's deadlines, latencies, backoff sleeps and the
// breakers, seeded jitter. No network and no real sleeps, so every
// assertion is on the attempts list and the final answer or error.
import { mulberry32 } from "../../src/core/random.js";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { deploymentSchema, type RetryConfig } from "../../src/config/index.js";
import { TierdError } from "../../src/core/errors.js";
import { AttemptOutcome, ErrorClass, Tier, type Attempt, type CompletionRequest, type RoutableTier } from "../../src/core/types.js";
import { ChainWalk, type UpstreamCall } from "../../src/provider/chain-walk.js";
import { createCooldownTracker, type CooldownTracker } from "../../src/provider/cooldown.js";
import type { Deployment } from "../../src/provider/deployment.js";
import type { SpendGuard } from "../../src/provider/spend-guard.js";
import type { UpstreamFailure } from "../../src/provider/upstream-error.js";

const RETRY: RetryConfig = { max_retries: 2, base_delay_ms: 100, max_delay_ms: 1_000, max_retry_after_ms: 3_000 };
const COOLDOWN = { failure_threshold: 3, window_ms: 10_000, cooldown_ms: 5_000 };
const LATENCY_MS = 40;
const ANSWER_COST = 100n;

interface FakeTime {
  now(): number;
  advance(ms: number): void;
}

function fakeTime(): FakeTime {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

// Never called: the fake call stands in for the upstream.
const client = new OpenAI({ apiKey: "sk-unused", baseURL: "http://127.0.0.1:9/v1" });

function deployment(name: string, over: { context_window?: number; capabilities?: string[] } = {}): Deployment {
  return { name, config: deploymentSchema.parse({ model: `test/${name}`, base_url: "http://127.0.0.1:9/v1", ...over }), client, weight: 1 };
}

const request = (params: Partial<CompletionRequest["params"]> = {}): CompletionRequest => ({
  requestId: "r-1",
  messages: [{ role: "user", content: "Is 7 a prime number?" }],
  endpoint: "",
  caller: { id: "", plan: "", metadata: {} },
  params: { stop: [], responseFormat: "text", ...params },
  cacheBypass: false,
});

/** What the fake upstream does on one call; no failure means it answers. */
interface Reply {
  failure?: UpstreamFailure;
  /** Content yielded before the answer or the failure (a stream). */
  deltas?: string[];
  latencyMs?: number;
  /** Runs while the call is in flight. */
  during?: () => void | Promise<void>;
  throws?: Error;
}

const fail = (errorClass: ErrorClass, httpStatus = 0, more: { retryAfterMs?: number; retryable?: false } = {}): Reply => ({
  failure: { errorClass, httpStatus, detail: `upstream said ${ErrorClass[errorClass]}`, ...more },
});

interface Setup {
  nano?: Deployment[];
  mid?: Deployment[];
  frontier?: Deployment[];
  /** Replies per deployment, in call order; past its script a deployment answers. */
  script?: Record<string, Reply[]>;
  time?: FakeTime;
  cooldown?: CooldownTracker;
  controller?: AbortController;
  deadlineInMs?: number;
  spend?: SpendGuard;
  request?: CompletionRequest;
  /** Runs as each backoff sleep starts. */
  onSleep?: (ms: number) => void;
}

function harness(setup: Setup) {
  const time = setup.time ?? fakeTime();
  const cooldown = setup.cooldown ?? createCooldownTracker({ config: COOLDOWN, clock: time.now });
  const controller = setup.controller ?? new AbortController();
  const tiers = new Map<RoutableTier, Deployment[]>();
  if (setup.nano) tiers.set(Tier.NANO, setup.nano);
  if (setup.mid) tiers.set(Tier.MID, setup.mid);
  if (setup.frontier) tiers.set(Tier.FRONTIER, setup.frontier);
  const script = new Map(Object.entries(setup.script ?? {}).map(([name, replies]) => [name, [...replies]]));
  /** Calls that reached the fake upstream: "name#retry", " probe" for a half-open probe. */
  const calls: string[] = [];
  const sleeps: number[] = [];
  const answered: string[] = [];
  /** Calls whose cleanup ran. */
  const closed: string[] = [];

  const walk = new ChainWalk({
    chain: [...tiers.keys()],
    deploymentsOf: (tier) => [...(tiers.get(tier) ?? [])],
    request: setup.request ?? request(),
    ctx: { signal: controller.signal, ...(setup.deadlineInMs === undefined ? {} : { deadlineAt: time.now() + setup.deadlineInMs }) },
    retry: RETRY,
    cooldown,
    random: mulberry32(42),
    now: time.now,
    clock: time.now,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      setup.onSleep?.(ms);
      if (signal.aborted) return false;
      time.advance(ms);
      return true;
    },
    ...(setup.spend === undefined ? {} : { spend: setup.spend }),
    onAnswer: (target, latencyMs) => void answered.push(`${target.deployment.name} ${latencyMs}`),
  });

  const call: UpstreamCall<string, string> = async function* ({ target, billIfAbandoned }) {
    const name = target.deployment.name;
    calls.push(`${name}#${target.retry}${target.probe ? " probe" : ""}`);
    const reply = script.get(name)?.shift() ?? {};
    try {
      await reply.during?.();
      if (reply.throws) throw reply.throws;
      time.advance(reply.latencyMs ?? LATENCY_MS);
      const deltas = reply.deltas ?? [];
      for (const [i, delta] of deltas.entries()) {
        billIfAbandoned(() => BigInt(i + 1));
        yield delta;
      }
      if (reply.failure === undefined) return { ok: true, value: `answer from ${name}`, costPicoUsd: ANSWER_COST };
      if (deltas.length === 0) return { ok: false, failure: reply.failure };
      const error = new TierdError("unavailable", `${name} broke off after ${deltas.length} deltas`, { attempts: walk.attempts });
      return { ok: false, failure: reply.failure, cut: { costPicoUsd: BigInt(deltas.length), error } };
    } finally {
      closed.push(name);
    }
  };

  return { walk, call, time, cooldown, controller, calls, sleeps, answered, closed, drive: (stopAfter?: number) => drive(walk, call, stopAfter) };
}

interface Ending {
  deltas: string[];
  value?: string;
  error?: TierdError;
}

/** Reads the walk like the provider's stream does; `stopAfter` deltas: the caller walks away. */
async function drive(walk: ChainWalk, call: UpstreamCall<string, string>, stopAfter?: number): Promise<Ending> {
  const steps = walk.run(call);
  const deltas: string[] = [];
  try {
    for (;;) {
      const step = await steps.next();
      if (step.done) return { deltas, value: step.value };
      deltas.push(step.value);
      if (deltas.length === stopAfter) {
        await steps.return("");
        return { deltas };
      }
    }
  } catch (err) {
    if (err instanceof TierdError) return { deltas, error: err };
    throw err;
  }
}

/** "deployment#retry OUTCOME CLASS". */
function hops(attempts: readonly Attempt[]): string[] {
  return attempts.map((a) => `${a.deployment}#${a.retry} ${AttemptOutcome[a.outcome]}${a.errorClass === ErrorClass.UNSPECIFIED ? "" : ` ${ErrorClass[a.errorClass]}`}`);
}

function fakeSpend(refuse: readonly string[] = []) {
  const reserved: string[] = [];
  const settled: [string, bigint][] = [];
  const guard: SpendGuard = {
    async reserve(target) {
      reserved.push(target.deployment);
      if (refuse.includes(target.deployment)) {
        const limit = { kind: "budget_day" as const, name: "daily", limit: 1_000n };
        return { kind: "refused", error: new TierdError("resource_exhausted", "budget daily is spent", { limit }) };
      }
      return { kind: "held", settle: async (cost) => void settled.push([target.deployment, cost]) };
    },
  };
  return { guard, reserved, settled };
}

const RETRYABLE: [string, Reply][] = [
  ["429 without Retry-After", fail(ErrorClass.RATE_LIMITED, 429)],
  ["503", fail(ErrorClass.SERVER_ERROR, 503)],
  ["connection", fail(ErrorClass.CONNECTION)],
  ["timeout", fail(ErrorClass.TIMEOUT)],
  ["truncated stream", fail(ErrorClass.TRUNCATED_STREAM, 200)],
  ["malformed answer", fail(ErrorClass.MALFORMED_RESPONSE, 200)],
];

describe("chain walk: retryable failures", () => {
  it.each(RETRYABLE)("%s: retries the same deployment with backoff, then moves to the next", async (_, reply) => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")], script: { "nano-1": [reply, reply, reply] } });
    const end = await h.drive();
    const cls = ErrorClass[reply.failure!.errorClass];
    expect(hops(h.walk.attempts)).toEqual([`nano-1#0 FAILURE ${cls}`, `nano-1#1 FAILURE ${cls}`, `nano-1#2 FAILURE ${cls}`, "nano-2#0 SUCCESS"]);
    expect(h.walk.attempts[2]!.detail).toMatch(/; moving on: retries exhausted \(2\)$/);
    expect(end).toEqual({ deltas: [], value: "answer from nano-2" });
    // Full jitter under a doubling ceiling, and each retry records the backoff slept before it.
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[0]).toBeLessThan(100);
    expect(h.sleeps[1]).toBeLessThan(200);
    expect(h.walk.attempts.map((a) => a.backoffMs)).toEqual([0, h.sleeps[0], h.sleeps[1], 0]);
    expect(h.walk.attempts.map((a) => a.latencyMs)).toEqual([40, 40, 40, 40]);
    // Three failures in the window opened nano-1's breaker.
    expect(h.cooldown.isClosed("nano-1")).toBe(false);
  });

  it("answers from the same deployment when a retry succeeds", async () => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")], script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 502)] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-1#1 SUCCESS"]);
    expect(end.value).toBe("answer from nano-1");
    expect(h.calls).toEqual(["nano-1#0", "nano-1#1"]);
    expect(h.answered).toEqual(["nano-1 40"]);
  });

  it("honours Retry-After instead of backoff", async () => {
    const h = harness({ nano: [deployment("nano-1")], script: { "nano-1": [fail(ErrorClass.RATE_LIMITED, 429, { retryAfterMs: 1_200 })] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE RATE_LIMITED", "nano-1#1 SUCCESS"]);
    expect(h.sleeps).toEqual([1_200]);
    expect(h.walk.attempts[1]!.backoffMs).toBe(1_200);
    expect(end.value).toBe("answer from nano-1");
  });

  it("moves on at once when Retry-After is too long, keeps the deployment out that long, and tells the caller when to come back", async () => {
    const h = harness({ nano: [deployment("nano-1")], script: { "nano-1": [fail(ErrorClass.RATE_LIMITED, 429, { retryAfterMs: 4_000 })] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE RATE_LIMITED"]);
    expect(h.walk.attempts[0]!.detail).toMatch(/moving on: Retry-After 4000 ms exceeds max_retry_after_ms 3000$/);
    expect(h.sleeps).toEqual([]);
    expect(h.cooldown.openForMs("nano-1")).toBe(4_000);
    expect(end.error?.code).toBe("resource_exhausted");
    expect(end.error?.retryAfterSeconds).toBe(4);
    expect(end.error?.message).toMatch(/every deployment in the fallback chain is rate limited \(nano-1: RATE_LIMITED\)/);
  });

  it("moves on when Retry-After outlasts what the deadline leaves", async () => {
    const h = harness({
      nano: [deployment("nano-1"), deployment("nano-2")],
      deadlineInMs: 500,
      script: { "nano-1": [fail(ErrorClass.RATE_LIMITED, 429, { retryAfterMs: 1_200 })] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE RATE_LIMITED", "nano-2#0 SUCCESS"]);
    expect(h.walk.attempts[0]!.detail).toMatch(/exceeds what the deadline leaves \(460 ms\)$/);
    expect(end.value).toBe("answer from nano-2");
  });

  it("does not retry a 5xx that will not heal (505) or a failure marked not retryable (slow first token)", async () => {
    const h = harness({
      nano: [deployment("nano-1"), deployment("nano-2"), deployment("nano-3")],
      script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 505)], "nano-2": [fail(ErrorClass.TIMEOUT, 0, { retryable: false })] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-2#0 FAILURE TIMEOUT", "nano-3#0 SUCCESS"]);
    expect(h.sleeps).toEqual([]);
    expect(end.value).toBe("answer from nano-3");
  });

  it("stops retrying a deployment whose breaker the failure opened", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: { ...COOLDOWN, failure_threshold: 2 }, clock: time.now });
    const h = harness({
      time,
      cooldown,
      nano: [deployment("nano-1"), deployment("nano-2")],
      script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 500), fail(ErrorClass.SERVER_ERROR, 500)] },
    });
    await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-1#1 FAILURE SERVER_ERROR", "nano-2#0 SUCCESS"]);
    expect(h.walk.attempts[1]!.detail).toMatch(/; moving on: deployment entered cooldown$/);
  });

  it.each([
    [ErrorClass.RATE_LIMITED, 429, "resource_exhausted"],
    [ErrorClass.TIMEOUT, 0, "deadline_exceeded"],
    [ErrorClass.SERVER_ERROR, 503, "unavailable"],
    [ErrorClass.CONNECTION, 0, "unavailable"],
  ] as const)("ends on %s everywhere with its own code", async (errorClass, status, code) => {
    const reply = fail(errorClass, status);
    const h = harness({ nano: [deployment("nano-1")], mid: [deployment("mid-1")], script: { "nano-1": [reply, reply, reply], "mid-1": [reply, reply, reply] } });
    const end = await h.drive();
    expect(h.calls).toEqual(["nano-1#0", "nano-1#1", "nano-1#2", "mid-1#0", "mid-1#1", "mid-1#2"]);
    expect(end.error?.code).toBe(code);
    expect(end.error?.message).toContain(`(nano-1: ${ErrorClass[errorClass]} x3; mid-1: ${ErrorClass[errorClass]} x3)`);
    expect(end.error?.attempts).toBe(h.walk.attempts);
  });
});

describe("chain walk: failures that change the route", () => {
  it("skips to a larger context window after a context-length error, without counting it against the deployment", async () => {
    const h = harness({
      nano: [deployment("nano-1", { context_window: 8_000 }), deployment("nano-2", { context_window: 8_000 })],
      mid: [deployment("mid-1", { context_window: 32_000 })],
      script: { "nano-1": [fail(ErrorClass.CONTEXT_LENGTH, 400)] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE CONTEXT_LENGTH", "nano-2#0 SKIPPED UNSUITABLE", "mid-1#0 SUCCESS"]);
    expect(h.walk.attempts[1]!.detail).toBe("context window 8000 already exceeded upstream for this request");
    expect(h.calls).toEqual(["nano-1#0", "mid-1#0"]);
    expect(h.cooldown.isClosed("nano-1")).toBe(true);
    expect(end.value).toBe("answer from mid-1");
  });

  it("fails with invalid_argument on messages when no window is larger", async () => {
    const h = harness({
      nano: [deployment("nano-1", { context_window: 8_000 })],
      mid: [deployment("mid-1", { context_window: 8_000 })],
      script: { "nano-1": [fail(ErrorClass.CONTEXT_LENGTH, 400)] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE CONTEXT_LENGTH", "mid-1#0 SKIPPED UNSUITABLE"]);
    expect(end.error?.code).toBe("invalid_argument");
    expect(end.error?.field).toBe("messages");
    expect(end.error?.message).toMatch(/exceeds the context window of every deployment/);
  });

  it("fails with invalid_argument on the response format when no deployment can serve JSON mode", async () => {
    const h = harness({ nano: [deployment("nano-1", { capabilities: [] })], request: request({ responseFormat: "json_object" }) });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 SKIPPED UNSUITABLE"]);
    expect(h.calls).toEqual([]);
    expect(end.error?.code).toBe("invalid_argument");
    expect(end.error?.field).toBe("params.response_format");
  });

  it("on upstream 404 cools the deployment down and tries the next one in the same tier, never a pricier one", async () => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")], mid: [deployment("mid-1")], script: { "nano-1": [fail(ErrorClass.NOT_FOUND, 404)] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE NOT_FOUND", "nano-2#0 SUCCESS"]);
    expect(end.value).toBe("answer from nano-2");
    expect(h.cooldown.isClosed("nano-1")).toBe(false);
    // Every nano deployment unknown: NOT_FOUND naming them, and mid is not called.
    const all = harness({
      nano: [deployment("nano-1"), deployment("nano-2")],
      mid: [deployment("mid-1")],
      script: { "nano-1": [fail(ErrorClass.NOT_FOUND, 404)], "nano-2": [fail(ErrorClass.NOT_FOUND, 404)] },
    });
    const failed = await all.drive();
    expect(all.calls).toEqual(["nano-1#0", "nano-2#0"]);
    expect(failed.error?.code).toBe("not_found");
    expect(failed.error?.message).toMatch(/^upstream of deployment nano-1 does not know the model or route .*; upstream of deployment nano-2 does not know/);
  });

  it("on upstream 401/403 cools the deployment down and tries the next one in the same tier", async () => {
    const h = harness({
      nano: [deployment("nano-1"), deployment("nano-2")],
      mid: [deployment("mid-1")],
      script: { "nano-1": [fail(ErrorClass.UPSTREAM_AUTH, 401)] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE UPSTREAM_AUTH", "nano-2#0 SUCCESS"]);
    expect(h.sleeps).toEqual([]);
    expect(h.cooldown.admit("nano-1")).toEqual({ allowed: false, reason: ErrorClass.UPSTREAM_AUTH, remainingMs: 5_000 - LATENCY_MS });
    expect(end.value).toBe("answer from nano-2");
  });

  it("never escalates to a pricier tier when a tier fails only on its credentials, now or from an earlier request", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    const first = harness({
      time,
      cooldown,
      nano: [deployment("nano-1"), deployment("nano-2")],
      mid: [deployment("mid-1")],
      script: { "nano-1": [fail(ErrorClass.UPSTREAM_AUTH, 401)], "nano-2": [fail(ErrorClass.UPSTREAM_AUTH, 403)] },
    });
    const end = await first.drive();
    expect(hops(first.walk.attempts)).toEqual(["nano-1#0 FAILURE UPSTREAM_AUTH", "nano-2#0 FAILURE UPSTREAM_AUTH"]);
    expect(first.calls).toEqual(["nano-1#0", "nano-2#0"]);
    expect(end.error?.code).toBe("unavailable");
    expect(end.error?.message).toMatch(/^upstream refused the credentials configured for deployment nano-1, nano-2; fix its api_key/);

    const second = harness({ time, cooldown, nano: [deployment("nano-1")], mid: [deployment("mid-1")] });
    const again = await second.drive();
    expect(hops(second.walk.attempts)).toEqual(["nano-1#0 SKIPPED COOLDOWN"]);
    expect(second.calls).toEqual([]);
    expect(again.error?.message).toMatch(/^upstream refused the credentials configured for deployment nano-1;/);
  });

  it("moves to the next tier when a tier's deployments failed, and skips a deployment that already failed in this request", async () => {
    const h = harness({
      nano: [deployment("nano-1")],
      mid: [deployment("nano-1"), deployment("mid-1")],
      script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 505)] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-1#0 SKIPPED SERVER_ERROR", "mid-1#0 SUCCESS"]);
    expect(h.walk.attempts[1]!.detail).toBe("already failed earlier in this request");
    expect(h.walk.attempts[2]!.tier).toBe(Tier.MID);
    expect(end.value).toBe("answer from mid-1");
  });

  it("succeeds after falling back to the next tier", async () => {
    const reply = fail(ErrorClass.SERVER_ERROR, 503);
    const h = harness({ nano: [deployment("nano-1")], mid: [deployment("mid-1")], frontier: [deployment("frontier-1")], script: { "nano-1": [reply, reply, reply] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-1#1 FAILURE SERVER_ERROR", "nano-1#2 FAILURE SERVER_ERROR", "mid-1#0 SUCCESS"]);
    expect(h.walk.attempts.map((a) => a.tier)).toEqual([Tier.NANO, Tier.NANO, Tier.NANO, Tier.MID]);
    expect(h.calls).toEqual(["nano-1#0", "nano-1#1", "nano-1#2", "mid-1#0"]);
    expect(h.answered).toEqual(["mid-1 40"]);
    expect(end.value).toBe("answer from mid-1");
  });
});

describe("chain walk: failures that stop the walk", () => {
  it.each([
    [ErrorClass.BAD_REQUEST, 400, "invalid_argument", /^upstream rejected the request: /],
    [ErrorClass.DEADLINE, 0, "deadline_exceeded", /^deadline exceeded while waiting for the upstream$/],
    [ErrorClass.CANCELED, 0, "canceled", /^the caller cancelled the request$/],
  ] as const)("%s stops at once, with no verdict on the deployment", async (errorClass, status, code, message) => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")], mid: [deployment("mid-1")], script: { "nano-1": [fail(errorClass, status)] } });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual([`nano-1#0 FAILURE ${ErrorClass[errorClass]}`]);
    expect(h.calls).toEqual(["nano-1#0"]);
    expect(h.sleeps).toEqual([]);
    expect(end.error?.code).toBe(code);
    expect(end.error?.message).toMatch(message);
    expect(end.error?.attempts).toBe(h.walk.attempts);
    expect(h.cooldown.isClosed("nano-1")).toBe(true);
  });

  it("stops without a call when the deadline has passed", async () => {
    const h = harness({ nano: [deployment("nano-1")], deadlineInMs: 0 });
    const end = await h.drive();
    expect(h.calls).toEqual([]);
    expect(h.walk.attempts).toEqual([]);
    expect(end.error?.code).toBe("deadline_exceeded");
    expect(end.error?.message).toBe("deadline exceeded before an upstream answered");
  });

  it("stops when the deadline passes during a call", async () => {
    const h = harness({
      nano: [deployment("nano-1"), deployment("nano-2")],
      deadlineInMs: 100,
      script: { "nano-1": [{ ...fail(ErrorClass.DEADLINE), latencyMs: 100 }] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE DEADLINE"]);
    expect(h.walk.attempts[0]!.latencyMs).toBe(100);
    expect(end.error?.code).toBe("deadline_exceeded");
  });

  it("stops when the caller cancels during a call", async () => {
    const controller = new AbortController();
    const h = harness({
      controller,
      nano: [deployment("nano-1"), deployment("nano-2")],
      script: { "nano-1": [{ ...fail(ErrorClass.CANCELED), during: () => controller.abort() }] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE CANCELED"]);
    expect(h.calls).toEqual(["nano-1#0"]);
    expect(end.error?.code).toBe("canceled");
  });

  it("stops when the caller cancels during a backoff", async () => {
    const controller = new AbortController();
    const h = harness({
      controller,
      nano: [deployment("nano-1"), deployment("nano-2")],
      script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 503)] },
      onSleep: () => controller.abort(),
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR"]);
    expect(h.calls).toEqual(["nano-1#0"]);
    expect(end.error?.code).toBe("canceled");
    expect(end.error?.message).toBe("the caller cancelled the request");
  });

  it("fails with unavailable when no deployment is configured", async () => {
    const h = harness({});
    const end = await h.drive();
    expect(end.error?.code).toBe("unavailable");
    expect(end.error?.message).toBe("no deployment is configured for this tier");
  });
});

describe("chain walk: streams", () => {
  it("falls back before the first token, then yields the answering call's content and returns its answer", async () => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")], script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 505)], "nano-2": [{ deltas: ["Yes", ", 7 is prime."] }] } });
    const end = await h.drive();
    expect(end).toEqual({ deltas: ["Yes", ", 7 is prime."], value: "answer from nano-2" });
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-2#0 SUCCESS"]);
    expect(h.answered).toEqual(["nano-2 40"]);
  });

  it("does not retry or fall back once content reached the caller: the failure is final and billed", async () => {
    const spend = fakeSpend();
    const h = harness({
      spend: spend.guard,
      nano: [deployment("nano-1"), deployment("nano-2")],
      mid: [deployment("mid-1")],
      script: { "nano-1": [{ ...fail(ErrorClass.TRUNCATED_STREAM, 200), deltas: ["Seven", " is"] }] },
    });
    const end = await h.drive();
    expect(end.deltas).toEqual(["Seven", " is"]);
    expect(end.error?.message).toBe("nano-1 broke off after 2 deltas");
    expect(end.error?.attempts).toBe(h.walk.attempts);
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE TRUNCATED_STREAM"]);
    expect(h.calls).toEqual(["nano-1#0"]);
    expect(h.sleeps).toEqual([]);
    // Healthy at its first token; the break still counts against it.
    expect(h.answered).toEqual(["nano-1 40"]);
    expect(spend.settled).toEqual([["nano-1", 2n]]);
  });

  it("bills what was delivered and lets the call clean up when the caller stops reading", async () => {
    const spend = fakeSpend();
    const h = harness({ spend: spend.guard, nano: [deployment("nano-1")], script: { "nano-1": [{ deltas: ["a", "b", "c"] }] } });
    const end = await h.drive(1);
    expect(end.deltas).toEqual(["a"]);
    expect(h.closed).toEqual(["nano-1"]);
    expect(spend.settled).toEqual([["nano-1", 1n]]);
    expect(h.walk.attempts).toEqual([]);
  });

  it("serves unary calls, which yield nothing before their answer, through the same walk", async () => {
    const h = harness({ nano: [deployment("nano-1"), deployment("nano-2")] });
    const unary: UpstreamCall<never, string> = async function* ({ target }) {
      if (target.deployment.name === "nano-1") return { ok: false, failure: { errorClass: ErrorClass.SERVER_ERROR, httpStatus: 505, detail: "HTTP 505" } };
      return { ok: true, value: "whole answer", costPicoUsd: 1n };
    };
    await expect(h.walk.complete(unary)).resolves.toBe("whole answer");
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-2#0 SUCCESS"]);
  });

  it("runs once", async () => {
    const h = harness({ nano: [deployment("nano-1")] });
    expect((await h.drive()).value).toBe("answer from nano-1");
    expect((await h.drive()).error?.code).toBe("internal");
    expect(h.calls).toEqual(["nano-1#0"]);
  });
});

describe("chain walk: cooldown and probes", () => {
  it("skips a deployment in cooldown without a call, then sends exactly one probe when the cooldown is over", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    cooldown.trip("nano-1", ErrorClass.SERVER_ERROR);
    const tier = () => [deployment("nano-1"), deployment("nano-2")];

    const cooling = harness({ time, cooldown, nano: tier() });
    await cooling.drive();
    expect(hops(cooling.walk.attempts)).toEqual(["nano-1#0 SKIPPED COOLDOWN", "nano-2#0 SUCCESS"]);
    expect(cooling.walk.attempts[0]!.detail).toBe("in cooldown after SERVER_ERROR for another 5000 ms");
    expect(cooling.calls).toEqual(["nano-2#0"]);

    time.advance(5_000);
    const meanwhile = harness({ time, cooldown, nano: tier() });
    const probing = harness({ time, cooldown, nano: tier(), script: { "nano-1": [{ during: async () => void (await meanwhile.drive()) }] } });
    const end = await probing.drive();
    expect(probing.calls).toEqual(["nano-1#0 probe"]);
    expect(end.value).toBe("answer from nano-1");
    // While the probe was in flight, another request skipped the deployment.
    expect(hops(meanwhile.walk.attempts)).toEqual(["nano-1#0 SKIPPED COOLDOWN", "nano-2#0 SUCCESS"]);
    expect(meanwhile.walk.attempts[0]!.detail).toBe("half-open after SERVER_ERROR: a probe request is in flight");
    expect(cooldown.isClosed("nano-1")).toBe(true);
  });

  it("reopens the breaker for a full cooldown when the probe fails, and moves on without retrying", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    cooldown.trip("nano-1", ErrorClass.SERVER_ERROR);
    time.advance(5_000);
    const h = harness({ time, cooldown, nano: [deployment("nano-1"), deployment("nano-2")], script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 503)] } });
    const end = await h.drive();
    expect(h.calls).toEqual(["nano-1#0 probe", "nano-2#0"]);
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-2#0 SUCCESS"]);
    expect(h.walk.attempts[0]!.detail).toMatch(/; moving on: deployment entered cooldown$/);
    expect(end.value).toBe("answer from nano-2");
    expect(cooldown.admit("nano-1")).toMatchObject({ allowed: false, reason: ErrorClass.SERVER_ERROR });
    // Reopened when the probe failed; nano-2's call took LATENCY_MS since.
    expect(cooldown.openForMs("nano-1")).toBe(5_000 - LATENCY_MS);
  });

  it("gives the probe slot back when the probe call throws", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    cooldown.trip("nano-1", ErrorClass.CONNECTION);
    time.advance(5_000);
    const h = harness({ time, cooldown, nano: [deployment("nano-1")], script: { "nano-1": [{ throws: new Error("bug in the call") }] } });
    await expect(h.drive()).rejects.toThrow("bug in the call");
    expect(h.walk.attempts).toEqual([]);
    expect(cooldown.admit("nano-1")).toEqual({ allowed: true, probe: true });
  });

  it("sends a retry through the breaker: one another request opened during the backoff is skipped", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    const h = harness({
      time,
      cooldown,
      nano: [deployment("nano-1"), deployment("nano-2")],
      script: { "nano-1": [fail(ErrorClass.SERVER_ERROR, 503)] },
      onSleep: () => cooldown.trip("nano-1", ErrorClass.RATE_LIMITED),
    });
    const end = await h.drive();
    expect(h.calls).toEqual(["nano-1#0", "nano-2#0"]);
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE SERVER_ERROR", "nano-1#0 SKIPPED COOLDOWN", "nano-2#0 SUCCESS"]);
    expect(h.walk.attempts[1]!.detail).toMatch(/^in cooldown after RATE_LIMITED for another \d+ ms$/);
    expect(end.value).toBe("answer from nano-2");
  });

  it("makes a retry the half-open probe when the breaker's cooldown ended during the backoff", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    const h = harness({
      time,
      cooldown,
      nano: [deployment("nano-1")],
      script: { "nano-1": [fail(ErrorClass.RATE_LIMITED, 429, { retryAfterMs: 1_200 })] },
      onSleep: () => cooldown.trip("nano-1", ErrorClass.RATE_LIMITED, 1_000),
    });
    const end = await h.drive();
    expect(h.calls).toEqual(["nano-1#0", "nano-1#1 probe"]);
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 FAILURE RATE_LIMITED", "nano-1#1 SUCCESS"]);
    expect(end.value).toBe("answer from nano-1");
    expect(cooldown.isClosed("nano-1")).toBe(true);
  });
});

describe("chain walk: spend guard", () => {
  it("holds every call, retries included, skips a deployment the budget cannot cover, and settles each hold once", async () => {
    const spend = fakeSpend(["nano-1"]);
    const h = harness({
      spend: spend.guard,
      nano: [deployment("nano-1"), deployment("nano-2"), deployment("nano-3")],
      script: { "nano-2": [fail(ErrorClass.SERVER_ERROR, 500), fail(ErrorClass.SERVER_ERROR, 505)] },
    });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 SKIPPED BUDGET", "nano-2#0 FAILURE SERVER_ERROR", "nano-2#1 FAILURE SERVER_ERROR", "nano-3#0 SUCCESS"]);
    expect(h.walk.attempts[0]!.detail).toBe("budget daily cannot cover its worst case");
    expect(h.calls).toEqual(["nano-2#0", "nano-2#1", "nano-3#0"]);
    expect(spend.reserved).toEqual(["nano-1", "nano-2", "nano-2", "nano-3"]);
    expect(spend.settled).toEqual([
      ["nano-2", 0n],
      ["nano-2", 0n],
      ["nano-3", ANSWER_COST],
    ]);
    expect(end.value).toBe("answer from nano-3");
  });

  it("ends with the budget's refusal when no deployment is affordable", async () => {
    const spend = fakeSpend(["nano-1", "mid-1"]);
    const h = harness({ spend: spend.guard, nano: [deployment("nano-1")], mid: [deployment("mid-1")] });
    const end = await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 SKIPPED BUDGET", "mid-1#0 SKIPPED BUDGET"]);
    expect(h.calls).toEqual([]);
    expect(end.error?.code).toBe("resource_exhausted");
    expect(end.error?.limit?.name).toBe("daily");
    expect(end.error?.message).toMatch(/^budget daily is spent \(nano-1: BUDGET/);
  });

  it("gives a probe slot back when the budget refuses the probe", async () => {
    const time = fakeTime();
    const cooldown = createCooldownTracker({ config: COOLDOWN, clock: time.now });
    cooldown.trip("nano-1", ErrorClass.SERVER_ERROR);
    time.advance(5_000);
    const spend = fakeSpend(["nano-1"]);
    const h = harness({ time, cooldown, spend: spend.guard, nano: [deployment("nano-1"), deployment("nano-2")] });
    await h.drive();
    expect(hops(h.walk.attempts)).toEqual(["nano-1#0 SKIPPED BUDGET", "nano-2#0 SUCCESS"]);
    expect(cooldown.admit("nano-1")).toEqual({ allowed: true, probe: true });
  });
});
