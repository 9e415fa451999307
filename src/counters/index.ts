export { openCounters, type Counters } from "./open-counters.js";
export { connectRedisCounters, luaScript, type ConnectRedisOptions, type LuaScript, type RedisCounters } from "./redis.js";
