// LLM-classifier verdicts in a shared backend (Redis), so a prompt one
// replica classified is never paid for again by another. The in-memory case
// keeps the classifier's own LRU (classifier/decision-cache.ts).
import type { CachedVerdict, DecisionCache } from "../classifier/index.js";
import type { CacheBackend } from "./backend.js";

export interface BackendDecisionCacheOptions {
  backend: CacheBackend;
  /** How long a verdict is kept. */
  ttlMs: number;
}

export function createBackendDecisionCache(options: BackendDecisionCacheOptions): DecisionCache {
  const { backend, ttlMs } = options;
  return {
    async get(key) {
      const [value] = await backend.getMany([`d:${key}`]);
      return value === undefined ? undefined : parseVerdict(value);
    },
    set(key, verdict) {
      return backend.set(`d:${key}`, JSON.stringify({ tier: verdict.tier, confidence: verdict.confidence }), ttlMs);
    },
  };
}

/** A verdict read from a shared store is checked: anything else is a miss. */
function parseVerdict(value: string): CachedVerdict | undefined {
  try {
    const raw = JSON.parse(value) as { tier?: unknown; confidence?: unknown };
    const { tier, confidence } = raw;
    if ((tier === "nano" || tier === "mid" || tier === "frontier") && typeof confidence === "number" && confidence >= 0 && confidence <= 1) {
      return { tier, confidence };
    }
  } catch {
    // fall through: a miss
  }
  return undefined;
}
