// Where budget counters live. Each scope (one budget, one caller, one
// window) holds what was spent (settled) and what is reserved by attempts in
// flight. A reservation covers every scope of a request at once or none, and
// is a lease: an attempt whose process died stops holding money when its
// lease runs out, instead of for the rest of the month.

export interface BudgetScope {
  /** Unique per budget, caller and window; the store's key. */
  key: string;
  /** Pico-USD the scope may spend in its window. */
  limitPico: bigint;
  /** When the window ends: counters may be forgotten a day later. */
  endsAtMs: number;
}

export type Reservation = { ok: true; id: string } | { ok: false; /** The first scope that cannot cover it. */ index: number; availablePico: bigint };

export interface BudgetStore {
  /** Holds `amountPico` in every scope if each still has that much available (limit - spent - reserved). */
  reserve(scopes: readonly BudgetScope[], amountPico: bigint, leaseMs: number): Promise<Reservation>;
  /** Ends the reservation and adds what was really billed to every scope's spend. */
  settle(id: string, scopes: readonly BudgetScope[], actualPico: bigint): Promise<void>;
  /** Extends a reservation still held (long streams). */
  renew(id: string, scopes: readonly BudgetScope[], leaseMs: number): Promise<void>;
  /** Per scope: limit - spent - reserved (may be negative after an overrun). */
  available(scopes: readonly BudgetScope[]): Promise<bigint[]>;
  /** Settled spend of a scope. */
  spent(scope: BudgetScope): Promise<bigint>;
  /**
   * Raises a scope's settled spend to at least `atLeastPico` (the ledger's
   * sum for the window), leaving a higher one alone: counters lost to a
   * restart come back, and a settle that failed is made up for.
   */
  raiseSpent(scope: BudgetScope, atLeastPico: bigint): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store, with every check and reservation waiting while `pending()`
 * says the counters are being rebuilt (after Redis came back empty), so
 * none is made against counters that read zero. Settles and renewals go
 * straight through: they only add what was spent.
 */
export function gatedBudgetStore(store: BudgetStore, pending: () => Promise<unknown> | undefined, onSettleFailed?: () => void): BudgetStore {
  const ready = async () => {
    const p = pending();
    if (p !== undefined) await p.catch(() => undefined);
  };
  return {
    reserve: async (scopes, amountPico, leaseMs) => (await ready(), store.reserve(scopes, amountPico, leaseMs)),
    settle: (id, scopes, actualPico) =>
      store.settle(id, scopes, actualPico).catch((err: unknown) => {
        onSettleFailed?.();
        throw err;
      }),
    renew: (id, scopes, leaseMs) => store.renew(id, scopes, leaseMs),
    available: async (scopes) => (await ready(), store.available(scopes)),
    spent: (scope) => store.spent(scope),
    raiseSpent: (scope, atLeastPico) => store.raiseSpent(scope, atLeastPico),
    close: () => store.close(),
  };
}
