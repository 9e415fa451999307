// The default backend: an in-process LRU bounded by bytes, with a TTL per
// entry. A Map keeps insertion order, so moving an entry to the end on every
// read makes the first key the least recently used one.
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

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

export function createMemoryBackend(options: MemoryBackendOptions): CacheBackend {
  const clock = options.clock ?? monotonicNow;
  const { maxBytes } = options;
  if (!(maxBytes > 0)) throw new Error("memory cache: maxBytes must be positive");
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let evictions = 0;

  const remove = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.bytes;
  };

  const read = (key: string, now: number): string | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      remove(key, entry);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry.value;
  };

  return {
    location: "memory",
    getMany(keys) {
      const now = clock();
      return Promise.resolve(keys.map((key) => read(key, now)));
    },
    set(key, value, ttlMs) {
      const size = Buffer.byteLength(key) + Buffer.byteLength(value) + ENTRY_OVERHEAD_BYTES;
      const old = entries.get(key);
      if (old !== undefined) remove(key, old);
      if (size > maxBytes) return Promise.resolve();
      while (bytes + size > maxBytes) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        remove(oldestKey, oldest);
        evictions++;
      }
      entries.set(key, { value, expiresAt: clock() + ttlMs, bytes: size });
      bytes += size;
      return Promise.resolve();
    },
    stats: (): CacheBackendStats => ({ errors: 0, entries: entries.size, bytes, evictions }),
    close() {
      entries.clear();
      bytes = 0;
      return Promise.resolve();
    },
  };
}
