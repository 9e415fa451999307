// Budgets as requests meet them: which scopes (budget x caller x window) a
// request counts against, whether its decided tier fits what is left
// (downgrade or refuse when not), and the provider's spend guard that holds
// each attempt's worst case and settles it to the real cost.
import type { BudgetConfig, Config } from "../config/index.js";
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
  /**
   * Each holder's budgets in their current windows, whatever the endpoint
   * (for metrics: holders are the configured keys, so the set is bounded).
   */
  standing(holders: readonly BudgetHolder[]): Promise<BudgetStanding[]>;
  /**
   * Raises every holder's counters of the current windows to what the
   * ledger says they spent (never lowers them): memory counters after a
   * restart, Redis counters after Redis lost them, and settles that failed.
   * Returns how many counters it raised.
   */
  restore(holders: readonly BudgetHolder[], spendSince: (sinceMs: number) => Promise<readonly LedgerSpend[]>): Promise<number>;
}

/** What a caller spent on an endpoint since a time, as the ledger sums it. */
export interface LedgerSpend {
  callerId: string;
  endpoint: string;
  costPicoUsd: bigint;
}

/** Who counts against which budgets: an API key's caller and its `budgets`. */
export interface BudgetHolder {
  caller: string;
  budgets: readonly string[];
}

export interface BudgetStanding {
  caller: string;
  budget: string;
  window: WindowKind;
  limitUsd: number;
  /** limit - spent - reserved; below 0 after an overrun. */
  remainingUsd: number;
}

interface ScopeInfo {
  budget: string;
  kind: WindowKind;
  windowId: string;
  callerId: string;
}

const PICO_PER_MICRO = 1_000_000n;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export function createBudgets(options: BudgetsOptions): Budgets {
  const { config, prices, store, log } = options;
  const now = options.now ?? wallNow;
  const leaseMs = options.leaseMs ?? 60_000;
  const info = new WeakMap<BudgetScope, ScopeInfo>();
  const modelsOf = (tier: RoutableTier) => config.tiers[NAME_OF_TIER[tier]].deployments.map((name) => config.deployments[name]!.model);

  /** A caller's scopes of the named budgets now; `counts` filters the budgets (by endpoint). */
  const scopesFor = (callerId: string, names: readonly string[], counts: (budget: BudgetConfig) => boolean): BudgetScope[] => {
    const at = now();
    const scopes: BudgetScope[] = [];
    for (const name of names) {
      const budget = config.budgets[name];
      if (budget === undefined || !counts(budget)) continue;
      for (const [kind, usd] of [
        ["day", budget.usd_per_day],
        ["month", budget.usd_per_month],
      ] as const) {
        if (usd === undefined) continue;
        const window = windowOf(kind, at);
        const scope: BudgetScope = {
          key: `${encodeURIComponent(name)}:${encodeURIComponent(callerId)}:${kind}:${window.id}`,
          limitPico: BigInt(Math.round(usd * 1e6)) * PICO_PER_MICRO,
          endsAtMs: window.endsAtMs,
        };
        info.set(scope, { budget: name, kind, windowId: window.id, callerId });
        scopes.push(scope);
      }
    }
    return scopes;
  };
  const scopesOf = (principal: Principal, endpoint: string): BudgetScope[] =>
    scopesFor(principal.callerId, principal.budgets, (budget) => budget.endpoints === undefined || anyEndpointMatches(budget.endpoints, endpoint));

  // A caller looping on a refused request would write one warning per
  // request; one line per budget and caller a minute, with the count, says as much.
  const refusalsLogged = new Map<string, { at: number; folded: number }>();
  const logRefusal = (principal: Principal, i: ScopeInfo, availablePico: bigint, neededPico: bigint) => {
    const key = `${i.budget}\u0000${principal.callerId}`;
    const at = now();
    const last = refusalsLogged.get(key);
    if (last !== undefined && at - last.at < REFUSAL_LOG_INTERVAL_MS) {
      last.folded++;
      return;
    }
    refusalsLogged.set(key, { at, folded: 0 });
    log.warn("budget refused a request", {
      budget: i.budget,
      caller: principal.callerId,
      window: `${i.kind} ${i.windowId}`,
      available_usd: usd(availablePico < 0n ? 0n : availablePico),
      needed_usd: usd(neededPico),
      ...(last !== undefined && last.folded > 0 ? { similar_since_last_line: last.folded } : {}),
    });
  };

  const refusal = (principal: Principal, scope: BudgetScope, availablePico: bigint, neededPico: bigint, what: string): TierdError => {
    const i = info.get(scope)!;
    logRefusal(principal, i, availablePico, neededPico);
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
                // The lease frees the reservation; the spend is in the ledger,
                // and the counters are rebuilt from it when Redis is back (app.ts).
                log.warn("budget settle failed: the counters miss this spend until they are rebuilt from the ledger (when Redis is reachable again)", { deployment: target.deployment, billed_pico_usd: costPicoUsd, error: errorText(err) });
              }
            },
          };
        },
      };
    },

    async restore(holders, spendSince) {
      const at = now();
      const seen = new Set<string>();
      const wanted: { scope: BudgetScope; budget: BudgetConfig; startsAtMs: number }[] = [];
      for (const h of holders) {
        for (const name of h.budgets) {
          const budget = config.budgets[name];
          if (budget === undefined || seen.has(`${name}\u0000${h.caller}`)) continue;
          seen.add(`${name}\u0000${h.caller}`);
          for (const scope of scopesFor(h.caller, [name], () => true)) {
            const i = info.get(scope)!;
            wanted.push({ scope, budget, startsAtMs: windowOf(i.kind, at).startsAtMs });
          }
        }
      }
      if (wanted.length === 0) return 0;
      // One query per window start (a day's and a month's), grouped by caller and endpoint.
      const bySince = new Map<number, readonly LedgerSpend[]>();
      for (const w of wanted) if (!bySince.has(w.startsAtMs)) bySince.set(w.startsAtMs, await spendSince(w.startsAtMs));
      let raised = 0;
      for (const w of wanted) {
        const i = info.get(w.scope)!;
        let sum = 0n;
        for (const row of bySince.get(w.startsAtMs)!) {
          if (row.callerId !== i.callerId) continue;
          if (w.budget.endpoints !== undefined && !anyEndpointMatches(w.budget.endpoints, row.endpoint)) continue;
          sum += row.costPicoUsd;
        }
        if (sum === 0n) continue;
        const before = await store.spent(w.scope);
        if (before >= sum) continue;
        await store.raiseSpent(w.scope, sum);
        raised++;
        log.info("budget counter restored from the ledger", { budget: i.budget, caller: i.callerId, window: `${i.kind} ${i.windowId}`, counter_usd: usd(before), ledger_usd: usd(sum) });
      }
      return raised;
    },

    async standing(holders) {
      const seen = new Set<string>();
      const scopes: BudgetScope[] = [];
      for (const h of holders) {
        // Two keys of one caller (a rotation) share its counters: one series.
        const fresh = h.budgets.filter((name) => !seen.has(`${name}\u0000${h.caller}`));
        for (const name of fresh) seen.add(`${name}\u0000${h.caller}`);
        scopes.push(...scopesFor(h.caller, fresh, () => true));
      }
      if (scopes.length === 0) return [];
      const available = await store.available(scopes);
      return scopes.map((scope, n) => {
        const i = info.get(scope)!;
        return { caller: i.callerId, budget: i.budget, window: i.kind, limitUsd: picoToUsd(scope.limitPico), remainingUsd: picoToUsd(available[n]!) };
      });
    },
  };
}

function usd(pico: bigint): string {
  return picoToUsd(pico).toFixed(6);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
