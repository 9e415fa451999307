// GET /metrics on the server port: the series tierd records, with tier and
// deployment labels and the right counts, breaker states and what callers'
// budgets have left; behind an admin key when auth is on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { baseConfigYaml } from "../helpers/tierd.js";
import { parseExposition, samplesOf, valueOf, type Sample } from "../telemetry/exposition.js";

const PROMPT = "Metrics-test prompt: list three colours";
const svc = testKey("tierd_test_metrics_svc_4b3a2918f7e6d5c4", "search-svc", { budgets: ["daily"] });
const admin = testKey("tierd_test_metrics_admin_9a8b7c6d5e4f3a2b", "ops", { admin: true });

async function scrape(url: string, key?: string): Promise<Response> {
  return fetch(`${url}/metrics`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
}

describe("GET /metrics with auth on", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const costs: number[] = [];
  let samples: Sample[];
  let text: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    // One failure opens nano-1's breaker for a minute; no retries: the
    // failure is exactly one fallback hop to mid-1.
    const yaml = authConfigYaml(fake.url, [svc, admin], {
      budgets: { daily: { usd_per_day: 5 } },
      retry: { max_retries: 0 },
      cooldown: { failure_threshold: 1, cooldown_ms: 60_000 },
    });
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    const client = clientsFor(RouterService, tierd.url, svc.key).grpc;
    const ask = { messages: [{ role: Role.USER, content: PROMPT }], tierOverride: Tier.NANO, endpoint: "/api/search" };
    for (let i = 0; i < 3; i++) costs.push((await client.route({ ...ask, requestId: `m-${i}` })).costUsd);
    fake.inject({ model: "openai/gpt-4o-mini", times: 1, fault: { status: 503 } });
    const fallback = await client.route({ ...ask, requestId: "m-fallback" });
    expect(fallback.deployment).toBe("mid-1");
    costs.push(fallback.costUsd);
    const res = await scrape(tierd.url, admin.key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    text = await res.text();
    samples = parseExposition(text);
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("counts requests by kind, tier, deployment and status", () => {
    expect(valueOf(samples, "tierd_requests_total", { tierd_request_kind: "route", tierd_tier: "nano", tierd_deployment: "nano-1", tierd_status: "ok" })).toBe(3);
    // The served tier labels a fallback's request.
    expect(valueOf(samples, "tierd_requests_total", { tierd_request_kind: "route", tierd_tier: "mid", tierd_deployment: "mid-1", tierd_status: "ok" })).toBe(1);
    expect(valueOf(samples, "tierd_request_duration_count", { tierd_tier: "nano", tierd_deployment: "nano-1", tierd_status: "ok" })).toBe(3);
    const total = samplesOf(samples, "tierd_cost_total").reduce((sum, s) => sum + s.value, 0);
    expect(total).toBeCloseTo(costs.reduce((a, b) => a + b, 0), 12);
  });

  it("counts attempts, fallbacks and upstream durations per deployment", () => {
    expect(valueOf(samples, "tierd_upstream_attempts_total", { tierd_deployment: "nano-1", tierd_attempt_outcome: "success" })).toBe(3);
    expect(valueOf(samples, "tierd_upstream_attempts_total", { tierd_deployment: "nano-1", tierd_attempt_outcome: "failure", error_type: "server_error" })).toBe(1);
    expect(valueOf(samples, "tierd_upstream_attempts_total", { tierd_deployment: "mid-1", tierd_tier: "mid", tierd_attempt_outcome: "success" })).toBe(1);
    expect(valueOf(samples, "tierd_fallbacks_total", { tierd_tier: "nano", tierd_served_tier: "mid", tierd_deployment: "mid-1" })).toBe(1);
    expect(valueOf(samples, "gen_ai_client_operation_duration_count", { tierd_deployment: "nano-1", tierd_tier: "nano", gen_ai_response_model: "openai/gpt-4o-mini" })).toBe(3);
    expect(valueOf(samples, "gen_ai_client_operation_duration_count", { tierd_deployment: "nano-1", error_type: "server_error" })).toBe(1);
    expect(valueOf(samples, "gen_ai_client_token_usage_count", { tierd_deployment: "mid-1", gen_ai_token_type: "output" })).toBe(1);
    // Histograms come with their buckets.
    expect(samplesOf(samples, "tierd_request_duration_bucket", { tierd_deployment: "nano-1", le: "+Inf" }).map((s) => s.value)).toEqual([3]);
  });

  it("shows each deployment's breaker state", () => {
    expect(valueOf(samples, "tierd_deployment_breaker", { tierd_deployment: "nano-1", tierd_breaker_state: "open" })).toBe(1);
    expect(valueOf(samples, "tierd_deployment_breaker", { tierd_deployment: "nano-1", tierd_breaker_state: "closed" })).toBe(0);
    expect(valueOf(samples, "tierd_deployment_breaker", { tierd_deployment: "mid-1", tierd_breaker_state: "closed" })).toBe(1);
    expect(samplesOf(samples, "tierd_deployment_breaker", { tierd_breaker_state: "half_open" }).map((s) => s.value)).toEqual([0, 0, 0]);
  });

  it("shows what each configured caller's budget has left, and only configured callers", () => {
    const spent = costs.reduce((a, b) => a + b, 0);
    expect(valueOf(samples, "tierd_budget_limit", { tierd_caller: "search-svc", tierd_budget: "daily", tierd_budget_window: "day" })).toBe(5);
    expect(valueOf(samples, "tierd_budget_remaining", { tierd_caller: "search-svc", tierd_budget: "daily", tierd_budget_window: "day" })).toBeCloseTo(5 - spent, 12);
    expect(samplesOf(samples, "tierd_budget_remaining").map((s) => s.labels.tierd_caller)).toEqual(["search-svc"]);
  });

  it("holds no prompt and no key", () => {
    for (const secret of [PROMPT, svc.key, admin.key, "test-key-nano", "test-key-mid"]) expect(text).not.toContain(secret);
  });

  it("asks for an admin key: 401 without one, 403 for a caller's key", async () => {
    const none = await scrape(tierd.url);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/admin key/);
    expect((await scrape(tierd.url, "tierd_not_a_key_at_all_0000000000")).status).toBe(401);
    const caller = await scrape(tierd.url, svc.key);
    expect(caller.status).toBe(403);
    expect(await caller.text()).not.toContain("tierd_requests_total");
  });
});

describe("GET /metrics as configured", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function withTierd(yaml: string, body: (tierd: Tierd) => Promise<void>): Promise<void> {
    const tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    try {
      await body(tierd);
    } finally {
      await tierd.close(500);
    }
  }

  it("is open to any scraper with require_admin_key: false", async () => {
    const yaml = authConfigYaml(fake.url, [admin], { telemetry: { prometheus: { require_admin_key: false } } });
    await withTierd(yaml, async (tierd) => {
      const res = await scrape(tierd.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("# TYPE tierd_deployment_breaker gauge");
    });
  });

  it("is open with auth off (loopback only), and counts requests without an OTLP endpoint", async () => {
    await withTierd(baseConfigYaml(fake.url), async (tierd) => {
      const client = clientsFor(RouterService, tierd.url).grpc;
      await client.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.FRONTIER });
      await client.classify({ messages: [{ role: Role.USER, content: "hi" }] });
      const samples = parseExposition(await (await scrape(tierd.url)).text());
      expect(valueOf(samples, "tierd_requests_total", { tierd_request_kind: "route", tierd_tier: "frontier", tierd_deployment: "frontier-1" })).toBe(1);
      expect(samplesOf(samples, "tierd_requests_total", { tierd_request_kind: "classify", tierd_deployment: "none" })).toHaveLength(1);
      expect(valueOf(samples, "tierd_ledger_dropped_total")).toBe(0);
    });
  });

  it("is not served with telemetry.prometheus.enabled: false (the path goes to the RPC handler)", async () => {
    await withTierd(baseConfigYaml(fake.url) + "telemetry:\n  prometheus:\n    enabled: false\n", async (tierd) => {
      const res = await scrape(tierd.url);
      expect(res.status).not.toBe(200);
      expect(await res.text()).not.toContain("tierd_");
    });
  });
});
