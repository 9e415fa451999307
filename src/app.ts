// The composition root: configuration in, a running tierd out. Everything
// that needs wiring (provider, decider, router, server) is built here and
// only here; the modules themselves take what they need as arguments. Read
// `assemble` top to bottom: each step is one part, and each part that holds
// something open goes on one resource stack, which both a failed start and
// `close()` unwind.
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { startCache, type RunningCache } from "./cache/index.js";
import { authProblemsAt, gatedBudgetStore, isLoopbackHost, type Authenticator, openCounters, type Counters } from "./callers/index.js";
import { restartOnlyChanges, withRestartOnlyOf } from "./config/reload-plan.js";
import { ConfigError, DEFAULT_DATABASE_URL, DEMO_DATABASE_URL, EMBEDDED_CONFIG_NAME, loadConfig, parseConfig, type Config } from "./config/index.js";
import { serverStopping } from "./core/errors.js";
import { createLogger, type Logger } from "./core/log.js";
import { createResourceStack, type ResourceStack } from "./core/resource-stack.js";
import { dashboardRoutes } from "./dashboard/index.js";
import { startFakeUpstream, type FakeUpstream } from "./demo/fake-upstream.js";
import { buildGeneration, createLiveGeneration, type LiveGeneration, type SharedParts } from "./generation.js";
import type { ReloadResult } from "./policy/index.js";
import type { Provider } from "./provider/index.js";
import { createPriceTable, type PriceTable } from "./pricing/index.js";
import {
  combineObservers,
  createAccessLog,
  createIdempotency,
  createMemoryIdempotencyStore,
  createRedisIdempotencyStore,
  newRequestId,
  type Idempotency,
  type IdempotencyStore,
  type RouteObserver,
  type Router,
} from "./router/index.js";
import { authInterceptor } from "./server/auth-interceptor.js";
import { errorMappingInterceptor } from "./server/errors.js";
import { createHealthState, type HealthState } from "./server/health.js";
import { listenHttp, type TlsFiles } from "./server/http-server.js";
import { opsRoutes, type MetricsEndpoint, type ReadinessCheck } from "./server/ops-routes.js";
import { ADMIN_SERVICES, OPEN_SERVICES, SERVED_SERVICES, tierdRoutes } from "./server/routes.js";
import { guardJsonDepth } from "./server/json-depth.js";
import { withPlainRoutes, type PlainRoute } from "./server/plain-http.js";
import { openAiRoutes } from "./server/openai-api.js";
import { clampTimeoutHeaders } from "./server/timeout-headers.js";
import { unimplementedFallback } from "./server/unimplemented.js";
import { PROMETHEUS_CONTENT_TYPE, startTelemetry, type RunningTelemetry, type TelemetryProviders } from "./telemetry/index.js";
import { startUsageLedger, type RunningLedger } from "./usage/index.js";

/** What a configuration reload applied. */
export interface ConfigReload {
  source: string;
  /** Changed settings that wait for a restart (dotted paths), sorted. */
  restartRequired: string[];
}

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
  /**
   * Reads the configuration again (the file as it is now) and serves the
   * next request on it: deployments, tiers, prices, rules, classifier,
   * keys, budgets, rate limits and input limits. A request already running
   * finishes on the previous configuration. Settings that need a restart
   * (server, log, usage, cache, counters, idempotency, telemetry,
   * auth.enabled) keep their running values and are named in
   * `restartRequired`. Throws ConfigError naming the fields (and the
   * running configuration keeps serving) when the file is bad. SIGHUP and
   * AdminService.ReloadConfig call this.
   */
  reloadConfig(): ConfigReload;
  /**
   * Reads server.tls's files again for new connections (SIGHUP). False when
   * TLS is off; throws ConfigError (and the old certificate stays) when a
   * file cannot be read or does not parse.
   */
  reloadTls(): boolean;
  /** Graceful stop: NOT_SERVING, drain for the grace period, then close what start-up opened, in reverse. */
  close(graceMs?: number): Promise<void>;
}

export async function startTierd(options: StartOptions = {}): Promise<Tierd> {
  const resources = createResourceStack();
  try {
    return await assemble(options, resources);
  } catch (err) {
    await resources.closeAll(0);
    throw err;
  }
}

async function assemble(options: StartOptions, resources: ResourceStack): Promise<Tierd> {
  const env = options.env ?? process.env;
  const { config, read: readConfig, source, demoUpstream } = await configOf(options, env, resources);
  const host = options.host ?? config.server.host;
  const authProblems = authProblemsAt(config.auth, host);
  if (authProblems.length > 0) throw new ConfigError(source, authProblems);
  const log = options.logger ?? createLogger({ level: config.log.level, format: config.log.format });
  if (demoUpstream) {
    log.warn(
      "DEMO MODE: TIERD_BASE_URL is not set, so Route and StreamCompletion answers are SIMULATED by a built-in fake upstream, and their simulated spend is recorded in a demo ledger of its own. Set TIERD_BASE_URL (and TIERD_API_KEY) to an OpenAI-compatible endpoint for real answers.",
      { demo_upstream: demoUpstream.url, ledger: config.usage.database_url },
    );
  }
  // Telemetry first, so it is closed last: spans of the final requests and
  // the ledger's last flush are still exported.
  const telemetry = startTelemetry({ env, log, config, ...(options.telemetry === undefined ? {} : { providers: options.telemetry }) });
  if (telemetry !== undefined) resources.push("telemetry", () => telemetry.shutdown());

  // Prices follow the generation serving now (a reload may change them);
  // the cache and the ledger read them through this.
  const initialPrices = createPriceTable(config, source);
  let live: LiveGeneration | undefined;
  const prices: PriceTable = {
    priceOf: (model) => (live?.current.provider.prices ?? initialPrices).priceOf(model),
    has: (model) => (live?.current.provider.prices ?? initialPrices).has(model),
  };
  const cache = await startCache({ config, prices, log });
  resources.push("cache", () => cache.close());
  const usage = await ledgerOf(config, prices, log, source);
  if (usage !== undefined) resources.push("usage ledger", (graceMs) => usage.close(graceMs));
  const counters = await countersOf(config, source);
  if (counters !== undefined) {
    resources.push("counters", () => counters.close());
    log.info("budget and rate-limit counters", { store: counters.location });
  }
  const idempotency = await idempotencyOf(config, log);
  if (idempotency !== undefined) resources.push("idempotency", () => idempotency.close());

  // Set while the budget counters are being rebuilt after a Redis reconnect (below).
  const budgetGate: { pending: Promise<unknown> | undefined; settleFailed: () => void } = { pending: undefined, settleFailed: () => undefined };
  const shared: SharedParts = {
    log,
    source,
    ...observerOf(config, log, usage, telemetry, cache),
    ...(cache.responses === undefined ? {} : { responseCache: cache.responses }),
    ...(cache.decisions === undefined ? {} : { decisionCache: cache.decisions }),
    ...(counters === undefined ? {} : { counters: { ...counters, budgets: gatedBudgetStore(counters.budgets, () => budgetGate.pending, () => budgetGate.settleFailed()) } }),
    ...(idempotency === undefined ? {} : { idempotency }),
  };
  const current = createLiveGeneration(buildGeneration(config, shared));
  live = current;
  resources.push("provider", () => current.close());
  telemetry?.observeBreakers(() => Object.keys(current.current.config.deployments), { isClosed: (d) => current.current.provider.cooldown.isClosed(d), openForMs: (d) => current.current.provider.cooldown.openForMs(d) });
  // Callers and their budgets come from the config's keys: a bounded set of series.
  if (counters !== undefined) telemetry?.observeBudgets(() => current.current.budgets?.standing(current.current.config.auth.keys) ?? Promise.resolve([]));
  if (usage !== undefined && counters !== undefined) {
    // Memory counters start at zero and Redis may come back empty: what the
    // ledger says was spent this day and month counts again, before the
    // first request (and after every Redis reconnect).
    const restore = async () => {
      const { budgets, config: now } = current.current;
      if (budgets === undefined) return 0;
      return budgets.restore(now.auth.keys, (since) => usage.store.spendSince(since)).catch((err: unknown) => {
        log.warn("budget counters could not be restored from the ledger; they count from what they hold", { error: err instanceof Error ? err.message : String(err) });
        return 0;
      });
    };
    await restore();
    // After a reconnect the counters may be empty (a Redis without
    // persistence): budget checks wait until they are rebuilt, or a request
    // would reserve against zero. Records still queued hold spend the
    // counters lost (settles that failed while Redis was away): written
    // first, so the rebuild counts them.
    const rebuild = () => {
      const rebuilt = usage.ledger
        .flush(5_000)
        .catch(() => undefined)
        .then(restore)
        .finally(() => {
          if (budgetGate.pending === rebuilt) budgetGate.pending = undefined;
        });
      budgetGate.pending = rebuilt;
    };
    counters.onReconnect(rebuild);
    // A settle that failed without the connection dropping (a timeout) also
    // leaves spend out of the counters: rebuild a second later, once.
    let later: NodeJS.Timeout | undefined;
    budgetGate.settleFailed = () => {
      if (later !== undefined || budgetGate.pending !== undefined) return;
      later = setTimeout(() => {
        later = undefined;
        rebuild();
      }, 1_000);
      later.unref();
    };
  }
  const reloadClassifier = () => {
    const result = current.current.decider.reload();
    log.info("classifier reloaded", { model: result.model, trained_at: result.modelInfo.trainedAt ?? "", remembered: result.modelInfo.remembered ?? 0, ...(result.examples ? { examples: result.examples } : {}) });
    return result;
  };
  const reloadConfig = (): ConfigReload => {
    // Parse and build first: a bad file throws here, naming its fields,
    // and the running generation keeps serving untouched.
    const next = readConfig();
    const authProblems = authProblemsAt(next.auth, host);
    if (authProblems.length > 0) throw new ConfigError(source, authProblems);
    const running = current.current.config;
    const restartRequired = restartOnlyChanges(running, next);
    current.swap(buildGeneration(withRestartOnlyOf(running, next), shared));
    log.info("configuration reloaded: the next request runs on it; requests already running finish on the previous one", { source });
    if (restartRequired.length > 0) {
      log.warn("configuration reloaded, but these settings take effect only after a restart", { fields: restartRequired.join(", ") });
    }
    usage?.retune(current.current.config);
    return { source, restartRequired };
  };
  const router = current.router;
  const authenticator = current.authenticator;
  const limits = current.limits;
  const health = createHealthState(SERVED_SERVICES);
  const shutdown = new AbortController();
  // Every in-flight call's handler context listens on this signal; the
  // default limit of 10 listeners would warn under any real concurrency.
  setMaxListeners(0, shutdown.signal);
  // One of each for the RPCs and the OpenAI-style API: the same keys and limits.
  const handler = connectNodeAdapter({
    routes: tierdRoutes({
      router,
      routerOptions: { newRequestId, limits },
      admin: { store: usage?.store, ledger: usage?.ledger, maxFrontierShare: config.usage.max_frontier_share, reloadClassifier, reloadConfig },
      health,
    }),
    interceptors: interceptorsOf(authenticator, log, telemetry),
    fallback: unimplementedFallback,
    // A typo in a JSON request (an unknown field or enum name such as
    // "TIER_GIGANTIC") is an InvalidArgument, not a silently ignored field.
    jsonOptions: { ignoreUnknownFields: false },
    readMaxBytes: config.server.max_request_bytes,
    maxTimeoutMs: config.server.max_timeout_ms,
    shutdownSignal: shutdown.signal,
  });

  const port = options.port ?? config.server.port;
  const maxTimeoutMs = config.server.max_timeout_ms;
  const rpcs: typeof handler = (req, res) => {
    clampTimeoutHeaders(req.headers, maxTimeoutMs);
    guardJsonDepth(req, res);
    handler(req, res);
  };
  // Plain HTTP paths on the same port (see server/plain-http.ts); the rest are RPCs.
  const plainRoutes: PlainRoute[] = [];
  plainRoutes.push(...opsRoutes({ health, checks: readinessChecksOf(config, usage, counters), log, ...metricsOf(config, telemetry, authenticator, log) }));
  plainRoutes.push(
    ...openAiRoutes({
      router,
      newRequestId,
      limits,
      maxRequestBytes: config.server.max_request_bytes,
      shutdownSignal: shutdown.signal,
      deploymentsByTier: {
        get nano() {
          return deploymentsByTierOf(current.current.config).nano;
        },
        get mid() {
          return deploymentsByTierOf(current.current.config).mid;
        },
        get frontier() {
          return deploymentsByTierOf(current.current.config).frontier;
        },
      },
      log,
      ...(authenticator === undefined ? {} : { authenticator }),
    }),
  );
  // The savings dashboard (GET /dashboard): admin key, or none with auth off.
  plainRoutes.push(...dashboardRoutes({ store: usage?.store, ledger: usage?.ledger, authenticator, maxFrontierShare: config.usage.max_frontier_share, log }));
  const guarded = withPlainRoutes(plainRoutes, rpcs, (err) => log.error("HTTP handler failed", { error: reasonOf(err) }));
  const tlsFiles = () => (config.server.tls === undefined ? undefined : readTlsFiles(config.server.tls, source));
  const initialTls = tlsFiles();
  if (initialTls === undefined && !isLoopbackHost(host)) {
    log.warn("listening beyond loopback without TLS: callers' API keys and prompts cross the network in cleartext. Set server.tls (cert_file, key_file), or terminate TLS in a proxy in front of tierd", { host });
  }
  const server = await listenHttp({
    host,
    port,
    handler: guarded,
    log,
    idleTimeoutMs: config.server.idle_timeout_ms,
    readTimeoutMs: config.server.read_timeout_ms,
    maxStreamsPerConnection: config.server.max_streams_per_connection,
    maxConnectionsPerClient: config.server.max_connections_per_client,
    ...(initialTls === undefined ? {} : { tls: initialTls }),
  }).catch((err: unknown) => {
    throw listenError(err, source, host, port);
  });
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
    get config() {
      return current.current.config;
    },
    router,
    get provider() {
      return current.current.provider;
    },
    health,
    demoUpstream,
    usage,
    cache,
    counters,
    reloadClassifier,
    reloadConfig,
    reloadTls() {
      const files = tlsFiles();
      if (files === undefined) return false;
      server.setTls(files);
      log.info("TLS certificate reloaded", { cert_file: config.server.tls!.cert_file });
      return true;
    },
    close(graceMs = config.server.shutdown_grace_ms) {
      closing ??= (async () => {
        health.setAll(HealthCheckResponse_ServingStatus.NOT_SERVING);
        const delayMs = config.server.shutdown_delay_ms;
        if (delayMs > 0) {
          log.info("shutting down: readiness fails now; calls are still taken for server.shutdown_delay_ms, then the drain begins", { delay_ms: delayMs });
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
        await server.close(graceMs, () => {
          log.warn("shutdown grace period over; cancelling in-flight calls", { grace_ms: graceMs });
          shutdown.abort(serverStopping(graceMs));
        });
        // After the drain: requests finished (or cancelled) during the grace
        // period have queued their records; the ledger gets at least 5 s to
        // write them all.
        await resources.closeAll(Math.max(5_000, graceMs), (name, err) => log.error("closing failed", { resource: name, error: reasonOf(err) }));
        log.info("tierd stopped");
      })();
      return closing;
    },
  };
}

/**
 * The configuration and where it came from. The embedded default config
 * with no TIERD_BASE_URL runs in demo mode: a simulated upstream on loopback
 * answers, so the quick start works on a machine with no provider keys.
 */
async function configOf(options: StartOptions, env: Readonly<Record<string, string | undefined>>, resources: ResourceStack) {
  const embedded = options.config === undefined && options.configPath === undefined && options.configText === undefined;
  let demoUpstream: FakeUpstream | undefined;
  let configEnv = env;
  if (embedded && !env.TIERD_BASE_URL) {
    const demo = await startFakeUpstream({ record: false });
    demoUpstream = demo;
    resources.push("demo upstream", () => demo.close());
    configEnv = { ...env, TIERD_BASE_URL: demo.url };
  }
  /** Reads the configuration (again, for a reload: the file as it is now). */
  const read = (): Config => {
    const config =
      options.config ??
      (options.configText !== undefined
        ? parseConfig(options.configText, options.configSource ?? "<config text>", configEnv)
        : loadConfig({ ...(options.configPath === undefined ? {} : { path: options.configPath }), env: configEnv }));
    // Simulated spend goes to a ledger of its own, never into the real one.
    return demoUpstream !== undefined && config.usage.database_url === DEFAULT_DATABASE_URL ? { ...config, usage: { ...config.usage, database_url: DEMO_DATABASE_URL } } : config;
  };
  const source = options.configPath ?? options.configSource ?? EMBEDDED_CONFIG_NAME;
  return { config: read(), read, source, demoUpstream };
}

async function ledgerOf(config: Config, prices: PriceTable, log: Logger, source: string): Promise<RunningLedger | undefined> {
  if (!config.usage.enabled) return undefined;
  try {
    return await startUsageLedger({ config, prices, log });
  } catch (err) {
    throw new ConfigError(source, [
      { path: "usage.database_url", message: `cannot open the usage ledger (${reasonOf(err)}); fix the URL or set usage.enabled: false` },
    ]);
  }
}

/** Budgets and rate limits belong to authenticated callers: no counters without auth. */
async function countersOf(config: Config, source: string): Promise<Counters | undefined> {
  if (!config.auth.enabled) return undefined;
  try {
    return await openCounters(config.counters);
  } catch (err) {
    throw new ConfigError(source, [{ path: "counters.redis_url", message: `cannot reach the counters store (${reasonOf(err)}); fix the URL or use counters.store: memory` }]);
  }
}

/** What watches every request: the ledger, telemetry and the access log. */
/** The idempotency check of caller-chosen request ids (idempotency:), in memory or in Redis. */
async function idempotencyOf(config: Config, log: Logger): Promise<Idempotency | undefined> {
  const c = config.idempotency;
  if (!c.enabled) return undefined;
  let store: IdempotencyStore;
  if (c.store === "redis") {
    const redis = createRedisIdempotencyStore({ url: c.redis_url, keyPrefix: c.key_prefix, timeoutMs: c.redis_timeout_ms, log });
    if (!(await redis.ready(2_000))) log.warn("idempotency: Redis not reachable at start; requests with a request_id run unchecked until it is", { location: redis.location });
    store = redis;
  } else {
    store = createMemoryIdempotencyStore({ maxBytes: c.max_bytes });
  }
  log.info("idempotency of caller-chosen request ids", { store: store.location, window_ms: c.window_ms });
  return createIdempotency({ store, windowMs: c.window_ms, inFlightMs: c.in_flight_ms });
}

function observerOf(config: Config, log: Logger, usage: RunningLedger | undefined, telemetry: RunningTelemetry | undefined, cache: RunningCache): { observer?: RouteObserver } {
  if (telemetry !== undefined && usage !== undefined) telemetry.observeLedger(() => usage.ledger.stats());
  if (telemetry !== undefined && cache.responses !== undefined) telemetry.observeCache(() => cache.stats());
  const observers: RouteObserver[] = [
    ...(usage === undefined ? [] : [usage.observer]),
    ...(telemetry === undefined ? [] : [telemetry.observer]),
    ...(config.log.access ? [createAccessLog(log)] : []),
  ];
  const observer = combineObservers(observers, (err) => log.error("request observer failed", { error: reasonOf(err) }));
  return observer === undefined ? {} : { observer };
}

/**
 * What /readyz checks besides the config (loaded, or nothing would listen):
 * the ledger answers a query (an empty time range: an index probe), and
 * Redis counters answer a PING. Memory counters cannot be down.
 */
function readinessChecksOf(config: Config, usage: RunningLedger | undefined, counters: Counters | undefined): ReadinessCheck[] {
  return [
    ...(usage === undefined ? [] : [{ name: "ledger", check: async () => void (await usage.store.countRecords({ sinceMs: 0, untilMs: 0 })) }]),
    ...(counters === undefined || config.counters.store !== "redis" ? [] : [{ name: "counters", check: () => counters.ping() }]),
  ];
}

/** GET /metrics when Prometheus is on; behind an admin key when auth is on and the config asks for it. */
function metricsOf(config: Config, telemetry: RunningTelemetry | undefined, authenticator: Authenticator | undefined, log: Logger): { metrics?: MetricsEndpoint } {
  const scrape = telemetry?.scrape;
  if (scrape === undefined) return {};
  const guard = config.telemetry.prometheus.require_admin_key ? authenticator : undefined;
  log.info("Prometheus metrics on GET /metrics", { admin_key: guard !== undefined });
  return { metrics: { scrape, contentType: PROMETHEUS_CONTENT_TYPE, ...(guard === undefined ? {} : { authenticator: guard }) } };
}

/**
 * Tracing outermost, so RPC spans see the status the caller gets.
 * Authentication inside the error mapping, so a refused key is a proper
 * UNAUTHENTICATED and its RPC span says so.
 */
function interceptorsOf(authenticator: Authenticator | undefined, log: Logger, telemetry: RunningTelemetry | undefined): Interceptor[] {
  return [
    ...(telemetry?.interceptor === undefined ? [] : [telemetry.interceptor]),
    errorMappingInterceptor(log),
    ...(authenticator === undefined ? [] : [authInterceptor({ authenticator, openServices: OPEN_SERVICES, adminServices: ADMIN_SERVICES })]),
  ];
}

/** GET /v1/models lists each tier's deployments. */
function deploymentsByTierOf(config: Config): Record<"nano" | "mid" | "frontier", { name: string; model: string }[]> {
  const of = (tier: "nano" | "mid" | "frontier") => config.tiers[tier].deployments.map((name) => ({ name, model: config.deployments[name]?.model ?? "" }));
  return { nano: of("nano"), mid: of("mid"), frontier: of("frontier") };
}

/** A port that is taken, or not ours to bind, is a configuration problem with a fix, not a crash. */
function listenError(err: unknown, source: string, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    EADDRINUSE: "the address is already in use (another tierd, or another server, listens there)",
    EACCES: "permission denied (ports below 1024 need privileges)",
    EADDRNOTAVAIL: "this machine has no such address",
  };
  if (code === undefined || why[code] === undefined) return err;
  return new ConfigError(source, [{ path: "server.port", message: `cannot listen on ${host}:${port}: ${why[code]}; choose another server.port / server.host (or --port / --host)` }]);
}

/** server.tls's PEM files, read now; a missing or bad file is a config error naming the field. */
function readTlsFiles(t: NonNullable<Config["server"]["tls"]>, source: string): TlsFiles {
  const read = (field: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(source, [{ path: `server.tls.${field}`, message: `cannot read ${path} (${reasonOf(err)})` }]);
    }
  };
  const files: TlsFiles = { cert: read("cert_file", t.cert_file), key: read("key_file", t.key_file), ...(t.client_ca_file === undefined ? {} : { clientCa: read("client_ca_file", t.client_ca_file) }) };
  try {
    createSecureContext({ cert: files.cert, key: files.key, ...(files.clientCa === undefined ? {} : { ca: files.clientCa }) });
  } catch (err) {
    throw new ConfigError(source, [{ path: "server.tls", message: `the certificate and key do not load (${reasonOf(err)})` }]);
  }
  return files;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
