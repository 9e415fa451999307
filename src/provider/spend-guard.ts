// The provider's hook for budgets: before every upstream attempt (retries and
// fallback hops included) the guard holds the attempt's worst-case cost, and
// the provider settles the hold to what the attempt billed. The provider
// knows nothing of budgets; src/callers/budgets.ts implements the guard.
import type { TierdError } from "../core/errors.js";
import type { CompletionRequest, RoutableTier } from "../core/types.js";

export interface SpendTarget {
  deployment: string;
  model: string;
  tier: RoutableTier;
}

export type SpendHold =
  | {
      kind: "held";
      /** Exactly once: what the attempt billed (0 when it failed without an answer). Never rejects. */
      settle(costPicoUsd: bigint): Promise<void>;
    }
  | {
      kind: "refused";
      /** RESOURCE_EXHAUSTED naming the budget; the deployment is skipped. */
      error: TierdError;
    };

export interface SpendGuard {
  /** Throws a TierdError (unavailable) when the budget cannot be checked: money fails closed. */
  reserve(target: SpendTarget, request: CompletionRequest): Promise<SpendHold>;
}
