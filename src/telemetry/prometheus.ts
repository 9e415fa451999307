// Metrics for Prometheus: a meter provider of tierd's own with the
// Prometheus exporter as its only reader. The exporter's HTTP server never
// starts; GET /metrics on tierd's own port (server/ops-routes.ts) asks for
// the text here, so there is one port to open, secure and probe.
import { createRequire } from "node:module";
import type { MeterProvider } from "@opentelemetry/api";
import type * as ExporterPrometheus from "@opentelemetry/exporter-prometheus";
import type * as SdkMetrics from "@opentelemetry/sdk-metrics";
import type { Logger } from "../core/log.js";

/** The text exposition format Prometheus scrapes (0.0.4), as the exporter writes it. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Longest a scrape waits for observable callbacks (a budget read from Redis) before answering without them. */
const COLLECT_TIMEOUT_MS = 2_000;
/** Collection errors (Redis down) are logged at most this often: Prometheus scrapes every few seconds. */
const ERROR_LOG_INTERVAL_MS = 60_000;

export interface PrometheusMetrics {
  meterProvider: MeterProvider;
  /** Every metric's current value in the text exposition format. */
  scrape(): Promise<string>;
  shutdown(): Promise<void>;
}

export function startPrometheus(log: Logger): PrometheusMetrics {
  // Loaded only when enabled: the metrics SDK and the exporter are about
  // 8 MB of resident memory (measured as in setup.ts) that a server with
  // telemetry.prometheus.enabled: false never uses.
  const require = createRequire(import.meta.url);
  const { MeterProvider } = require("@opentelemetry/sdk-metrics") as typeof SdkMetrics;
  const { PrometheusExporter, PrometheusSerializer } = require("@opentelemetry/exporter-prometheus") as typeof ExporterPrometheus;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  // No target_info and no otel_scope_* labels: one process, one scope, and
  // Prometheus's job and instance labels already say which tierd it is.
  const serializer = new PrometheusSerializer("", false, undefined, true, true);
  let errorLoggedAt = -Infinity;
  return {
    meterProvider: provider,
    async scrape() {
      const { resourceMetrics, errors } = await exporter.collect({ timeoutMillis: COLLECT_TIMEOUT_MS });
      if (errors.length > 0 && Date.now() - errorLoggedAt >= ERROR_LOG_INTERVAL_MS) {
        errorLoggedAt = Date.now();
        log.warn("metrics: some values could not be read for this scrape and are left out", { errors: errors.length, error: errorText(errors[0]) });
      }
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
