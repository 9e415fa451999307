// Where cached values live. Two backends share this interface: an in-process
// LRU bounded by bytes (memory-backend.ts) and Redis, shared by replicas
// (redis-backend.ts). Values are strings, so both store exactly the same
// thing and sizes are honest.
//
// A backend never rejects: a cache that is down, slow or corrupt reads as
// misses and drops writes, and counts it. Serving a request never depends on
// the cache.

export interface CacheBackend {
  /** "memory" or a secret-free Redis location, for logs. */
  readonly location: string;
  /** The value of each key, in order; undefined for a miss, an expired entry or a failed read. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores a value for `ttlMs`; resolves when done or given up (it never rejects). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  stats(): CacheBackendStats;
  close(): Promise<void>;
}

export interface CacheBackendStats {
  /** Reads or writes that failed (Redis down, timed out, refused). */
  errors: number;
  /** Entries held (memory backend; Redis does not say). */
  entries?: number;
  /** Bytes held, as the memory bound counts them. */
  bytes?: number;
  /** Entries evicted to stay under the byte bound. */
  evictions?: number;
}
