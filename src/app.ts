// The composition root: configuration in, a running tierd out. Everything
// that needs wiring (provider, decider, router, server) is built here and
// only here; the modules themselves take what they need as arguments.
import { setMaxListeners } from "node:events";
import type { DescFile } from "@bufbuild/protobuf";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { file_grpc_health_v1_health, Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { file_grpc_reflection_v1_reflection } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { AdminService, file_tierd_v1_admin } from "../gen/tierd/v1/admin_pb.js";
import { file_tierd_v1_errors } from "../gen/tierd/v1/errors_pb.js";
import { file_tierd_v1_router, RouterService } from "../gen/tierd/v1/router_pb.js";
import { startCache, type RunningCache } from "./cache/index.js";
import { createCallerGate } from "./callers/index.js";
import { authProblemsAt, createAuthenticator } from "./callers/index.js";
import { createBudgets } from "./callers/index.js";
import { ConfigError, EMBEDDED_CONFIG_NAME, loadConfig, parseConfig, type Config } from "./config/index.js";
import { createLogger, type Logger } from "./core/log.js";
import { openCounters, type Counters } from "./callers/index.js";
import { createInputLimits } from "./callers/index.js";
import { createConfiguredDecider, type ReloadResult } from "./policy/index.js";
import { Tier } from "./core/types.js";
import { createProvider, type Provider } from "./provider/index.js";
import { createRateLimits } from "./callers/index.js";
import { combineObservers, createRouter, newRequestId, type RouteObserver, type Router } from "./router/index.js";
import { adminServiceImpl } from "./server/admin-service.js";
import { authInterceptor } from "./server/auth-interceptor.js";
import { errorMappingInterceptor } from "./server/errors.js";
import { createHealthState, healthServiceImpl, type HealthState } from "./server/health.js";
import { listenHttp, type RunningHttpServer } from "./server/http-server.js";
import { createReflectionIndex, registerReflection } from "./server/reflection.js";
import { routerServiceImpl } from "./server/router-service.js";
import { unimplementedFallback } from "./server/unimplemented.js";
import { startTelemetry, type TelemetryProviders } from "./telemetry/index.js";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-upstream.js";
import { startUsageLedger, type RunningLedger } from "./usage/index.js";

export interface StartOptions {
  /** A parsed configuration; wins over `configPath`. */
  config?: Config;
  /** YAML file; the embedded default config when neither is given. */
  configPath?: string;
  /** YAML text, for tests; `configSource` names it in errors. */
  configText?: string;
  configSource?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Override the configured listen address (tests pass port 0). */
  host?: string;
  port?: number;
  logger?: Logger;
  /**
   * OpenTelemetry providers to report to (tests); without them the SDK
   * starts from OTEL_* variables when an OTLP endpoint is set.
   */
  telemetry?: TelemetryProviders;
}

export interface Tierd {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly router: Router;
  readonly provider: Provider;
  readonly health: HealthState;
  /** The in-process demo upstream, when the embedded config started one. */
  readonly demoUpstream: FakeUpstream | undefined;
  /** The usage ledger, unless usage.enabled is false. */
  readonly usage: RunningLedger | undefined;
  /** The response cache and the shared verdict cache (cache.*). */
  readonly cache: RunningCache;
  /** Budget and rate-limit counters, when authentication is on. */
  readonly counters: Counters | undefined;
  /**
   * Reads the classifier's model file (and few-shot file) again; in-flight
   * decisions finish on the old one. Throws (and the old files keep
   * serving) when a file is bad. SIGHUP and AdminService.ReloadClassifier
   * call this.
   */
  reloadClassifier(): ReloadResult;
  /** Graceful stop: NOT_SERVING, drain for the grace period, then close. */
  close(graceMs?: number): Promise<void>;
}

/** Files served by reflection: the API and the protocols around it. */
const SERVED_FILES: DescFile[] = [
  file_tierd_v1_router,
  file_tierd_v1_admin,
  file_tierd_v1_errors,
  file_grpc_health_v1_health,
  file_grpc_reflection_v1_reflection,
  file_grpc_reflection_v1alpha_reflection,
];

export async function startTierd(options: StartOptions = {}): Promise<Tierd> {
  // What start-up has opened so far, closed in reverse if a later step fails.
  const opened: (() => Promise<unknown>)[] = [];
  try {
    return await assemble(options, opened);
  } catch (err) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

async function assemble(options: StartOptions, opened: (() => Promise<unknown>)[]): Promise<Tierd> {
  const env = options.env ?? process.env;
  const embedded = options.config === undefined && options.configPath === undefined && options.configText === undefined;
  let demoUpstream: FakeUpstream | undefined;
  let configEnv = env;
  if (embedded && !env.TIERD_BASE_URL) {
    const demo = await startFakeUpstream({ record: false });
    demoUpstream = demo;
    opened.push(() => demo.close());
    configEnv = { ...env, TIERD_BASE_URL: demoUpstream.url };
  }
  const config: Config =
    options.config ??
    (options.configText !== undefined
      ? parseConfig(options.configText, options.configSource ?? "<config text>", configEnv)
      : loadConfig({ ...(options.configPath === undefined ? {} : { path: options.configPath }), env: configEnv }));
  const source = options.configPath ?? options.configSource ?? EMBEDDED_CONFIG_NAME;
  const host = options.host ?? config.server.host;
  const authProblems = authProblemsAt(config.auth, host);
  if (authProblems.length > 0) throw new ConfigError(source, authProblems);
  const log = options.logger ?? createLogger({ level: config.log.level });
  if (demoUpstream) {
    log.warn(
      "DEMO MODE: TIERD_BASE_URL is not set, so Route and StreamCompletion answers are SIMULATED by a built-in fake upstream. Set TIERD_BASE_URL (and TIERD_API_KEY) to an OpenAI-compatible endpoint for real answers.",
      { demo_upstream: demoUpstream.url },
    );
  }

  const provider = createProvider({ config, configSource: source });
  opened.push(() => provider.close());
  const cache = await startCache({ config, prices: provider.prices, log });
  opened.push(() => cache.close());
  const decider = createConfiguredDecider({
    config,
    complete: (req, ctx) => provider.complete(Tier.NANO, req, ctx, { withinTier: true }),
    configSource: source,
    ...(cache.decisions === undefined ? {} : { cache: cache.decisions }),
  });
  const reloadClassifier = () => {
    const result = decider.reload();
    log.info("classifier reloaded", { model: result.model, trained_at: result.modelInfo.trainedAt ?? "", remembered: result.modelInfo.remembered ?? 0, ...(result.examples ? { examples: result.examples } : {}) });
    return result;
  };
  let usage: RunningLedger | undefined;
  try {
    usage = config.usage.enabled ? await startUsageLedger({ config, prices: provider.prices, log }) : undefined;
  } catch (err) {
    throw new ConfigError(source, [
      { path: "usage.database_url", message: `cannot open the usage ledger (${reasonOf(err)}); fix the URL or set usage.enabled: false` },
    ]);
  }
  if (usage !== undefined) {
    const ledger = usage;
    opened.push(() => ledger.close(0));
  }
  // Budgets and rate limits belong to authenticated callers: no counters without auth.
  let counters: Counters | undefined;
  try {
    counters = config.auth.enabled ? await openCounters(config.counters) : undefined;
  } catch (err) {
    throw new ConfigError(source, [{ path: "counters.redis_url", message: `cannot reach the counters store (${reasonOf(err)}); fix the URL or use counters.store: memory` }]);
  }
  if (counters !== undefined) {
    const openedCounters = counters;
    opened.push(() => openedCounters.close());
  }
  if (counters !== undefined) log.info("budget and rate-limit counters", { store: counters.location });
  const gate =
    counters === undefined
      ? undefined
      : createCallerGate({
          rateLimits: createRateLimits({ config, store: counters.rateLimits, log }),
          budgets: createBudgets({ config, prices: provider.prices, store: counters.budgets, log }),
        });
  const telemetry = startTelemetry({ env, log, config, ...(options.telemetry === undefined ? {} : { providers: options.telemetry }) });
  if (telemetry !== undefined) opened.push(() => telemetry.shutdown());
  if (telemetry !== undefined && usage !== undefined) telemetry.observeLedger(() => usage.ledger.stats());
  if (telemetry !== undefined && cache.responses !== undefined) telemetry.observeCache(() => cache.stats());
  const observers: RouteObserver[] = [...(usage === undefined ? [] : [usage.observer]), ...(telemetry === undefined ? [] : [telemetry.observer])];
  const observer = combineObservers(observers, (err) => log.error("request observer failed", { error: err instanceof Error ? err.message : String(err) }));
  const router = createRouter({
    decider,
    provider,
    ...(observer === undefined ? {} : { observer }),
    ...(cache.responses === undefined ? {} : { responseCache: cache.responses }),
    ...(gate === undefined ? {} : { gate }),
  });
  const health = createHealthState([RouterService.typeName, AdminService.typeName, Health.typeName]);
  const shutdown = new AbortController();
  // Every in-flight call's handler context listens on this signal; the
  // default limit of 10 listeners would warn under any real concurrency.
  setMaxListeners(0, shutdown.signal);
  // Tracing outermost, so RPC spans see the status the caller gets.
  // Authentication inside the error mapping, so a refused key is a proper
  // UNAUTHENTICATED and its RPC span says so.
  const interceptors: Interceptor[] = [
    ...(telemetry === undefined ? [] : [telemetry.interceptor]),
    errorMappingInterceptor(log),
    ...(config.auth.enabled
      ? [
          authInterceptor({
            authenticator: createAuthenticator({ auth: config.auth }),
            openServices: [Health.typeName, "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            adminServices: [AdminService.typeName],
          }),
        ]
      : []),
  ];
  const reflection = createReflectionIndex(SERVED_FILES, [
    RouterService.typeName,
    AdminService.typeName,
    Health.typeName,
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
  ]);

  const routes = (r: ConnectRouter) => {
    r.service(RouterService, routerServiceImpl(router, { newRequestId, limits: createInputLimits({ limits: config.limits }) }));
    r.service(AdminService, adminServiceImpl({ store: usage?.store, ledger: usage?.ledger, maxFrontierShare: config.usage.max_frontier_share, reloadClassifier }));
    r.service(Health, healthServiceImpl(health));
    registerReflection(r, reflection);
  };
  const handler = connectNodeAdapter({
    routes,
    interceptors,
    fallback: unimplementedFallback,
    // A typo in a JSON request (an unknown field or enum name such as
    // "TIER_GIGANTIC") is an InvalidArgument, not a silently ignored field.
    jsonOptions: { ignoreUnknownFields: false },
    readMaxBytes: config.server.max_request_bytes,
    maxTimeoutMs: config.server.max_timeout_ms,
    shutdownSignal: shutdown.signal,
  });

  const server: RunningHttpServer = await listenHttp({ host, port: options.port ?? config.server.port, handler, log });
  if (config.auth.enabled) {
    log.info("authentication on", { keys: config.auth.keys.length, revoked: config.auth.revoked.length });
  } else {
    log.info("authentication is off (auth.enabled: false): every caller is trusted. That is safe here only because tierd listens on loopback, where nothing beyond this machine can reach it", {
      host: server.host,
    });
  }
  log.info("tierd listening", { url: server.url, mode: config.mode, protocols: "grpc, grpc-web, connect" });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    config,
    router,
    provider,
    health,
    demoUpstream,
    usage,
    cache,
    counters,
    reloadClassifier,
    close(graceMs = config.server.shutdown_grace_ms) {
      closing ??= (async () => {
        health.setAll(HealthCheckResponse_ServingStatus.NOT_SERVING);
        await server.close(graceMs, () => {
          log.warn("shutdown grace period over; cancelling in-flight calls", { grace_ms: graceMs });
          shutdown.abort();
        });
        // After the drain: requests finished (or cancelled) during the grace
        // period have queued their records, and this writes them all.
        await usage?.close(Math.max(5_000, graceMs));
        await cache.close();
        await counters?.close();
        await provider.close();
        await demoUpstream?.close();
        await telemetry?.shutdown();
        log.info("tierd stopped");
      })();
      return closing;
    },
  };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
