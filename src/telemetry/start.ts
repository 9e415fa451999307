// Telemetry as the app wires it: the SDK from the environment (or providers
// a test hands in), the RPC interceptor and the route observer.
import type { Interceptor } from "@connectrpc/connect";
import { metrics, trace, type MeterProvider, type TracerProvider } from "@opentelemetry/api";
import type { Config } from "../config/index.js";
import type { Logger } from "../core/log.js";
import type { RouteObserver } from "../router/index.js";
import * as sc from "./semconv.js";
import { createRouteTelemetry } from "./route-telemetry.js";
import { rpcTracingInterceptor } from "./rpc-interceptor.js";
import { startTelemetrySdk, type TelemetrySdk } from "./setup.js";

/** Providers to use instead of the SDK (tests pass in-memory exporters). */
export interface TelemetryProviders {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** Put prompt and completion text on spans. Default: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. */
  captureContent?: boolean;
}

export interface RunningTelemetry {
  interceptor: Interceptor;
  observer: RouteObserver;
  /** Reports the ledger's queue and drops as metrics. */
  observeLedger(stats: () => { queued: number; dropped: number }): void;
  /** Reports response-cache hits, misses, backend errors (Redis down) and memory use. */
  observeCache(stats: () => { hits: number; misses: number; backend: { errors: number; bytes?: number } }): void;
  shutdown(): Promise<void>;
}

export interface StartTelemetryOptions {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  config: Pick<Config, "deployments">;
  providers?: TelemetryProviders;
}

const SCOPE = "tierd";

/** Telemetry when configured; undefined (and nothing on the request path) otherwise. */
export function startTelemetry(options: StartTelemetryOptions): RunningTelemetry | undefined {
  let sdk: TelemetrySdk | undefined;
  let providers = options.providers;
  if (providers === undefined) {
    sdk = startTelemetrySdk({ env: options.env, log: options.log });
    if (sdk === undefined) return undefined;
    providers = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() };
  }
  const tracer = providers.tracerProvider.getTracer(SCOPE);
  const meter = providers.meterProvider.getMeter(SCOPE);
  const captureContent = providers.captureContent ?? (options.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? "").toLowerCase() === "true";
  if (captureContent) options.log.warn("OpenTelemetry content capture is on: prompts and completions go into spans");
  return {
    interceptor: rpcTracingInterceptor(tracer),
    observer: createRouteTelemetry({ tracer, meter, deployments: options.config.deployments, captureContent }),
    observeLedger(stats) {
      meter
        .createObservableGauge(sc.METRIC_TIERD_LEDGER_QUEUED, { description: "Ledger records waiting to be written.", unit: "{record}" })
        .addCallback((r) => r.observe(stats().queued));
      meter
        .createObservableCounter(sc.METRIC_TIERD_LEDGER_DROPPED, { description: "Ledger records lost (full queue, or unwritten at shutdown).", unit: "{record}" })
        .addCallback((r) => r.observe(stats().dropped));
    },
    observeCache(stats) {
      meter
        .createObservableCounter(sc.METRIC_TIERD_CACHE_LOOKUPS, { description: "Response-cache lookups, by result.", unit: "{lookup}" })
        .addCallback((r) => {
          const s = stats();
          r.observe(s.hits, { [sc.ATTR_TIERD_CACHE_RESULT]: "hit" });
          r.observe(s.misses, { [sc.ATTR_TIERD_CACHE_RESULT]: "miss" });
        });
      meter
        .createObservableCounter(sc.METRIC_TIERD_CACHE_ERRORS, { description: "Cache reads and writes that failed (Redis down or slow); each was served as a miss.", unit: "{error}" })
        .addCallback((r) => r.observe(stats().backend.errors));
      meter
        .createObservableGauge(sc.METRIC_TIERD_CACHE_BYTES, { description: "Bytes held by the in-memory response cache.", unit: "By" })
        .addCallback((r) => {
          const bytes = stats().backend.bytes;
          if (bytes !== undefined) r.observe(bytes);
        });
    },
    shutdown: async () => {
      await sdk?.shutdown();
    },
  };
}
