// The router's outcomes, turned into ledger records. Building a record is
// plain CPU work (a hash and three price multiplications); the write
// happens later, in the ledger's flusher.
import type { Config } from "../config/index.js";
import type { RoutableTier } from "../core/types.js";
import type { PriceTable } from "../pricing/index.js";
import type { RouteObserver } from "../router/index.js";
import type { UsageLedger } from "./ledger.js";
import { usageRecordOf, type RecordContext } from "./record.js";
import { perTier } from "../core/tiers.js";

export interface UsageRecorderOptions {
  ledger: Pick<UsageLedger, "record">;
  prices: PriceTable;
  config: Pick<Config, "tiers" | "deployments" | "usage">;
}

export interface UsageRecorder extends RouteObserver {
  /** After a config reload: the counterfactual costs price the new tiers' models. */
  retune(config: Pick<Config, "tiers" | "deployments">): void;
}

export function createUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const context: RecordContext = {
    prices: options.prices,
    modelOfTier: counterfactualModels(options.config),
    storePrompts: options.config.usage.store_prompts,
  };
  return {
    begin() {
      return { end: (outcome) => options.ledger.record(usageRecordOf(outcome, context)) };
    },
    retune(config) {
      context.modelOfTier = counterfactualModels(config);
    },
  };
}

/**
 * The model each tier would use: the model of its first deployment. "What
 * if everything went to mid/frontier" prices the same tokens on these.
 */
export function counterfactualModels(config: Pick<Config, "tiers" | "deployments">): Record<RoutableTier, string> {
  return perTier((tier) => config.deployments[config.tiers[tier].deployments[0]!]!.model);
}
