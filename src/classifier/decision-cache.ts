// Where LLM-classifier verdicts are kept, keyed by a hash of what was
// classified. The interface is async so a shared store (Redis) can back it;
// the in-memory LRU here is the default.
import { LRUCache } from "lru-cache";
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

/** An in-process LRU (lru-cache) of at most `maxEntries` verdicts; 0 keeps none. */
export function createMemoryDecisionCache(maxEntries: number): DecisionCache {
  if (!(maxEntries > 0)) return { get: () => Promise.resolve(undefined), set: () => Promise.resolve() };
  const entries = new LRUCache<string, CachedVerdict>({ max: maxEntries });
  return {
    get: (key) => Promise.resolve(entries.get(key)),
    set(key, value) {
      entries.set(key, value);
      return Promise.resolve();
    },
  };
}
