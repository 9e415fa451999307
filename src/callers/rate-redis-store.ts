// Token buckets in Redis, shared by every replica: one hash per bucket
// (level, at), refilled from Redis's own clock inside a Lua script, so the
// check and the take are atomic and replicas' clocks never disagree.
import { luaScript, type RedisCounters } from "./redis-counters.js";
import { waitMs, type BucketSpec, type RateLimitStore } from "./rate-store.js";

const REFILL = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function level_of(key, cap, rate)
  local v = redis.call('HMGET', key, 'level', 'at')
  local level, at = tonumber(v[1]), tonumber(v[2])
  if level == nil then return cap end
  return math.min(cap, level + math.max(0, now - at) * rate)
end
local function store(key, level, cap, rate)
  redis.call('HSET', key, 'level', tostring(level), 'at', tostring(now))
  -- A bucket left alone refills completely within cap / rate: then it is the default.
  redis.call('PEXPIRE', key, math.ceil(cap / rate) + 1000)
end
`;

/** KEYS: buckets. ARGV per bucket: capacity, refill per ms, amount, mode (1: debt). Returns {0} or {index, level}. */
const TAKE = luaScript(`${REFILL}
local levels = {}
for i = 1, #KEYS do
  local cap, rate, amount, debt = tonumber(ARGV[4 * i - 3]), tonumber(ARGV[4 * i - 2]), tonumber(ARGV[4 * i - 1]), ARGV[4 * i] == '1'
  local level = level_of(KEYS[i], cap, rate)
  if (debt and level <= 0) or ((not debt) and level < amount) then return {i, tostring(level)} end
  levels[i] = level
end
for i = 1, #KEYS do
  store(KEYS[i], levels[i] - tonumber(ARGV[4 * i - 1]), tonumber(ARGV[4 * i - 3]), tonumber(ARGV[4 * i - 2]))
end
return {0}
`);

/** KEYS: one bucket. ARGV: capacity, refill per ms, amount. */
const ADJUST = luaScript(`${REFILL}
local cap, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
store(KEYS[1], math.min(cap, level_of(KEYS[1], cap, rate) + tonumber(ARGV[3])), cap, rate)
return 0
`);

export function createRedisRateLimitStore(counters: RedisCounters): RateLimitStore {
  const keyOf = (spec: BucketSpec) => `${counters.prefix}rate:${spec.key}`;
  return {
    async take(takes) {
      const args = takes.flatMap((t) => [String(t.capacity), String(t.refillPerMs), String(t.amount), t.mode === "debt" ? "1" : "0"]);
      const [index, level] = (await counters.run(TAKE, takes.map(keyOf), args)) as [number, string?];
      if (index === 0) return { ok: true };
      return { ok: false, index: index - 1, retryAfterMs: waitMs(Number(level), takes[index - 1]!) };
    },
    async adjust(spec, amount) {
      await counters.run(ADJUST, [keyOf(spec)], [String(spec.capacity), String(spec.refillPerMs), String(amount)]);
    },
    async close() {},
  };
}
