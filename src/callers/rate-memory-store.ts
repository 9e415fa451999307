// Token buckets in this process. Levels are refilled lazily from the
// monotonic clock when a bucket is touched, so idle callers cost nothing.
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import { waitMs, type BucketSpec, type RateLimitStore } from "./rate-store.js";

export interface MemoryRateLimitStoreOptions {
  clock?: MonotonicClock;
}

export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const clock = options.clock ?? monotonicNow;
  const buckets = new Map<string, { level: number; at: number }>();
  const levelOf = (spec: BucketSpec, now: number) => {
    const state = buckets.get(spec.key);
    if (state === undefined) return spec.capacity;
    return Math.min(spec.capacity, state.level + (now - state.at) * spec.refillPerMs);
  };
  return {
    async take(takes) {
      const now = clock();
      const levels = takes.map((t) => levelOf(t, now));
      for (let i = 0; i < takes.length; i++) {
        const t = takes[i]!;
        const level = levels[i]!;
        if (t.mode === "strict" ? level < t.amount : level <= 0) return { ok: false, index: i, retryAfterMs: waitMs(level, t) };
      }
      takes.forEach((t, i) => buckets.set(t.key, { level: levels[i]! - t.amount, at: now }));
      return { ok: true };
    },
    async adjust(spec, amount) {
      const now = clock();
      buckets.set(spec.key, { level: Math.min(spec.capacity, levelOf(spec, now) + amount), at: now });
    },
    async close() {
      buckets.clear();
    },
  };
}
