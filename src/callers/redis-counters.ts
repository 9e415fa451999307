// The Redis connection behind budget and rate-limit counters, and their Lua
// scripts, defined as ioredis commands (EVALSHA, and EVAL after a SCRIPT
// FLUSH or on a fresh server, is ioredis's job). Commands fail fast while Redis is unreachable
// (no offline queue, one try): a request must not hang on a counter, and
// the caller of each store decides whether that fails closed or open.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";

export interface RedisCounters {
  readonly redis: Redis;
  /** Prepended to every key (counters.key_prefix). */
  readonly prefix: string;
  /** Runs a Lua script (by digest; ioredis loads it when the server lacks it). */
  run(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Called each time the connection is back after a loss (Redis may have restarted empty). */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export interface LuaScript {
  source: string;
  /** The command's name on the connection: unique per source. */
  name: string;
}

export function luaScript(source: string): LuaScript {
  return { source, name: `tierd_${createHash("sha1").update(source).digest("hex").slice(0, 16)}` };
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

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
  const defined = new Set<string>();
  const reconnected: (() => void)[] = [];
  // Connected above: every later "ready" follows a lost connection.
  redis.on("ready", () => {
    for (const listener of reconnected) listener();
  });
  return {
    onReconnect: (listener) => void reconnected.push(listener),
    redis,
    prefix: options.keyPrefix,
    run(script, keys, args) {
      if (!defined.has(script.name)) {
        redis.defineCommand(script.name, { lua: script.source });
        defined.add(script.name);
      }
      // defineCommand adds the method at run time; the Redis type cannot know it.
      const command = (redis as unknown as Record<string, ScriptCommand>)[script.name]!;
      return command.call(redis, keys.length, ...keys, ...args);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
