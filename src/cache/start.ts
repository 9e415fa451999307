// The caches as the app runs them: one backend from config (Redis when
// cache.redis_url is set, else memory), the response cache over it, and, on
// Redis, the LLM classifier's verdicts too.
import type { CacheConfig, Config } from "../config/index.js";
import type { MonotonicClock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import type { RoutableTier } from "../core/types.js";
import type { DecisionCache } from "../classifier/index.js";
import type { PriceTable } from "../pricing/index.js";
import type { CacheBackend, CacheBackendStats } from "./backend.js";
import { createBackendDecisionCache } from "./decision-store.js";
import { createMemoryBackend } from "./memory-backend.js";
import { createRedisBackend } from "./redis-backend.js";
import { createResponseCache, type ResponseCache, type ResponseCacheStats } from "./response-cache.js";
import { perTier } from "../core/tiers.js";

export interface RunningCache {
  /** The response cache; undefined when cache.enabled is false. */
  responses: ResponseCache | undefined;
  /** Classifier verdicts in Redis; undefined in memory, where the classifier keeps its own LRU. */
  decisions: DecisionCache | undefined;
  readonly location: string;
  stats(): CacheStats;
  close(): Promise<void>;
}

export interface CacheStats extends ResponseCacheStats {
  backend: CacheBackendStats;
}

export interface StartCacheOptions {
  config: Pick<Config, "cache" | "tiers" | "deployments">;
  prices: PriceTable;
  log: Logger;
  /** TTL time of the memory backend (tests). */
  clock?: MonotonicClock;
  /** How long start-up waits for Redis before serving without it. Default 2000 ms. */
  redisReadyTimeoutMs?: number;
}

export async function startCache(options: StartCacheOptions): Promise<RunningCache> {
  const { config, log } = options;
  const c = config.cache;
  let backend: CacheBackend | undefined;
  if (c.redis_url !== undefined) {
    const redis = createRedisBackend({ url: c.redis_url, keyPrefix: c.key_prefix, timeoutMs: c.redis_timeout_ms, log });
    backend = redis;
    if (!(await redis.ready(options.redisReadyTimeoutMs ?? 2_000))) {
      log.warn("response cache: Redis not reachable at start; serving without it until it is", { location: redis.location });
    }
  } else if (c.enabled) {
    backend = createMemoryBackend({ maxBytes: c.max_bytes, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  }
  const responses =
    c.enabled && backend !== undefined
      ? createResponseCache({
          backend,
          tiers: tierPolicies(c),
          modelsOf: modelsOfTiers(config),
          prices: options.prices,
          sampled: c.sampled,
          maxEntryBytes: c.max_entry_bytes,
          scope: c.scope,
        })
      : undefined;
  const decisions = c.redis_url !== undefined && backend !== undefined ? createBackendDecisionCache({ backend, ttlMs: c.decision_ttl_ms }) : undefined;
  const location = backend?.location ?? "off";
  if (responses !== undefined) log.info("response cache ready", { location, sampled: c.sampled, scope: c.scope });
  const empty: ResponseCacheStats = { hits: 0, misses: 0, stores: 0, skipped: 0, tooLarge: 0 };
  return {
    responses,
    decisions,
    location,
    stats: () => ({ ...(responses?.stats() ?? empty), backend: backend?.stats() ?? { errors: 0 } }),
    close: async () => {
      await backend?.close();
    },
  };
}

function tierPolicies(c: CacheConfig) {
  const policy = (t: CacheConfig["tiers"]["nano"]) => ({ enabled: t.enabled, ttlMs: t.ttl_ms });
  return perTier((name) => policy(c.tiers[name]));
}

/** Each tier's distinct deployment models, in config order. */
export function modelsOfTiers(config: Pick<Config, "tiers" | "deployments">): Record<RoutableTier, string[]> {
  return perTier((tier) => [...new Set(config.tiers[tier].deployments.map((name) => config.deployments[name]!.model))]);
}
