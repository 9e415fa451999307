export { createRateLimits, type RateLimits, type RateLimitsOptions, type RateTicket } from "./rate-limits.js";
export { createMemoryRateLimitStore, type MemoryRateLimitStoreOptions } from "./memory-store.js";
export { createRedisRateLimitStore } from "./redis-store.js";
export type { BucketSpec, BucketTake, RateLimitStore, TakeResult } from "./store.js";
