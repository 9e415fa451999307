// The order of tiers a request may try. LiteLLM's router form is the config
// form ([{nano: [mid]}, {mid: [frontier]}]); the chain follows it
// transitively, breadth first, each tier once.
import type { Config, TierName } from "../config/index.js";
import { TIER_OF_NAME, type RoutableTier } from "../core/tiers.js";

export type FallbackMap = ReadonlyMap<RoutableTier, readonly RoutableTier[]>;

export function fallbackMapOf(fallbacks: Config["fallbacks"]): FallbackMap {
  const map = new Map<RoutableTier, RoutableTier[]>();
  for (const entry of fallbacks) {
    for (const [from, targets] of Object.entries(entry) as [TierName, TierName[] | undefined][]) {
      const list = map.get(TIER_OF_NAME[from]) ?? [];
      for (const target of targets ?? []) list.push(TIER_OF_NAME[target]);
      map.set(TIER_OF_NAME[from], list);
    }
  }
  return map;
}

/** The tiers to try for a request decided as `start`, in order. */
export function fallbackChain(start: RoutableTier, map: FallbackMap): RoutableTier[] {
  const chain: RoutableTier[] = [start];
  for (let i = 0; i < chain.length; i++) {
    for (const next of map.get(chain[i]!) ?? []) {
      if (!chain.includes(next)) chain.push(next);
    }
  }
  return chain;
}
