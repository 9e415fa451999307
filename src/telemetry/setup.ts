// The OpenTelemetry SDK, configured by the standard OTEL_* variables. It
// starts only when an OTLP endpoint is set: with none, tierd registers no
// provider and makes no span. (Prometheus metrics are separate, from the
// config: prometheus.ts.)
import { createRequire } from "node:module";
import type * as SdkNode from "@opentelemetry/sdk-node";
import type { Logger } from "../core/log.js";

export interface TelemetrySdk {
  /** Flushes pending spans and metrics, then stops exporting. */
  shutdown(): Promise<void>;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT (or a per-signal endpoint) is set and OTEL_SDK_DISABLED is not true. */
export function telemetryEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  if ((env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
}

/**
 * Starts the Node SDK and registers the global tracer and meter providers
 * and context manager. Exporter, protocol, headers, sampler, resource and
 * export interval all come from OTEL_* variables, read by the SDK itself
 * from the process environment.
 */
export function startTelemetrySdk(options: { env: Readonly<Record<string, string | undefined>>; log: Logger }): TelemetrySdk | undefined {
  if (!telemetryEnabled(options.env)) return undefined;
  // Loaded only when telemetry is on: the SDK and its exporters are about
  // 24 MB of resident memory (measured as for the tokenizer, pricing/tokens.ts)
  // that a server without an OTLP endpoint never uses.
  const { NodeSDK } = createRequire(import.meta.url)("@opentelemetry/sdk-node") as typeof SdkNode;
  const sdk = new NodeSDK({
    ...(options.env.OTEL_SERVICE_NAME ? {} : { serviceName: "tierd" }),
    // tierd instruments itself; auto-instrumentation would add HTTP spans
    // for every upstream call that duplicate the GenAI attempt spans.
    instrumentations: [],
    // tierd logs to stderr; nothing goes out as OpenTelemetry logs.
    logRecordProcessors: [],
  });
  sdk.start();
  options.log.info("OpenTelemetry on", {
    endpoint: options.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? options.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? options.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  });
  return { shutdown: () => sdk.shutdown() };
}
