// The default backend: an in-process LRU (lru-cache) bounded by bytes, with
// a TTL per entry.
import { LRUCache } from "lru-cache";
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import type { CacheBackend, CacheBackendStats } from "./backend.js";

export interface MemoryBackendOptions {
  /** Bound on what entries hold: keys, values and bookkeeping, in bytes. */
  maxBytes: number;
  /** Time for TTLs; performance.now() by default (tests pass their own). */
  clock?: MonotonicClock;
}

/**
 * What an entry costs beyond its key and value: the Map slot, the entry
 * object and two string headers. An estimate (V8 does not expose object
 * sizes); it keeps a cache of many tiny entries from overshooting its bound.
 */
export const ENTRY_OVERHEAD_BYTES = 96;

export function createMemoryBackend(options: MemoryBackendOptions): CacheBackend {
  const { maxBytes } = options;
  if (!(maxBytes > 0)) throw new Error("memory cache: maxBytes must be positive");
  const clock = options.clock ?? monotonicNow;
  let evictions = 0;
  const entries = new LRUCache<string, string>({
    maxSize: maxBytes,
    // A stale entry is a miss and is dropped when read; no timers.
    allowStale: false,
    // Read the clock on every check: the default caches it for 1 ms, which a
    // test's hand-moved clock would not see.
    ttlResolution: 0,
    // Offset by 1 ms because lru-cache reads a start time of 0 as "no TTL", and
    // a test clock may start at 0. An entry expires once its TTL has passed
    // (an age equal to the TTL is still fresh).
    perf: { now: () => clock() + 1 },
    dispose: (_value, _key, reason) => {
      if (reason === "evict") evictions++;
    },
  });

  return {
    location: "memory",
    getMany(keys) {
      return Promise.resolve(keys.map((key) => entries.get(key)));
    },
    set(key, value, ttlMs) {
      // Larger than the whole bound: not kept, and the key's old value goes too.
      entries.set(key, value, { ttl: ttlMs, size: Buffer.byteLength(key) + Buffer.byteLength(value) + ENTRY_OVERHEAD_BYTES });
      return Promise.resolve();
    },
    stats: (): CacheBackendStats => ({ errors: 0, entries: entries.size, bytes: entries.calculatedSize, evictions }),
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
