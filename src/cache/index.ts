export type { CacheBackend, CacheBackendStats } from "./backend.js";
export { createMemoryBackend, ENTRY_OVERHEAD_BYTES, type MemoryBackendOptions } from "./memory-backend.js";
export { createRedisBackend, redisLocation, redisReady, type RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
export { conversationHash, responseKeys } from "./cache-key.js";
export { encodeEntry, decodeEntry, type CacheEntry } from "./cache-entry.js";
export { createResponseCache, type ResponseCache, type ResponseCacheOptions, type ResponseCacheStats, type TierCachePolicy } from "./response-cache.js";
export { replayCompletion, replayChunks, REPLAY_CHUNK_CHARS } from "./replay.js";
export { createBackendDecisionCache, type BackendDecisionCacheOptions } from "./decision-store.js";
export { startCache, modelsOfTiers, type RunningCache, type CacheStats, type StartCacheOptions } from "./start.js";
