// One meter provider that records into several. With an OTLP endpoint the
// Node SDK builds its meter provider and its readers from OTEL_* variables
// itself, and a provider takes its readers only when it is built: adding
// the Prometheus reader to the SDK's would mean building the OTLP reader
// by hand (the SDK's helpers for it are internal). So Prometheus has a
// provider of its own, and every instrument is created on both.
import type {
  BatchObservableCallback,
  BatchObservableResult,
  Meter,
  MeterProvider,
  Observable,
  ObservableCallback,
} from "@opentelemetry/api";

export function teeMeterProvider(providers: readonly MeterProvider[]): MeterProvider {
  if (providers.length === 1) return providers[0]!;
  return { getMeter: (name, version, options) => teeMeter(providers.map((p) => p.getMeter(name, version, options))) };
}

function teeMeter(meters: readonly Meter[]): Meter {
  /** Each tee observable's instruments, one per meter, for batch callbacks. */
  const parts = new WeakMap<Observable, Observable[]>();
  const observable = <T extends Observable>(made: T[]): T => {
    const tee = {
      addCallback: (callback: ObservableCallback) => made.forEach((o) => o.addCallback(callback)),
      removeCallback: (callback: ObservableCallback) => made.forEach((o) => o.removeCallback(callback)),
    };
    parts.set(tee, made);
    // An observable is exactly its two callback methods; the type parameter only narrows attributes.
    return tee as unknown as T;
  };
  const partOf = (o: Observable, i: number) => parts.get(o)?.[i] ?? o;
  /** Per batch callback, the wrapper registered on each meter (to remove them again). */
  const batches = new Map<BatchObservableCallback, BatchObservableCallback[]>();

  return {
    createCounter(name, options) {
      const made = meters.map((m) => m.createCounter(name, options));
      return { add: (value, attributes, ctx) => made.forEach((c) => c.add(value, attributes, ctx)) };
    },
    createUpDownCounter(name, options) {
      const made = meters.map((m) => m.createUpDownCounter(name, options));
      return { add: (value, attributes, ctx) => made.forEach((c) => c.add(value, attributes, ctx)) };
    },
    createHistogram(name, options) {
      const made = meters.map((m) => m.createHistogram(name, options));
      return { record: (value, attributes, ctx) => made.forEach((h) => h.record(value, attributes, ctx)) };
    },
    createGauge(name, options) {
      const made = meters.map((m) => m.createGauge(name, options));
      return { record: (value, attributes, ctx) => made.forEach((g) => g.record(value, attributes, ctx)) };
    },
    createObservableGauge: (name, options) => observable(meters.map((m) => m.createObservableGauge(name, options))),
    createObservableCounter: (name, options) => observable(meters.map((m) => m.createObservableCounter(name, options))),
    createObservableUpDownCounter: (name, options) => observable(meters.map((m) => m.createObservableUpDownCounter(name, options))),
    addBatchObservableCallback(callback, observables) {
      const wrappers = meters.map((meter, i) => {
        const wrapper: BatchObservableCallback = (result) =>
          callback({ observe: (metric, value, attributes) => result.observe(partOf(metric, i), value, attributes) } satisfies BatchObservableResult);
        meter.addBatchObservableCallback(wrapper, observables.map((o) => partOf(o, i)));
        return wrapper;
      });
      batches.set(callback as BatchObservableCallback, wrappers);
    },
    removeBatchObservableCallback(callback, observables) {
      const wrappers = batches.get(callback as BatchObservableCallback);
      if (wrappers === undefined) return;
      meters.forEach((meter, i) => meter.removeBatchObservableCallback(wrappers[i]!, observables.map((o) => partOf(o, i))));
      batches.delete(callback as BatchObservableCallback);
    },
  };
}
