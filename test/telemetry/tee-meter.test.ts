// The meter provider that records into several (OTLP's and Prometheus's):
// every kind of instrument, and batch callbacks, reach each of them.
import type { MeterProvider as ApiMeterProvider } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { teeMeterProvider } from "../../src/telemetry/tee-meter.js";

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function collected(reader: TestMetricReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

const valuesOf = (m: MetricData | undefined) => m?.dataPoints.map((p) => [p.attributes, p.value]);

describe("teeMeterProvider", () => {
  it("is the provider itself when there is one", () => {
    const one = new MeterProvider() as ApiMeterProvider;
    expect(teeMeterProvider([one])).toBe(one);
  });

  it("records every instrument, callback and batch callback into each provider", async () => {
    const readers = [new TestMetricReader(), new TestMetricReader()];
    const providers = readers.map((r) => new MeterProvider({ readers: [r] }));
    const meter = teeMeterProvider(providers as ApiMeterProvider[]).getMeter("test");
    meter.createCounter("c").add(2, { k: "a" });
    meter.createUpDownCounter("u").add(-1);
    meter.createHistogram("h").record(0.5);
    meter.createGauge("g").record(7);
    const observed = meter.createObservableGauge("og");
    let calls = 0;
    const callback = (r: { observe(v: number): void }) => {
      calls++;
      r.observe(3);
    };
    observed.addCallback(callback);
    const remaining = meter.createObservableGauge("remaining");
    const limit = meter.createObservableGauge("limit");
    let batchCalls = 0;
    const batch = (r: { observe(o: typeof remaining, v: number, a?: Record<string, string>): void }) => {
      batchCalls++;
      r.observe(remaining, 4, { caller: "x" });
      r.observe(limit, 5, { caller: "x" });
    };
    meter.addBatchObservableCallback(batch, [remaining, limit]);

    for (const reader of readers) {
      const m = await collected(reader);
      expect(valuesOf(m.get("c"))).toEqual([[{ k: "a" }, 2]]);
      expect(valuesOf(m.get("u"))).toEqual([[{}, -1]]);
      expect(m.get("h")?.dataPoints[0]?.value).toMatchObject({ count: 1, sum: 0.5 });
      expect(valuesOf(m.get("g"))).toEqual([[{}, 7]]);
      expect(valuesOf(m.get("og"))).toEqual([[{}, 3]]);
      expect(valuesOf(m.get("remaining"))).toEqual([[{ caller: "x" }, 4]]);
      expect(valuesOf(m.get("limit"))).toEqual([[{ caller: "x" }, 5]]);
    }
    expect([calls, batchCalls]).toEqual([2, 2]);

    observed.removeCallback(callback);
    meter.removeBatchObservableCallback(batch, [remaining, limit]);
    for (const reader of readers) await collected(reader);
    expect([calls, batchCalls]).toEqual([2, 2]);
    await Promise.all(providers.map((p) => p.shutdown()));
  });
});
