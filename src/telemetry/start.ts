// Telemetry as the app wires it: traces and OTLP metrics from the SDK and
// the environment (or providers a test hands in), Prometheus metrics from
// the config, the RPC interceptor and the route observer. Spans are made only
// when they go somewhere: with Prometheus alone there is no interceptor and
// the observer's tracer is a no-op.
import type { Interceptor } from "@connectrpc/connect";
import { metrics, ProxyTracerProvider, trace, type MeterProvider, type TracerProvider } from "@opentelemetry/api";
import type { BudgetStanding } from "../callers/index.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../core/log.js";
import type { RouteObserver } from "../router/index.js";
import * as sc from "./semconv.js";
import { startPrometheus, type PrometheusMetrics } from "./prometheus.js";
import { createRouteTelemetry } from "./route-telemetry.js";
import { rpcTracingInterceptor } from "./rpc-interceptor.js";
import { startTelemetrySdk, type TelemetrySdk } from "./setup.js";
import { teeMeterProvider } from "./tee-meter.js";

/** Providers to use instead of the SDK (tests pass in-memory exporters). */
export interface TelemetryProviders {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** Put prompt and completion text on spans. Default: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. */
  captureContent?: boolean;
}

/** What the breaker gauge reads of the provider's cooldown tracker (provider/cooldown.ts). */
export interface BreakerView {
  isClosed(deployment: string): boolean;
  /** Time left in cooldown; 0 when half-open (the next call is the probe). */
  openForMs(deployment: string): number;
}

export interface RunningTelemetry {
  /** RPC server spans; undefined when spans go nowhere (no OTLP endpoint). */
  interceptor: Interceptor | undefined;
  observer: RouteObserver;
  /** Every metric in Prometheus's text format; undefined unless telemetry.prometheus is on. */
  scrape: (() => Promise<string>) | undefined;
  /** Reports the ledger's queue and drops as metrics. */
  observeLedger(stats: () => { queued: number; dropped: number }): void;
  /** Reports response-cache hits, misses, backend errors (Redis down) and memory use. */
  observeCache(stats: () => { hits: number; misses: number; backend: { errors: number; bytes?: number } }): void;
  /** Reports each deployment's breaker state (closed, open, half_open). */
  /** `deployments` is asked at each collection: a config reload may change them. */
  observeBreakers(deployments: () => readonly string[], breakers: BreakerView): void;
  /** Reports what each caller's budgets have left in their current windows. */
  observeBudgets(read: () => Promise<readonly BudgetStanding[]>): void;
  shutdown(): Promise<void>;
}

export interface StartTelemetryOptions {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  config: Pick<Config, "deployments" | "telemetry">;
  providers?: TelemetryProviders;
}

const SCOPE = "tierd";
const BREAKER_STATES = ["closed", "open", "half_open"] as const;

/** Telemetry when configured; undefined (and nothing on the request path) otherwise. */
export function startTelemetry(options: StartTelemetryOptions): RunningTelemetry | undefined {
  const { env, log } = options;
  let sdk: TelemetrySdk | undefined;
  let traced = options.providers;
  if (traced === undefined) {
    sdk = startTelemetrySdk({ env, log });
    if (sdk !== undefined) traced = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() };
  }
  const prometheus: PrometheusMetrics | undefined = options.config.telemetry.prometheus.enabled ? startPrometheus(log) : undefined;
  if (traced === undefined && prometheus === undefined) return undefined;

  const meter = teeMeterProvider([...(traced === undefined ? [] : [traced.meterProvider]), ...(prometheus === undefined ? [] : [prometheus.meterProvider])]).getMeter(SCOPE);
  // No tracer provider: a proxy with no delegate, whose spans are no-ops.
  const tracer = (traced?.tracerProvider ?? new ProxyTracerProvider()).getTracer(SCOPE);
  const captureContent = traced !== undefined && (traced.captureContent ?? (env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? "").toLowerCase() === "true");
  if (captureContent) log.warn("OpenTelemetry content capture is on: prompts and completions go into spans");
  return {
    interceptor: traced === undefined ? undefined : rpcTracingInterceptor(tracer),
    observer: createRouteTelemetry({ tracer, meter, deployments: options.config.deployments, captureContent }),
    scrape: prometheus === undefined ? undefined : () => prometheus.scrape(),
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
    observeBreakers(deployments, breakers) {
      meter
        .createObservableGauge(sc.METRIC_TIERD_BREAKER, { description: "Circuit breaker of each deployment: 1 for the state it is in (closed, open, half_open), 0 for the others.", unit: "1" })
        .addCallback((r) => {
          for (const deployment of deployments()) {
            const state = breakers.isClosed(deployment) ? "closed" : breakers.openForMs(deployment) > 0 ? "open" : "half_open";
            for (const s of BREAKER_STATES) r.observe(s === state ? 1 : 0, { [sc.ATTR_TIERD_DEPLOYMENT]: deployment, [sc.ATTR_TIERD_BREAKER_STATE]: s });
          }
        });
    },
    observeBudgets(read) {
      const remaining = meter.createObservableGauge(sc.METRIC_TIERD_BUDGET_REMAINING, { description: "What a caller's budget has left in its current window (below 0 after an overrun).", unit: "USD" });
      const limit = meter.createObservableGauge(sc.METRIC_TIERD_BUDGET_LIMIT, { description: "A caller's budget per window.", unit: "USD" });
      // One read of the counters (Redis, maybe) per collection for both gauges.
      meter.addBatchObservableCallback(async (r) => {
        for (const b of await read()) {
          const attrs = { [sc.ATTR_TIERD_CALLER]: b.caller, [sc.ATTR_TIERD_BUDGET]: b.budget, [sc.ATTR_TIERD_BUDGET_WINDOW]: b.window };
          r.observe(remaining, b.remainingUsd, attrs);
          r.observe(limit, b.limitUsd, attrs);
        }
      }, [remaining, limit]);
    },
    shutdown: async () => {
      await Promise.all([sdk?.shutdown(), prometheus?.shutdown()]);
    },
  };
}
