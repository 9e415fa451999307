// The tier vocabulary, once: the names config, the ledger and the classifier
// use, their order (cheapest first, which is also "lower" in every rule), and
// the proto enum the wire uses. Everything that ranks, clamps or converts
// tiers reads it from here.
import { Tier } from "../../gen/tierd/v1/router_pb.js";

/** The three routable tiers of the proto enum. */
export type RoutableTier = Tier.NANO | Tier.MID | Tier.FRONTIER;

/** Tier names, cheapest first: the index is the tier's rank. */
export const TIER_NAMES = ["nano", "mid", "frontier"] as const;

export type TierName = (typeof TIER_NAMES)[number];

/** The tier's rank: nano 0, mid 1, frontier 2. */
export type TierRank = 0 | 1 | 2;

export const TIERS_CHEAPEST_FIRST: readonly RoutableTier[] = [Tier.NANO, Tier.MID, Tier.FRONTIER];

export const TIER_OF_NAME: Readonly<Record<TierName, RoutableTier>> = { nano: Tier.NANO, mid: Tier.MID, frontier: Tier.FRONTIER };

export const NAME_OF_TIER: Readonly<Record<RoutableTier, TierName>> = {
  [Tier.NANO]: "nano",
  [Tier.MID]: "mid",
  [Tier.FRONTIER]: "frontier",
};

export function rankOf(name: TierName): TierRank {
  return TIER_NAMES.indexOf(name) as TierRank;
}

/** The name at a rank, held to [0, 2]. */
export function nameAtRank(rank: number): TierName {
  return TIER_NAMES[Math.min(Math.max(Math.trunc(rank), 0), 2) as TierRank];
}

/** `tier` moved into [lo, hi] (by rank). */
export function clampTierName(tier: TierName, lo: TierName, hi: TierName): TierName {
  return TIER_NAMES[Math.min(Math.max(rankOf(tier), rankOf(lo)), rankOf(hi)) as TierRank];
}

/** One value per routable tier of the enum. */
export function perTier<T>(value: (name: TierName) => T): Record<RoutableTier, T> {
  return { [Tier.NANO]: value("nano"), [Tier.MID]: value("mid"), [Tier.FRONTIER]: value("frontier") };
}
