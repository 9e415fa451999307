// Budget counters in Redis, shared by every replica. Each scope is a hash
// (spent, reserved, and one field per live reservation) plus a sorted set
// of reservation leases by expiry. Every operation is one Lua script, so a
// check and the reservation it allows are atomic across replicas, and lease
// expiry uses Redis's clock (TIME), not each replica's.
//
// Amounts are int64 pico-USD strings. Lua numbers are doubles, exact only up
// to 2^53 (~$9,007 in pico-USD), so the scripts never turn an amount into one
// number: they split it into a high and a low part of nine digits each and
// add and compare those, and leave the updates to HINCRBY (exact int64).
import type { RedisCounters } from "./redis-counters.js";
import { luaScript } from "./redis-counters.js";
import { randomUUID } from "node:crypto";
import type { BudgetScope, BudgetStore, Reservation } from "./budget-store.js";

const COMMON = `
local function split(s)
  s = s or '0'
  local n = #s
  if n <= 9 then return 0, tonumber(s) end
  return tonumber(string.sub(s, 1, n - 9)), tonumber(string.sub(s, n - 8))
end
local function add(ah, al, bh, bl)
  local lo = al + bl
  local carry = math.floor(lo / 1000000000)
  return ah + bh + carry, lo - carry * 1000000000
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function release(h, z, id)
  local amount = redis.call('HGET', h, 'r:' .. id)
  if amount then
    if amount ~= '0' then redis.call('HINCRBY', h, 'reserved', '-' .. amount) end
    redis.call('HDEL', h, 'r:' .. id)
  end
  redis.call('ZREM', z, id)
end
local function purge(h, z, now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', now)) do release(h, z, id) end
end
`;

/** KEYS: hash, leases per scope. ARGV: id, amount, lease ms, then limit and expire-at (s) per scope. */
const RESERVE = luaScript(`${COMMON}
local id, amount, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local n = #KEYS / 2
local now = now_ms()
local ah, al = split(amount)
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z, now)
  local v = redis.call('HMGET', h, 'spent', 'reserved')
  local sh, sl = split(v[1])
  local rh, rl = split(v[2])
  local uh, ul = add(sh, sl, rh, rl)
  local th, tl = add(uh, ul, ah, al)
  local lh, ll = split(ARGV[2 + 2 * i])
  if th > lh or (th == lh and tl > ll) then return {i, v[1] or '0', v[2] or '0'} end
end
for i = 1, n do
  local h, z, exp = KEYS[2 * i - 1], KEYS[2 * i], ARGV[3 + 2 * i]
  if amount ~= '0' then redis.call('HINCRBY', h, 'reserved', amount) end
  redis.call('HSET', h, 'r:' .. id, amount)
  redis.call('ZADD', z, now + lease, id)
  redis.call('EXPIREAT', h, exp)
  redis.call('EXPIREAT', z, exp)
end
return {0}
`);

/** KEYS: hash, leases per scope. ARGV: id, actual, then expire-at (s) per scope. */
const SETTLE = luaScript(`${COMMON}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  release(h, z, ARGV[1])
  if ARGV[2] ~= '0' then redis.call('HINCRBY', h, 'spent', ARGV[2]) end
  redis.call('EXPIREAT', h, ARGV[2 + i])
end
return 0
`);

/** KEYS: hash, leases per scope. ARGV: id, lease ms. */
const RENEW = luaScript(`${COMMON}
local now = now_ms()
for i = 1, #KEYS / 2 do redis.call('ZADD', KEYS[2 * i], 'XX', now + tonumber(ARGV[2]), ARGV[1]) end
return 0
`);

/** KEYS: hash, leases per scope. Returns spent and reserved per scope. */
const READ = luaScript(`${COMMON}
local now = now_ms()
local out = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z, now)
  local v = redis.call('HMGET', h, 'spent', 'reserved')
  out[2 * i - 1] = v[1] or '0'
  out[2 * i] = v[2] or '0'
end
return out
`);

/** KEYS: hash. ARGV: at-least amount, expire-at (s). Compares as the other scripts add: in two exact parts. */
const RAISE = luaScript(`${COMMON}
local h = KEYS[1]
local sh, sl = split(redis.call('HGET', h, 'spent'))
local ah, al = split(ARGV[1])
if ah > sh or (ah == sh and al > sl) then
  redis.call('HSET', h, 'spent', ARGV[1])
  redis.call('EXPIREAT', h, ARGV[2])
  return 1
end
return 0
`);

/** Counters outlive their window by a day, for anyone looking back. */
const KEEP_AFTER_WINDOW_S = 24 * 60 * 60;

export function createRedisBudgetStore(counters: RedisCounters): BudgetStore {
  const keysOf = (scopes: readonly BudgetScope[]) =>
    scopes.flatMap((s) => {
      const hash = `${counters.prefix}budget:${s.key}`;
      return [hash, `${hash}:leases`];
    });
  const expireAt = (s: BudgetScope) => String(Math.ceil(s.endsAtMs / 1000) + KEEP_AFTER_WINDOW_S);
  const read = async (scopes: readonly BudgetScope[]) => (await counters.run(READ, keysOf(scopes), [])) as string[];

  return {
    async reserve(scopes, amountPico, leaseMs): Promise<Reservation> {
      const id = randomUUID();
      const args = [id, amountPico.toString(), String(Math.ceil(leaseMs)), ...scopes.flatMap((s) => [s.limitPico.toString(), expireAt(s)])];
      const [index, spent, reserved] = (await counters.run(RESERVE, keysOf(scopes), args)) as [number, string?, string?];
      if (index === 0) return { ok: true, id };
      return { ok: false, index: index - 1, availablePico: scopes[index - 1]!.limitPico - BigInt(spent ?? "0") - BigInt(reserved ?? "0") };
    },
    async settle(id, scopes, actualPico) {
      await counters.run(SETTLE, keysOf(scopes), [id, actualPico.toString(), ...scopes.map(expireAt)]);
    },
    async renew(id, scopes, leaseMs) {
      await counters.run(RENEW, keysOf(scopes), [id, String(Math.ceil(leaseMs))]);
    },
    async available(scopes) {
      const values = await read(scopes);
      return scopes.map((s, i) => s.limitPico - BigInt(values[2 * i]!) - BigInt(values[2 * i + 1]!));
    },
    async spent(scope) {
      return BigInt((await read([scope]))[0]!);
    },
    async raiseSpent(scope, atLeastPico) {
      await counters.run(RAISE, [`${counters.prefix}budget:${scope.key}`], [atLeastPico.toString(), expireAt(scope)]);
    },
    async close() {},
  };
}
