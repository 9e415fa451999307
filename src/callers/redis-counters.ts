// The Redis connection behind budget and rate-limit counters, and Lua
// scripts run by digest. Commands fail fast while Redis is unreachable
// (no offline queue, one try): a request must not hang on a counter, and
// the caller of each store decides whether that fails closed or open.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";

export interface RedisCounters {
  readonly redis: Redis;
  /** Prepended to every key (counters.key_prefix). */
  readonly prefix: string;
  /** Runs a Lua script by SHA-1, loading it on first use or after a SCRIPT FLUSH. */
  run(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface LuaScript {
  source: string;
  sha1: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash("sha1").update(source).digest("hex") };
}

export interface ConnectRedisOptions {
  url: string;
  keyPrefix: string;
  /** Longest wait for one command. Default 2000 ms. */
  commandTimeoutMs?: number;
}

/** Connects and waits until Redis answers; rejects when it cannot. */
export async function connectRedisCounters(options: ConnectRedisOptions): Promise<RedisCounters> {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: 5_000,
    // Reconnect in the background with a capped backoff; commands fail meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Errors surface on commands; the connection's own events would only be noise.
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return {
    redis,
    prefix: options.keyPrefix,
    async run(script, keys, args) {
      try {
        return await redis.evalsha(script.sha1, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
        return redis.eval(script.source, keys.length, ...keys, ...args);
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
