// Budgets as requests meet them: which scopes (budget x caller x window) a
// request counts against, whether its decided tier fits what is left
// (downgrade or refuse when not), and the provider's spend guard that holds
// each attempt's worst case and settles it to the real cost.
import type { Config } from "../config/index.js";
import { wallNow, type WallClock } from "../core/clock.js";
import { anyEndpointMatches } from "../core/endpoints.js";
import { TierdError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { TIERS_CHEAPEST_FIRST, type CompletionRequest, type Principal, type RoutableTier } from "../core/types.js";
import { type SpendGuard } from "../provider/index.js";
import { picoToUsd, type PriceTable } from "../pricing/index.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import type { BudgetScope, BudgetStore } from "./budget-store.js";
import { windowOf, type WindowKind } from "./budget-windows.js";
import { worstCaseCostPico } from "./worst-case.js";

export interface BudgetsOptions {
  config: Pick<Config, "budgets" | "tiers" | "deployments">;
  prices: PriceTable;
  store: BudgetStore;
  log: Logger;
  now?: WallClock;
  /**
   * How long a reservation holds without word from its attempt; attempts
   * renew it every third of that. Default 60 s.
   */
  leaseMs?: number;
}

/** What a budget check decided for a request's tier. */
export type TierPlan = { tier: RoutableTier; downgradedBy?: string } | { refused: TierdError };

export interface Budgets {
  /** The scopes a request counts against now; empty when no budget applies. */
  scopesOf(principal: Principal, endpoint: string): BudgetScope[];
  /**
   * The tier to serve: `tier` when its cheapest deployment's worst case fits
   * what every scope has left, else (downgrade callers) the dearest cheaper
   * tier that fits, else a refusal naming the budget.
   */
  planTier(principal: Principal, request: CompletionRequest, tier: RoutableTier): Promise<TierPlan>;
  /** The guard for the provider's attempts; undefined when no budget applies. */
  spendGuard(principal: Principal, request: CompletionRequest): SpendGuard | undefined;
}

interface ScopeInfo {
  budget: string;
  kind: WindowKind;
  windowId: string;
}

const PICO_PER_MICRO = 1_000_000n;

export function createBudgets(options: BudgetsOptions): Budgets {
  const { config, prices, store, log } = options;
  const now = options.now ?? wallNow;
  const leaseMs = options.leaseMs ?? 60_000;
  const info = new WeakMap<BudgetScope, ScopeInfo>();
  const modelsOf = (tier: RoutableTier) => config.tiers[NAME_OF_TIER[tier]].deployments.map((name) => config.deployments[name]!.model);

  const scopesOf = (principal: Principal, endpoint: string): BudgetScope[] => {
    const at = now();
    const scopes: BudgetScope[] = [];
    for (const name of principal.budgets) {
      const budget = config.budgets[name];
      if (budget === undefined || (budget.endpoints !== undefined && !anyEndpointMatches(budget.endpoints, endpoint))) continue;
      for (const [kind, usd] of [
        ["day", budget.usd_per_day],
        ["month", budget.usd_per_month],
      ] as const) {
        if (usd === undefined) continue;
        const window = windowOf(kind, at);
        const scope: BudgetScope = {
          key: `${encodeURIComponent(name)}:${encodeURIComponent(principal.callerId)}:${kind}:${window.id}`,
          limitPico: BigInt(Math.round(usd * 1e6)) * PICO_PER_MICRO,
          endsAtMs: window.endsAtMs,
        };
        info.set(scope, { budget: name, kind, windowId: window.id });
        scopes.push(scope);
      }
    }
    return scopes;
  };

  const refusal = (principal: Principal, scope: BudgetScope, availablePico: bigint, neededPico: bigint, what: string): TierdError => {
    const i = info.get(scope)!;
    const left = availablePico < 0n ? 0n : availablePico;
    return new TierdError(
      "resource_exhausted",
      `budget ${i.budget} of caller ${principal.callerId} (${i.kind} ${i.windowId}): $${usd(left)} of $${usd(scope.limitPico)} left, ${what} may cost up to $${usd(neededPico)}`,
      {
        retryAfterSeconds: Math.max(1, (scope.endsAtMs - now()) / 1000),
        limit: { kind: i.kind === "day" ? "budget_day" : "budget_month", name: i.budget, limit: scope.limitPico, resetsAtMs: scope.endsAtMs },
      },
    );
  };

  const unavailable = (err: unknown) =>
    new TierdError("unavailable", "the budget counters cannot be reached, so no upstream call is made", { cause: err, retryAfterSeconds: 1 });

  return {
    scopesOf,

    async planTier(principal, request, tier) {
      const scopes = scopesOf(principal, request.endpoint);
      if (scopes.length === 0) return { tier };
      let available: bigint[];
      try {
        available = await store.available(scopes);
      } catch (err) {
        throw unavailable(err);
      }
      const worstOf = (t: RoutableTier) => modelsOf(t).reduce<bigint | undefined>((min, model) => {
        const cost = worstCaseCostPico(request, prices.priceOf(model));
        return min === undefined || cost < min ? cost : min;
      }, undefined)!;
      const shortOf = (cost: bigint) => available.findIndex((a) => a < cost);
      const decided = worstOf(tier);
      const short = shortOf(decided);
      if (short < 0) return { tier };
      if (principal.onBudgetExceeded === "downgrade") {
        for (const cheaper of [...TIERS_CHEAPEST_FIRST].reverse()) {
          if (cheaper >= tier) continue;
          if (shortOf(worstOf(cheaper)) < 0) {
            const i = info.get(scopes[short]!)!;
            return { tier: cheaper, downgradedBy: `budget ${i.budget} (${i.kind} ${i.windowId}) cannot cover ${NAME_OF_TIER[tier]}` };
          }
        }
      }
      return { refused: refusal(principal, scopes[short]!, available[short]!, decided, `this request on ${NAME_OF_TIER[tier]}`) };
    },

    spendGuard(principal, request) {
      if (scopesOf(principal, request.endpoint).length === 0) return undefined;
      return {
        async reserve(target, req) {
          // Scopes per attempt: a request that runs past midnight reserves in the new day.
          const scopes = scopesOf(principal, req.endpoint);
          const amount = worstCaseCostPico(req, prices.priceOf(target.model));
          let reservation;
          try {
            reservation = await store.reserve(scopes, amount, leaseMs);
          } catch (err) {
            throw unavailable(err);
          }
          if (!reservation.ok) {
            return { kind: "refused", error: refusal(principal, scopes[reservation.index]!, reservation.availablePico, amount, `a call to ${target.deployment}`) };
          }
          const { id } = reservation;
          const renewal = setInterval(() => {
            store.renew(id, scopes, leaseMs).catch((err: unknown) => log.warn("budget reservation renewal failed", { error: errorText(err) }));
          }, leaseMs / 3);
          renewal.unref();
          return {
            kind: "held",
            async settle(costPicoUsd) {
              clearInterval(renewal);
              if (costPicoUsd > amount) {
                log.warn("an upstream call billed more than its reserved worst case", { deployment: target.deployment, reserved_pico_usd: amount, billed_pico_usd: costPicoUsd });
              }
              try {
                await store.settle(id, scopes, costPicoUsd);
              } catch (err) {
                // The lease frees the reservation; the spend is in the ledger.
                log.error("budget settle failed: the spend is missing from the budget counters", { deployment: target.deployment, billed_pico_usd: costPicoUsd, error: errorText(err) });
              }
            },
          };
        },
      };
    },
  };
}

function usd(pico: bigint): string {
  return picoToUsd(pico).toFixed(6);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
