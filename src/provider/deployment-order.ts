// The order in which a tier's deployments are tried, per strategy. Health is
// not decided here: the walk skips deployments in cooldown as it meets them,
// so "ordered" is "the first healthy one in config order".
import type { TierConfig } from "../config/index.js";

export interface Weighted {
  name: string;
  weight: number;
}

export interface OrderOptions {
  strategy: TierConfig["strategy"];
  /** Moving-average latency of a deployment; undefined when never measured. */
  latencyOf: (name: string) => number | undefined;
  random: () => number;
}

export function orderDeployments<T extends Weighted>(deployments: readonly T[], options: OrderOptions): T[] {
  switch (options.strategy) {
    case "ordered":
      return [...deployments];
    case "weighted":
      return weightedOrder(deployments, options.random);
    case "least-latency":
      return leastLatencyOrder(deployments, options.latencyOf);
  }
}

/**
 * Weighted random order without replacement: each deployment draws the key
 * u^(1/weight) and the largest key goes first (Efraimidis and Spirakis,
 * "Weighted random sampling with a reservoir", 2006). The first pick is
 * proportional to weight; the fallbacks after it follow the same rule among
 * the rest.
 */
function weightedOrder<T extends Weighted>(deployments: readonly T[], random: () => number): T[] {
  return deployments
    .map((d) => ({ d, key: Math.pow(random(), 1 / d.weight) }))
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.d);
}

/**
 * Fastest average first. A deployment never measured goes first: one call
 * measures it, and it then competes on its number (no starvation of a new
 * or restarted deployment). Ties keep config order.
 */
function leastLatencyOrder<T extends Weighted>(deployments: readonly T[], latencyOf: (name: string) => number | undefined): T[] {
  return deployments
    .map((d, index) => ({ d, index, latency: latencyOf(d.name) ?? -1 }))
    .sort((a, b) => a.latency - b.latency || a.index - b.index)
    .map((entry) => entry.d);
}
