// The log an operator reads: one access line per request with who, which
// tiers, where, how it ended, how long and what it cost (never the prompt or
// a key); warnings for budget refusals; the breaker's half-open probe; and
// both line formats.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { createLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { baseConfigYaml } from "../helpers/tierd.js";

type Line = Record<string, unknown>;

const PROMPT = "Access-log prompt that must never be logged: the launch code is 0000";
const svc = testKey("tierd_test_access_svc_7f6e5d4c3b2a1908", "search-svc", { budgets: ["daily"] });
const broke = testKey("tierd_test_access_broke_0918a2b3c4d5e6f7", "broke-svc", { budgets: ["none-left"] });
// A price that makes one frontier call cost more than broke-svc's budget.
const prices = "pricing:\n  anthropic/claude-opus-4-7: { input: 15, output: 75 }\n";

async function started(yaml: string, lines: Line[]): Promise<Tierd> {
  const logger = createLogger({ level: "info", write: (line) => lines.push(JSON.parse(line) as Line) });
  return startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger });
}

describe("access log", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const lines: Line[] = [];
  const accessLines = () => lines.filter((l) => l.msg === "request");
  const lineOf = (requestId: string) => accessLines().find((l) => l.request_id === requestId);

  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const yaml = authConfigYaml(fake.url, [svc, broke], {
      budgets: { daily: { usd_per_day: 5 }, "none-left": { usd_per_day: 0.000001 } },
      retry: { max_retries: 0 },
    });
    tierd = await started(yaml + prices, lines);
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("writes one info line per Route with the request's facts", async () => {
    const client = clientsFor(RouterService, tierd.url, svc.key).grpc;
    const res = await client.route({ messages: [{ role: Role.USER, content: PROMPT }], tierOverride: Tier.NANO, endpoint: "/api/search", requestId: "acc-1", params: { temperature: 0 } });
    const line = lineOf("acc-1");
    expect(line).toEqual({
      time: expect.any(String),
      level: "info",
      msg: "request",
      request_id: "acc-1",
      kind: "route",
      caller: "search-svc",
      endpoint: "/api/search",
      tier: "nano",
      decided_by: "override",
      served_tier: "nano",
      deployment: "nano-1",
      attempts: 1,
      status: "ok",
      latency_ms: expect.any(Number),
      input_tokens: res.usage!.inputTokens,
      output_tokens: res.usage!.outputTokens,
      cost_usd: res.costUsd,
      cache_hit: false,
    });
    expect(accessLines().filter((l) => l.request_id === "acc-1")).toHaveLength(1);
    expect(line!.latency_ms as number).toBeGreaterThan(0);
  });

  it("says when the cache answered, and what a fallback cost in attempts", async () => {
    const client = clientsFor(RouterService, tierd.url, svc.key).grpc;
    await client.route({ messages: [{ role: Role.USER, content: PROMPT }], tierOverride: Tier.NANO, endpoint: "/api/search", requestId: "acc-2", params: { temperature: 0 } });
    expect(lineOf("acc-2")).toMatchObject({ cache_hit: true, cost_usd: 0, status: "ok" });
    fake.inject({ model: "openai/gpt-4o-mini", times: 1, fault: { status: 503 } });
    await client.route({ messages: [{ role: Role.USER, content: "fall back, please" }], tierOverride: Tier.NANO, requestId: "acc-3" });
    expect(lineOf("acc-3")).toMatchObject({ tier: "nano", served_tier: "mid", deployment: "mid-1", attempts: 2, status: "ok" });
  });

  it("logs streams with their time to first token, and Classify without a bill", async () => {
    const client = clientsFor(RouterService, tierd.url, svc.key).connect;
    for await (const _ of client.streamCompletion({ messages: [{ role: Role.USER, content: PROMPT }], tierOverride: Tier.MID, requestId: "acc-4" })) void _;
    await expect.poll(() => lineOf("acc-4")).toMatchObject({ kind: "stream", served_tier: "mid", ttft_ms: expect.any(Number), status: "ok" });
    await client.classify({ messages: [{ role: Role.USER, content: PROMPT }], requestId: "acc-5" });
    const classify = lineOf("acc-5")!;
    expect(classify).toMatchObject({ kind: "classify", caller: "search-svc", attempts: 0, status: "ok", tier: expect.any(String) });
    expect(classify).not.toHaveProperty("cost_usd");
    expect(classify).not.toHaveProperty("served_tier");
  });

  it("logs a refused request with its code, and warns once a minute per budget and caller", async () => {
    const client = clientsFor(RouterService, tierd.url, broke.key).grpc;
    for (const requestId of ["acc-6", "acc-7", "acc-8"]) {
      const err = await client.route({ messages: [{ role: Role.USER, content: PROMPT }], tierOverride: Tier.FRONTIER, requestId }).catch((e: unknown) => ConnectError.from(e));
      expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    }
    expect(lineOf("acc-6")).toMatchObject({ caller: "broke-svc", tier: "frontier", attempts: 0, status: "resource_exhausted" });
    expect(lineOf("acc-6")).not.toHaveProperty("served_tier");
    const warnings = lines.filter((l) => l.msg === "budget refused a request");
    expect(warnings).toEqual([expect.objectContaining({ level: "warn", budget: "none-left", caller: "broke-svc", window: expect.stringMatching(/^day \d{4}-\d{2}-\d{2}$/) })]);
  });

  it("never holds the prompt, the answer, a caller's key or an upstream key", () => {
    const all = JSON.stringify(lines);
    for (const secret of [PROMPT, "launch code", svc.key, broke.key, "test-key-nano", "test-key-mid", "test-key-frontier"]) expect(all).not.toContain(secret);
  });
});

describe("operator log lines", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("writes no access line with log.access: false", async () => {
    const lines: Line[] = [];
    const tierd = await started(baseConfigYaml(fake.url).replace("level: silent", "level: info\n  access: false"), lines);
    try {
      await clientsFor(RouterService, tierd.url).grpc.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.NANO });
    } finally {
      await tierd.close(500);
    }
    expect(lines.filter((l) => l.msg === "request")).toEqual([]);
    expect(lines.some((l) => l.msg === "tierd listening")).toBe(true);
  });

  it("says when a breaker goes half-open and lets its probe through, then closes", async () => {
    const lines: Line[] = [];
    const yaml = baseConfigYaml(fake.url).replace("level: silent", "level: info") + "retry:\n  max_retries: 0\ncooldown:\n  failure_threshold: 1\n  cooldown_ms: 50\n";
    const tierd = await started(yaml, lines);
    try {
      const client = clientsFor(RouterService, tierd.url).grpc;
      fake.inject({ model: "openai/gpt-4o-mini", times: 1, fault: { status: 503 } });
      await client.route({ messages: [{ role: Role.USER, content: "one" }], tierOverride: Tier.NANO });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect((await client.route({ messages: [{ role: Role.USER, content: "two" }], tierOverride: Tier.NANO })).deployment).toBe("nano-1");
    } finally {
      await tierd.close(500);
    }
    const breaker = lines.filter((l) => String(l.msg).startsWith("deployment breaker")).map((l) => [String(l.msg).split(":")[0], l.deployment]);
    expect(breaker).toEqual([
      ["deployment breaker opened", "nano-1"],
      ["deployment breaker half-open", "nano-1"],
      ["deployment breaker closed", "nano-1"],
    ]);
  });
});

describe("log formats", () => {
  const written = (format: "json" | "logfmt", fields: Record<string, unknown>) => {
    const out: string[] = [];
    createLogger({ level: "info", format, write: (line) => out.push(line) }).info("request", fields);
    return out[0]!;
  };

  it("writes logfmt: bare simple values, JSON-quoted ones with spaces, quotes, = or newlines", () => {
    const line = written("logfmt", { request_id: "r-1", caller: "", endpoint: "/api/a b", note: 'say "hi"\nbye', eq: "a=b", n: 3, ok: true, big: 12n, none: null, gone: undefined, obj: { a: 1 } });
    expect(line).toMatch(/^time=\d{4}-\d{2}-\d{2}T\S+Z level=info msg=request /);
    expect(line.slice(line.indexOf("request_id"))).toBe('request_id=r-1 caller="" endpoint="/api/a b" note="say \\"hi\\"\\nbye" eq="a=b" n=3 ok=true big=12 none=null obj="{\\"a\\":1}"');
    expect(line).not.toContain("\n");
  });

  it("writes JSON by default, bigints as strings", () => {
    expect(JSON.parse(written("json", { cost: 5n, caller: "a b" }))).toMatchObject({ level: "info", msg: "request", cost: "5", caller: "a b" });
  });

  it("takes log.format from the config", async () => {
    const fake = await startFakeUpstream({ record: false });
    const { parseConfig } = await import("../../src/config/index.js");
    try {
      expect(parseConfig(baseConfigYaml(fake.url).replace("level: silent", "level: info\n  format: logfmt"), "t.yaml", {}).log).toEqual({ level: "info", format: "logfmt", access: true });
      expect(() => parseConfig(baseConfigYaml(fake.url).replace("level: silent", "level: info\n  format: xml"), "t.yaml", {})).toThrow(/log\.format/);
    } finally {
      await fake.close();
    }
  });
});
