// The budget and rate-limit stores the config asks for: in this process, or
// in Redis shared by every replica.
import { createMemoryBudgetStore } from "./budget-memory-store.js";
import { createRedisBudgetStore } from "./budget-redis-store.js";
import { type BudgetStore } from "./budget-store.js";
import type { CountersConfig } from "../config/index.js";
import { createMemoryRateLimitStore } from "./rate-memory-store.js";
import { createRedisRateLimitStore } from "./rate-redis-store.js";
import { type RateLimitStore } from "./rate-store.js";
import { connectRedisCounters } from "./redis-counters.js";

export interface Counters {
  budgets: BudgetStore;
  rateLimits: RateLimitStore;
  /** Secret-free description, for logs. */
  location: string;
  /** Resolves when the store answers (Redis: a PING, failing fast while disconnected); for readiness. */
  ping(): Promise<void>;
  /** Redis: called each time the connection is back after a loss. Memory: never. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export async function openCounters(config: CountersConfig): Promise<Counters> {
  if (config.store === "memory") {
    const budgets = createMemoryBudgetStore();
    const rateLimits = createMemoryRateLimitStore();
    return { budgets, rateLimits, location: "memory", ping: async () => undefined, onReconnect: () => undefined, close: async () => void (await Promise.all([budgets.close(), rateLimits.close()])) };
  }
  const redis = await connectRedisCounters({ url: config.redis_url, keyPrefix: config.key_prefix });
  const url = new URL(config.redis_url);
  return {
    budgets: createRedisBudgetStore(redis),
    rateLimits: createRedisRateLimitStore(redis),
    location: `redis ${url.hostname}:${url.port || "6379"} prefix ${JSON.stringify(config.key_prefix)}`,
    ping: async () => void (await redis.redis.ping()),
    onReconnect: (listener) => redis.onReconnect(listener),
    close: () => redis.close(),
  };
}
