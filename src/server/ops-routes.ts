// The operator's endpoints on the server port, beside the RPCs: liveness
// (GET /healthz), readiness (GET /readyz) and Prometheus metrics
// (GET /metrics). Health is unauthenticated, like grpc.health.v1: load
// balancers and Kubernetes probes carry no key. See docs/observability.md.
import { HealthCheckResponse_ServingStatus as ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { authorizeAdmin, type Authenticator } from "../callers/index.js";
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import { isTierdError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { HealthState } from "./health.js";
import { sendJson, type PlainResponse, type PlainRoute } from "./plain-http.js";

/** A dependency serving needs; readiness fails while it does not answer. */
export interface ReadinessCheck {
  /** Named in /readyz's reasons and the log, e.g. "ledger". */
  name: string;
  /** Resolves when the dependency answers; cheap (a probe storm is one call a second). */
  check(): Promise<void>;
}

export interface MetricsEndpoint {
  /** The exposition text. */
  scrape(): Promise<string>;
  contentType: string;
  /** Set: a scrape must carry an admin key (telemetry.prometheus.require_admin_key with auth on). */
  authenticator?: Authenticator;
}

export interface OpsRoutesOptions {
  health: HealthState;
  checks: readonly ReadinessCheck[];
  /** No /metrics route without it. */
  metrics?: MetricsEndpoint;
  log: Logger;
  /** How long one readiness verdict is reused. Default 1000 ms. */
  cacheMs?: number;
  /** Longest wait for one check; past it the dependency counts as down. Default 1000 ms. */
  checkTimeoutMs?: number;
  clock?: MonotonicClock;
}

const NO_STORE = { "cache-control": "no-store" };

export function opsRoutes(options: OpsRoutesOptions): PlainRoute[] {
  const { health } = options;
  const draining = () => health.statusOf("") !== ServingStatus.SERVING;
  const readiness = createReadiness(options);
  const routes: PlainRoute[] = [
    {
      path: "/healthz",
      methods: ["GET"],
      // Live while the process serves, draining included: a liveness probe
      // that failed during the grace period would kill the calls it protects.
      handle: (_req, res) => sendJson(res, 200, { status: "ok" }, NO_STORE),
    },
    {
      path: "/readyz",
      methods: ["GET"],
      async handle(_req, res) {
        // Checked before and after the dependency checks: shutdown may begin while they run.
        if (draining()) return sendJson(res, 503, { status: "draining", reasons: ["shutting down: draining in-flight calls"] }, NO_STORE);
        const reasons = await readiness();
        if (draining()) return sendJson(res, 503, { status: "draining", reasons: ["shutting down: draining in-flight calls"] }, NO_STORE);
        if (reasons.length > 0) return sendJson(res, 503, { status: "not_ready", reasons }, NO_STORE);
        sendJson(res, 200, { status: "ready" }, NO_STORE);
      },
    },
  ];
  const { metrics } = options;
  if (metrics !== undefined) {
    routes.push({
      path: "/metrics",
      methods: ["GET"],
      async handle(req, res) {
        if (metrics.authenticator !== undefined && !admitted(metrics.authenticator, req.headers.authorization, res)) return;
        const text = await metrics.scrape();
        res.writeHead(200, { "content-type": metrics.contentType, "content-length": String(Buffer.byteLength(text)), ...NO_STORE });
        res.end(text);
      },
    });
  }
  return routes;
}

/** An admin key's request goes on; anything else has its 401 or 403 sent. */
function admitted(authenticator: Authenticator, authorization: string | undefined, res: PlainResponse): boolean {
  try {
    authorizeAdmin(authenticator.authenticate(authorization));
    return true;
  } catch (err) {
    if (!isTierdError(err)) throw err;
    const denied = err.code === "permission_denied";
    const message = denied ? "/metrics needs an admin key (telemetry.prometheus.require_admin_key)" : `${err.message} (/metrics needs an admin key)`;
    sendJson(res, denied ? 403 : 401, { error: { message, type: "authentication_error", code: err.code } }, denied ? {} : { "www-authenticate": 'Bearer realm="tierd"' });
    return false;
  }
}

/**
 * The failed checks' reasons, from a verdict at most `cacheMs` old. Probes
 * arriving together share one run; a check still running from an earlier
 * run (a hung database) is waited on again, never started twice. Reasons
 * name the dependency only: /readyz is unauthenticated, and a driver's
 * error (host names, user names) goes to the log instead, when readiness
 * changes.
 */
function createReadiness(options: OpsRoutesOptions): () => Promise<string[]> {
  const { checks, log } = options;
  const cacheMs = options.cacheMs ?? 1_000;
  const timeoutMs = options.checkTimeoutMs ?? 1_000;
  const clock = options.clock ?? monotonicNow;
  const running = new Map<string, Promise<void>>();
  let verdict: { at: number; reasons: string[] } | undefined;
  let pending: Promise<string[]> | undefined;
  let lastLogged = "";

  const attempt = (c: ReadinessCheck): Promise<void> => {
    let p = running.get(c.name);
    if (p === undefined) {
      p = c.check().finally(() => running.delete(c.name));
      running.set(c.name, p);
    }
    return within(p, timeoutMs);
  };

  const run = async (): Promise<string[]> => {
    const failures = await Promise.all(
      checks.map(async (c) => {
        try {
          await attempt(c);
          return undefined;
        } catch (err) {
          const timedOut = err instanceof CheckTimeout;
          return { name: c.name, reason: `${c.name}: ${timedOut ? `no answer within ${timeoutMs} ms` : "not reachable"}`, detail: timedOut ? "" : errorText(err) };
        }
      }),
    );
    const failed = failures.filter((f) => f !== undefined);
    const reasons = failed.map((f) => f.reason);
    const summary = reasons.join("; ");
    if (summary !== lastLogged) {
      if (failed.length > 0) log.warn("not ready", { reasons: summary, errors: failed.map((f) => (f.detail === "" ? f.name : `${f.name}: ${f.detail}`)).join("; ") });
      else log.info("ready again");
      lastLogged = summary;
    }
    verdict = { at: clock(), reasons };
    return reasons;
  };

  return () => {
    if (verdict !== undefined && clock() - verdict.at < cacheMs) return Promise.resolve(verdict.reasons);
    pending ??= run().finally(() => (pending = undefined));
    return pending;
  };
}

class CheckTimeout extends Error {}

/** `p`, or a CheckTimeout after `ms`; `p` itself runs on (and is reused by the next run). */
function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
