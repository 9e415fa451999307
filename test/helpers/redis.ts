// A Redis key prefix of its own for one test run: other engineers' tests
// share the server, so every run gets a random prefix and deletes its keys.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.TIERD_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface TestRedisPrefix {
  prefix: string;
  /** Keys under the prefix, for assertions. */
  keys(): Promise<string[]>;
  drop(): Promise<void>;
}

export function createTestRedisPrefix(name = "tierd_test"): TestRedisPrefix {
  const prefix = `${name}:${randomBytes(6).toString("hex")}:`;
  const scan = async (redis: Redis) => {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    return keys;
  };
  const withRedis = async <T>(fn: (redis: Redis) => Promise<T>) => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    try {
      return await fn(redis);
    } finally {
      redis.disconnect();
    }
  };
  return {
    prefix,
    keys: () => withRedis(scan),
    drop: () =>
      withRedis(async (redis) => {
        const keys = await scan(redis);
        if (keys.length > 0) await redis.del(...keys);
      }),
  };
}
