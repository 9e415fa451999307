// The parts of tierd that one configuration builds: the provider (its
// deployments, prices, retries, breakers), the decider (rules and
// classifier), the caller limits (keys, budgets, rate limits, input limits)
// and the router over them. A config reload builds a new generation from the
// new file and swaps it in: the next request runs on it, a request already
// running finishes on the generation it started on, and a retired
// generation's provider closes once its last request is done.
//
// What outlives every generation (the ledger, the caches, the counters'
// store, idempotency, telemetry, the listener) is built once by app.ts and
// handed in as SharedParts.
import { createAuthenticator, createBudgets, createCallerGate, createInputLimits, createRateLimits, type Authenticator, type Budgets, type Counters, type InputLimits } from "./callers/index.js";
import type { Config } from "./config/index.js";
import type { Logger } from "./core/log.js";
import { Tier } from "./core/types.js";
import type { DecisionCache } from "./classifier/index.js";
import { createConfiguredDecider, type ConfiguredDecider } from "./policy/index.js";
import { createProvider, type ProviderWithCooldown } from "./provider/index.js";
import type { ResponseCache } from "./cache/index.js";
import { createRouter, type Idempotency, type RouteObserver, type Router } from "./router/index.js";

export interface SharedParts {
  log: Logger;
  source: string;
  observer?: RouteObserver;
  responseCache?: ResponseCache;
  decisionCache?: DecisionCache;
  counters?: Counters;
  idempotency?: Idempotency;
}

export interface Generation {
  readonly config: Config;
  readonly provider: ProviderWithCooldown;
  readonly decider: ConfiguredDecider;
  readonly budgets: Budgets | undefined;
  readonly router: Router;
  readonly authenticator: Authenticator | undefined;
  readonly limits: InputLimits;
}

/** Builds every per-config part; throws ConfigError (nothing opened) when the config cannot serve. */
export function buildGeneration(config: Config, shared: SharedParts): Generation {
  const { counters, log } = shared;
  const provider = createProvider({ config, configSource: shared.source, log, coalesceAbove: config.server.coalesce_deltas_above_streams });
  try {
    const budgets = counters === undefined ? undefined : createBudgets({ config, prices: provider.prices, store: counters.budgets, log });
    const gate = counters === undefined || budgets === undefined ? undefined : createCallerGate({ rateLimits: createRateLimits({ config, store: counters.rateLimits, log }), budgets });
    const decider = createConfiguredDecider({
      config,
      // The LLM classifier's call is the caller's spend: reserved against its
      // budgets before it is made (refused, it is not made and the local
      // decision stands), settled to what it cost.
      complete: (req, ctx) => {
        const spend = ctx.principal === undefined ? undefined : budgets?.spendGuard(ctx.principal, req);
        return provider.complete(Tier.NANO, req, ctx, { withinTier: true, ...(spend === undefined ? {} : { spend }) });
      },
      configSource: shared.source,
      ...(shared.decisionCache === undefined ? {} : { cache: shared.decisionCache }),
    });
    const router = createRouter({
      decider,
      provider,
      ...(shared.observer === undefined ? {} : { observer: shared.observer }),
      ...(shared.responseCache === undefined ? {} : { responseCache: shared.responseCache }),
      ...(gate === undefined ? {} : { gate }),
      ...(shared.idempotency === undefined ? {} : { idempotency: shared.idempotency }),
    });
    const authenticator = config.auth.enabled ? createAuthenticator({ auth: config.auth }) : undefined;
    return { config, provider, decider, budgets, router, authenticator, limits: createInputLimits({ limits: config.limits }) };
  } catch (err) {
    void provider.close();
    throw err;
  }
}

/**
 * The generation serving now, behind stable objects (router, authenticator,
 * input limits) that the server's routes hold for their whole life.
 */
export interface LiveGeneration {
  readonly current: Generation;
  readonly router: Router;
  /** Present when authentication is on (a restart-only setting). */
  readonly authenticator: Authenticator | undefined;
  readonly limits: InputLimits;
  /** Serves `next` from the next request on; the old one closes when its last request ends. */
  swap(next: Generation): void;
  /** Requests running on each generation still open, newest first (for tests and logs). */
  inFlight(): number[];
  /** Closes every generation's provider (shutdown, after the drain). */
  close(): Promise<void>;
}

interface Tracked {
  generation: Generation;
  running: number;
  retired: boolean;
  closed?: Promise<void>;
}

export function createLiveGeneration(initial: Generation): LiveGeneration {
  let current: Tracked = { generation: initial, running: 0, retired: false };
  const open = new Set<Tracked>([current]);
  const closeIfIdle = (t: Tracked) => {
    if (!t.retired || t.running > 0 || t.closed !== undefined) return;
    t.closed = t.generation.provider.close();
    open.delete(t);
  };
  const enter = () => {
    const t = current;
    t.running++;
    return t;
  };
  const leave = (t: Tracked) => {
    t.running--;
    closeIfIdle(t);
  };
  const router: Router = {
    async classify(input, ctx) {
      const t = enter();
      try {
        return await t.generation.router.classify(input, ctx);
      } finally {
        leave(t);
      }
    },
    async route(request, ctx) {
      const t = enter();
      try {
        return await t.generation.router.route(request, ctx);
      } finally {
        leave(t);
      }
    },
    async *stream(request, ctx) {
      const t = enter();
      try {
        yield* t.generation.router.stream(request, ctx);
      } finally {
        leave(t);
      }
    },
  };
  const authenticator: Authenticator | undefined =
    initial.authenticator === undefined ? undefined : { authenticate: (header) => (current.generation.authenticator ?? initial.authenticator!).authenticate(header) };
  return {
    get current() {
      return current.generation;
    },
    router,
    authenticator,
    limits: {
      checkClassify: (input) => current.generation.limits.checkClassify(input),
      checkCompletion: (request) => current.generation.limits.checkCompletion(request),
    },
    swap(next) {
      const old = current;
      current = { generation: next, running: 0, retired: false };
      open.add(current);
      old.retired = true;
      closeIfIdle(old);
    },
    inFlight: () => [...open].reverse().map((t) => t.running),
    async close() {
      const pending = [...open].map((t) => t.closed ?? t.generation.provider.close());
      open.clear();
      await Promise.all(pending);
    },
  };
}
