// The two counter backends every budget and rate-limit test runs against.
import { openCounters, type Counters } from "../../src/callers/index.js";
import { createTestRedisPrefix, REDIS_URL } from "../helpers/redis.js";

export interface CounterBackend {
  name: "memory" | "Redis";
  /** The `counters:` section for a tierd config. */
  config(): Record<string, unknown>;
  open(): Promise<Counters>;
  drop(): Promise<void>;
}

export function counterBackends(): CounterBackend[] {
  const redis = createTestRedisPrefix();
  return [
    { name: "memory", config: () => ({ store: "memory" }), open: () => openCounters({ store: "memory", redis_url: REDIS_URL, key_prefix: "" }), drop: async () => undefined },
    {
      name: "Redis",
      config: () => ({ store: "redis", redis_url: REDIS_URL, key_prefix: redis.prefix }),
      open: () => openCounters({ store: "redis", redis_url: REDIS_URL, key_prefix: redis.prefix }),
      drop: () => redis.cleanup(),
    },
  ];
}
