// Spans and metrics of real requests, caught by in-memory exporters: a real
// tierd on port 0, real gRPC and Connect clients, the fake upstream.
import { ConnectError } from "@connectrpc/connect";
import { context, propagation, type MeterProvider as ApiMeterProvider } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { providerOf, startTelemetry, telemetryEnabled } from "../../src/telemetry/index.js";
import { silentLogger } from "../../src/core/log.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

interface Harness {
  t: TestTierd;
  spans: InMemorySpanExporter;
  metrics: TestMetricReader;
  close(): Promise<void>;
}

async function startTraced(captureContent = false): Promise<Harness> {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metrics = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [metrics] });
  // No retries and no cooldown: each failure shows up as exactly one fallback hop.
  const t = await startTestTierd({
    extraYaml: "retry:\n  max_retries: 0\ncooldown:\n  failure_threshold: 1000\n",
    telemetry: { tracerProvider, meterProvider: meterProvider as ApiMeterProvider, captureContent },
  });
  return {
    t,
    spans,
    metrics,
    async close() {
      await t.close();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

const PROMPT = "Name three prime numbers below twenty";
const ask = (content = PROMPT) => [{ role: Role.USER, content }];

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = named(spans, name);
  expect(found, `spans named ${name}: ${spans.map((s) => s.name).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
}

/** Spans are exported when they end; the server span of a stream ends just after the client's last message. */
async function settledSpans(h: Harness, count: number): Promise<ReadableSpan[]> {
  await expect.poll(() => h.spans.getFinishedSpans().length).toBeGreaterThanOrEqual(count);
  return h.spans.getFinishedSpans();
}

function ms(time: [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

async function metric(h: Harness, name: string): Promise<MetricData | undefined> {
  const { resourceMetrics } = await h.metrics.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
}

describe("OpenTelemetry spans and metrics", () => {
  let h: Harness;
  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    h = await startTraced();
  });
  afterEach(() => {
    h.spans.reset();
    h.t.fake.reset();
  });
  afterAll(async () => {
    await h?.close();
    context.disable();
    propagation.disable();
  });

  it("traces a routed request: RPC server span > route span > one GenAI attempt span", async () => {
    const res = await h.t.grpc.route({ messages: ask(), tierOverride: Tier.NANO, endpoint: "/primes", requestId: "otel-routed" });
    const spans = await settledSpans(h, 3);
    expect(spans).toHaveLength(3);
    const rpc = only(spans, "tierd.v1.RouterService/Route");
    expect(rpc.kind).toBe(SpanKind.SERVER);
    expect(rpc.parentSpanContext).toBeUndefined();
    expect(rpc.attributes).toEqual({ "rpc.system.name": "grpc", "rpc.method": "tierd.v1.RouterService/Route", "rpc.response.status_code": "OK" });

    const route = only(spans, "route");
    expect(route.parentSpanContext?.spanId).toBe(rpc.spanContext().spanId);
    expect(route.spanContext().traceId).toBe(rpc.spanContext().traceId);
    expect(route.attributes).toEqual({
      "tierd.request.kind": "route",
      "tierd.request_id": "otel-routed",
      "tierd.endpoint": "/primes",
      "tierd.status": "ok",
      "tierd.fallbacks": 0,
      "tierd.tier": "nano",
      "tierd.decided_by": "override",
      "tierd.score": 0,
      "tierd.confidence": 1,
      "tierd.mode": "enforce",
      "tierd.cost_usd": res.costUsd,
      "tierd.cache_hit": false,
      "tierd.served_tier": "nano",
      "tierd.deployment": "nano-1",
    });

    const [attempt, ...more] = childrenOf(spans, route);
    expect(more).toHaveLength(0);
    expect(attempt!.name).toBe("chat openai/gpt-4o-mini");
    expect(attempt!.kind).toBe(SpanKind.CLIENT);
    expect(attempt!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "openai/gpt-4o-mini",
      "gen_ai.response.model": "openai/gpt-4o-mini",
      "gen_ai.usage.input_tokens": res.usage!.inputTokens,
      "gen_ai.usage.output_tokens": res.usage!.outputTokens,
      "gen_ai.usage.cache_read.input_tokens": 0,
      "gen_ai.response.finish_reasons": ["stop"],
      "tierd.deployment": "nano-1",
      "tierd.tier": "nano",
      "tierd.attempt.outcome": "success",
      "server.address": "127.0.0.1",
      "server.port": h.t.fake.port,
      "http.response.status_code": 200,
    });
    // The attempt lies inside the route span, which lies inside the RPC span (1 ms slack for clocks).
    expect(ms(attempt!.startTime)).toBeGreaterThanOrEqual(ms(route.startTime) - 1);
    expect(ms(attempt!.endTime)).toBeLessThanOrEqual(ms(route.endTime) + 1);
    expect(ms(route.startTime)).toBeGreaterThanOrEqual(ms(rpc.startTime) - 1);
    expect(ms(route.endTime)).toBeLessThanOrEqual(ms(rpc.endTime) + 1);
  });

  it("traces a fallback: the failed nano attempt with its error, then the mid attempt that answered", async () => {
    h.t.fake.inject({ model: "openai/gpt-4o-mini", times: 1, fault: { status: 503 } });
    const res = await h.t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    expect(res.tier).toBe(Tier.MID);
    const spans = await settledSpans(h, 4);
    const route = only(spans, "route");
    expect(route.attributes).toMatchObject({ "tierd.tier": "nano", "tierd.served_tier": "mid", "tierd.fallbacks": 1, "tierd.status": "ok" });
    expect(route.status.code).toBe(SpanStatusCode.UNSET);

    const attempts = childrenOf(spans, route).sort((a, b) => ms(a.startTime) - ms(b.startTime));
    expect(attempts.map((s) => s.name)).toEqual(["chat openai/gpt-4o-mini", "chat anthropic/claude-sonnet-4-6"]);
    const [failed, answered] = attempts as [ReadableSpan, ReadableSpan];
    expect(failed.attributes).toMatchObject({ "error.type": "server_error", "http.response.status_code": 503, "tierd.attempt.outcome": "failure", "tierd.tier": "nano" });
    expect(failed.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(answered.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "anthropic/claude-sonnet-4-6",
      "gen_ai.usage.output_tokens": res.usage!.outputTokens,
      "tierd.attempt.outcome": "success",
      "tierd.tier": "mid",
    });
    expect(answered.attributes["error.type"]).toBeUndefined();
    expect(ms(failed.endTime)).toBeLessThanOrEqual(ms(answered.startTime) + 1);

    const duration = await metric(h, "gen_ai.client.operation.duration");
    const failures = duration?.dataPoints.filter((p) => p.attributes["error.type"] === "server_error");
    expect(failures?.length).toBeGreaterThan(0);
  });

  it("traces a stream over Connect with the route span under the RPC span, and records time to first chunk", async () => {
    let summaryCost = 0;
    for await (const msg of h.t.connect.streamCompletion({ messages: ask(), tierOverride: Tier.FRONTIER })) {
      if (msg.event.case === "summary") summaryCost = msg.event.value.costUsd;
    }
    const spans = await settledSpans(h, 3);
    const rpc = only(spans, "tierd.v1.RouterService/StreamCompletion");
    expect(rpc.attributes).toMatchObject({ "rpc.system.name": "connectrpc", "rpc.response.status_code": "OK" });
    const route = only(spans, "route");
    expect(route.parentSpanContext?.spanId).toBe(rpc.spanContext().spanId);
    expect(route.attributes).toMatchObject({ "tierd.request.kind": "stream", "tierd.tier": "frontier", "tierd.cost_usd": summaryCost });
    const [attempt] = childrenOf(spans, route);
    expect(attempt?.attributes).toMatchObject({ "gen_ai.request.model": "anthropic/claude-opus-4-7", "gen_ai.response.finish_reasons": ["stop"] });

    const ttfc = await metric(h, "gen_ai.client.operation.time_to_first_chunk");
    expect(ttfc?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const point = ttfc?.dataPoints.find((p) => p.attributes["gen_ai.request.model"] === "anthropic/claude-opus-4-7");
    expect((point?.value as { count: number }).count).toBeGreaterThanOrEqual(1);
  });

  it("counts requests and cost by tier and decision stage, and tokens by type", async () => {
    const before = await metric(h, "tierd.requests");
    const count = (m: MetricData | undefined) =>
      m?.dataPoints.find((p) => p.attributes["tierd.tier"] === "mid" && p.attributes["tierd.decided_by"] === "override" && p.attributes["tierd.status"] === "ok" && p.attributes["tierd.request.kind"] === "route")?.value ?? 0;
    const res = await h.t.grpc.route({ messages: ask(), tierOverride: Tier.MID });
    expect(count(await metric(h, "tierd.requests"))).toBe((count(before) as number) + 1);
    const cost = await metric(h, "tierd.cost");
    expect(cost?.descriptor.unit).toBe("USD");
    expect(cost?.dataPoints.find((p) => p.attributes["tierd.tier"] === "mid")?.value).toBeGreaterThanOrEqual(res.costUsd);
    const tokens = await metric(h, "gen_ai.client.token.usage");
    expect(tokens?.descriptor.unit).toBe("{token}");
    expect(new Set(tokens?.dataPoints.map((p) => p.attributes["gen_ai.token.type"]))).toEqual(new Set(["input", "output"]));
    const queued = await metric(h, "tierd.ledger.queued");
    expect(queued?.dataPoints[0]?.value).toBeGreaterThanOrEqual(0);
  });

  it("marks a request that failed everywhere as an error on the RPC and route spans", async () => {
    const err = await h.t.grpc.route({ messages: ask(`${PROMPT} [[fake:{"status":503}]]`), tierOverride: Tier.NANO }).catch((e: unknown) => e);
    expect(ConnectError.from(err).rawMessage).toContain("every deployment in the fallback chain failed");
    const spans = await settledSpans(h, 5);
    const rpc = only(spans, "tierd.v1.RouterService/Route");
    expect(rpc.attributes).toMatchObject({ "rpc.response.status_code": "UNAVAILABLE", "error.type": "UNAVAILABLE" });
    expect(rpc.status.code).toBe(SpanStatusCode.ERROR);
    const route = only(spans, "route");
    expect(route.attributes).toMatchObject({ "error.type": "unavailable", "tierd.status": "unavailable", "tierd.fallbacks": 2 });
    expect(childrenOf(spans, route)).toHaveLength(3);
  });

  it("continues the caller's trace from a traceparent header", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await fetch(`${h.t.tierd.url}/tierd.v1.RouterService/Classify`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const spans = await settledSpans(h, 2);
    const rpc = only(spans, "tierd.v1.RouterService/Classify");
    expect(rpc.spanContext().traceId).toBe(traceId);
    expect(rpc.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(only(spans, "classify").spanContext().traceId).toBe(traceId);
  });

  it("puts no prompt, completion or key in any span", async () => {
    const res = await h.t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    const spans = await settledSpans(h, 3);
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status, s.events]));
    expect(everything).not.toContain("prime numbers");
    expect(everything).not.toContain(res.content.slice(0, 30));
    expect(everything).not.toMatch(/test-key-(nano|mid|frontier)/);
  });
});

describe("OpenTelemetry content capture", () => {
  let h: Harness;
  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    h = await startTraced(true);
  });
  afterAll(async () => {
    await h?.close();
    context.disable();
  });

  it("puts the messages on the answering attempt span when the switch is on, never the keys", async () => {
    const res = await h.t.grpc.route({ messages: ask(), tierOverride: Tier.NANO });
    const spans = await settledSpans(h, 3);
    const attempt = only(spans, "chat openai/gpt-4o-mini");
    expect(JSON.parse(String(attempt.attributes["gen_ai.input.messages"]))).toEqual([{ role: "user", parts: [{ type: "text", content: PROMPT }] }]);
    expect(JSON.parse(String(attempt.attributes["gen_ai.output.messages"]))).toEqual([{ role: "assistant", parts: [{ type: "text", content: res.content }], finish_reason: "stop" }]);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/test-key-/);
  });
});

describe("OpenTelemetry setup", () => {
  it("is off without an OTLP endpoint, and when the SDK is disabled", () => {
    expect(telemetryEnabled({})).toBe(false);
    expect(telemetryEnabled({ OTEL_SERVICE_NAME: "x" })).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    const noPrometheus = { deployments: {}, telemetry: { prometheus: { enabled: false, require_admin_key: true } } };
    expect(startTelemetry({ env: {}, log: silentLogger, config: noPrometheus })).toBeUndefined();
  });

  it("without OTLP but with Prometheus, records metrics and makes no span", async () => {
    const running = startTelemetry({ env: {}, log: silentLogger, config: { deployments: {}, telemetry: { prometheus: { enabled: true, require_admin_key: true } } } });
    expect(running?.interceptor).toBeUndefined();
    expect(running?.scrape).toBeDefined();
    await running?.shutdown();
  });

  it("names the GenAI provider from the model string", () => {
    expect(providerOf("openai/gpt-4o-mini")).toBe("openai");
    expect(providerOf("anthropic/claude-opus-4-7")).toBe("anthropic");
    expect(providerOf("google/gemini-2.5-pro")).toBe("gcp.gemini");
    expect(providerOf("llama3.1:8b")).toBe("openai");
  });
});
