export { startTelemetry, type BreakerView, type RunningTelemetry, type StartTelemetryOptions, type TelemetryProviders } from "./start.js";
export { PROMETHEUS_CONTENT_TYPE } from "./prometheus.js";
export { startTelemetrySdk, telemetryEnabled, type TelemetrySdk } from "./setup.js";
export { createRouteTelemetry, providerOf, type RouteTelemetryOptions } from "./route-telemetry.js";
export { rpcTracingInterceptor } from "./rpc-interceptor.js";
export * as semconv from "./semconv.js";
