// The shared backend: Redis, so every replica serves what any replica
// stored. Redis is an optimisation here, never a dependency: every call is
// bounded, a failure is a miss (or a dropped write), and an outage is a
// rate-limited warning and a metric, not an error for the caller.
//
// ioredis choices, all made so that nothing waits on a Redis that is away:
//  - enableOfflineQueue: false. While disconnected, a command fails at once
//    instead of waiting in memory for a reconnect that may never come (the
//    default would hold every lookup, and so every request, until then).
//  - maxRetriesPerRequest: 0. Commands already sent when the connection
//    drops fail on the first reconnect attempt instead of being resent up to
//    20 times (the default); a late cache answer is worth nothing.
//  - commandTimeout: cache.redis_timeout_ms. Bounds a command sent to a
//    Redis that is connected but not answering (overloaded, paused, a
//    half-open TCP connection), which the two options above do not cover.
//  - After a failed command, Redis is skipped for `retryAfterMs`: a stalled
//    Redis would otherwise cost every request the full timeout. A reconnect
//    ends the pause at once.
//  - retryStrategy: reconnect forever, backing off to 2 s, so the cache
//    comes back by itself when Redis does.
import { Redis } from "ioredis";
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import type { CacheBackend, CacheBackendStats } from "./backend.js";

export interface RedisBackendOptions {
  /** redis:// or rediss:// URL; credentials in it never reach a log. */
  url: string;
  /** Prepended to every key (cache.key_prefix). */
  keyPrefix: string;
  /** Longest wait for one command, in ms. */
  timeoutMs: number;
  log: Logger;
  /** After a failure, Redis is skipped this long. Default 1000 ms. */
  retryAfterMs?: number;
  /** Failures are logged at most once per this interval, with their count. Default 10 s. */
  warnIntervalMs?: number;
  clock?: MonotonicClock;
}

export interface RedisBackend extends CacheBackend {
  /**
   * Resolves true once connected; false on the first connection error or
   * after `timeoutMs` (the backend keeps reconnecting in the background).
   */
  ready(timeoutMs: number): Promise<boolean>;
}

/** Reconnect backoff: 100 ms more per attempt, at most 2 s. */
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 2_000);

export function createRedisBackend(options: RedisBackendOptions): RedisBackend {
  const clock = options.clock ?? monotonicNow;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const warnIntervalMs = options.warnIntervalMs ?? 10_000;
  const { log, keyPrefix } = options;
  const location = redisLocation(options.url);
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(1_000, options.timeoutMs),
    retryStrategy: reconnectDelayMs,
  });
  let errors = 0;
  let skipUntil = 0;
  let lastWarnAt = -Infinity;
  let failuresSinceWarn = 0;
  let down = false;
  let closed = false;

  const failed = (operation: string, err: unknown) => {
    errors++;
    failuresSinceWarn++;
    skipUntil = clock() + retryAfterMs;
    down = true;
    const now = clock();
    if (now - lastWarnAt >= warnIntervalMs) {
      log.warn("response cache: Redis unavailable, serving without it", {
        location,
        operation,
        error: err instanceof Error ? err.message : String(err),
        failures: failuresSinceWarn,
        failures_total: errors,
      });
      lastWarnAt = now;
      failuresSinceWarn = 0;
    }
  };

  // Without a listener ioredis prints every connection error to the console.
  redis.on("error", (err: unknown) => {
    if (!closed) failed("connect", err);
  });
  redis.on("ready", () => {
    skipUntil = 0;
    if (down) log.info("response cache: Redis reachable again", { location });
    down = false;
  });

  const available = () => !closed && clock() >= skipUntil;
  const misses = (keys: readonly string[]) => keys.map(() => undefined);

  return {
    location,
    async getMany(keys) {
      if (keys.length === 0 || !available()) return misses(keys);
      try {
        const values = keys.length === 1 ? [await redis.get(keyPrefix + keys[0]!)] : await redis.mget(keys.map((k) => keyPrefix + k));
        return values.map((v) => v ?? undefined);
      } catch (err) {
        failed("get", err);
        return misses(keys);
      }
    },
    async set(key, value, ttlMs) {
      if (!available()) return;
      try {
        await redis.set(keyPrefix + key, value, "PX", Math.max(1, Math.round(ttlMs)));
      } catch (err) {
        failed("set", err);
      }
    },
    ready: (timeoutMs) => redisReady(redis, timeoutMs),
    stats: (): CacheBackendStats => ({ errors }),
    async close() {
      if (closed) return;
      closed = true;
      if (redis.status === "ready") {
        // QUIT lets Redis finish what was sent; a Redis that does not answer gets a plain disconnect.
        await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      }
      redis.disconnect();
    },
  };
}

/** The URL without credentials: what logs may show. */
/**
 * Resolves true once the connection is ready; false on the first connection
 * error or after `timeoutMs` (ioredis keeps reconnecting in the background).
 */
export function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on("ready", onReady);
    redis.on("error", onError);
  });
}

export function redisLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || "6379"}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "redis (unparseable URL)";
  }
}
