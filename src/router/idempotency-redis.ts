// The idempotency store in Redis, so a retry that lands on another replica
// finds the first replica's claim or answer. A claim is one atomic script
// (SET NX PX, else GET): two replicas racing for one id cannot both win.
// Like the response cache, nothing here waits for a Redis that is away
// (no offline queue, no resends, a command timeout): the request then runs
// unchecked, and the outage is a rate-limited warning.
import { Redis } from "ioredis";
import type { Logger } from "../core/log.js";
import { redisLocation, redisReady } from "../cache/index.js";
import { bigintReplacer, bigintReviver } from "../core/bigint-json.js";
import type { ClaimResult, IdempotencyStore, StoredAnswer } from "./idempotency.js";

export interface RedisIdempotencyOptions {
  url: string;
  keyPrefix: string;
  timeoutMs: number;
  log: Logger;
  /** Failures are logged at most once per this interval. Default 10 s. */
  warnIntervalMs?: number;
}

/** Claims the key when free (returns ""), else returns what holds it. */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return '' end
return redis.call('GET', KEYS[1]) or ''`;

/** Deletes the key only while it is still this owner's pending claim. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface ScriptedRedis extends Redis {
  tierdIdemClaim(key: string, value: string, ttlMs: number): Promise<string>;
  tierdIdemRelease(key: string, value: string): Promise<number>;
}

type Stored = { s: "p"; f: string; o: string } | { s: "d"; f: string; a: StoredAnswer };

export interface RedisIdempotencyStore extends IdempotencyStore {
  /** Resolves true once connected; false on a connection error or after timeoutMs (it keeps reconnecting). */
  ready(timeoutMs: number): Promise<boolean>;
}

export function createRedisIdempotencyStore(options: RedisIdempotencyOptions): RedisIdempotencyStore {
  const { log, keyPrefix } = options;
  const location = redisLocation(options.url);
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(1_000, options.timeoutMs),
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
  }) as ScriptedRedis;
  redis.defineCommand("tierdIdemClaim", { numberOfKeys: 1, lua: CLAIM });
  redis.defineCommand("tierdIdemRelease", { numberOfKeys: 1, lua: RELEASE });
  const warnEvery = options.warnIntervalMs ?? 10_000;
  let lastWarn = -Infinity;
  let failures = 0;
  let closed = false;
  const failed = (operation: string, err: unknown) => {
    failures++;
    const now = Date.now();
    if (now - lastWarn < warnEvery) return;
    lastWarn = now;
    log.warn("idempotency: Redis unavailable; requests with a request_id run unchecked (a retry may call the model again)", {
      location,
      operation,
      error: err instanceof Error ? err.message : String(err),
      failures,
    });
    failures = 0;
  };
  redis.on("error", (err: unknown) => {
    if (!closed) failed("connect", err);
  });
  const key = (k: string) => `${keyPrefix}i:${k}`;
  const pending = (fingerprint: string, owner: string) => JSON.stringify({ s: "p", f: fingerprint, o: owner } satisfies Stored);

  return {
    location,
    async claim(k, fingerprint, owner, inFlightMs): Promise<ClaimResult> {
      if (redis.status !== "ready") return { state: "unavailable" };
      let raw: string;
      try {
        raw = await redis.tierdIdemClaim(key(k), pending(fingerprint, owner), Math.max(1, Math.round(inFlightMs)));
      } catch (err) {
        failed("claim", err);
        return { state: "unavailable" };
      }
      if (raw === "") return { state: "claimed" };
      let stored: Stored;
      try {
        stored = JSON.parse(raw, bigintReviver) as Stored;
      } catch (err) {
        failed("decode", err);
        return { state: "unavailable" };
      }
      return stored.s === "d" ? { state: "done", fingerprint: stored.f, answer: stored.a } : { state: "pending", fingerprint: stored.f };
    },
    async complete(k, fingerprint, answer, windowMs) {
      try {
        await redis.set(key(k), JSON.stringify({ s: "d", f: fingerprint, a: answer } satisfies Stored, bigintReplacer), "PX", Math.max(1, Math.round(windowMs)));
      } catch (err) {
        failed("complete", err);
      }
    },
    async release(k, fingerprint, owner) {
      try {
        await redis.tierdIdemRelease(key(k), pending(fingerprint, owner));
      } catch (err) {
        // The claim then expires after in_flight_ms; a retry waits until then.
        failed("release", err);
      }
    },
    ready: (timeoutMs) => redisReady(redis, timeoutMs),
    async close() {
      closed = true;
      redis.disconnect();
    },
  };
}
