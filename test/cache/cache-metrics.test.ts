// The cache's metrics and spans through a real tierd with in-memory
// OpenTelemetry readers: hits, misses, bytes, and a hit's route span.
import { randomUUID } from "node:crypto";
import type { MeterProvider as ApiMeterProvider } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

describe("response cache telemetry", () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ telemetry: { tracerProvider, meterProvider: meterProvider as ApiMeterProvider } });
  });
  afterAll(async () => {
    await t?.close();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  it("counts lookups by result, reports the memory held, and marks a hit's route span", async () => {
    const request = { messages: [{ role: Role.USER, content: `Metrics ${randomUUID()}` }], tierOverride: Tier.NANO, params: { temperature: 0 } };
    await t.grpc.route(request);
    await t.grpc.route(request);
    await t.grpc.route(request);

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) => all.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    const lookups = Object.fromEntries(points("tierd.cache.lookups").map((p) => [String(p.attributes["tierd.cache.result"]), p.value]));
    expect(lookups).toEqual({ hit: 2, miss: 1 });
    expect(points("tierd.cache.errors")[0]?.value).toBe(0);
    expect(points("tierd.cache.bytes")[0]?.value).toBeGreaterThan(0);

    const routes = spans.getFinishedSpans().filter((s) => s.name === "route");
    expect(routes.map((s) => s.attributes["tierd.cache_hit"])).toEqual([false, true, true]);
    // A hit calls no model: no GenAI client span under its route span.
    const attempts = spans.getFinishedSpans().filter((s) => s.name.startsWith("chat "));
    expect(attempts).toHaveLength(1);
  });
});
