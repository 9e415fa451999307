// Where LLM-classifier verdicts are kept, keyed by a hash of what was
// classified. The interface is async so a shared store (Redis) can back it;
// the in-memory LRU here is the default.
import type { TierName } from "../config/index.js";

/** A cached LLM-classifier verdict: plain JSON, so any store can hold it. */
export interface CachedVerdict {
  tier: TierName;
  confidence: number;
}

export interface DecisionCache {
  get(key: string): Promise<CachedVerdict | undefined>;
  set(key: string, value: CachedVerdict): Promise<void>;
}

/** An in-process LRU of at most `maxEntries` verdicts (Map keeps insertion order). */
export function createMemoryDecisionCache(maxEntries: number): DecisionCache {
  const entries = new Map<string, CachedVerdict>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return Promise.resolve(value);
    },
    set(key, value) {
      if (maxEntries <= 0) return Promise.resolve();
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return Promise.resolve();
    },
  };
}
