// Budget counters in this process: one replica's truth, exact in BigInt.
// Every operation is synchronous inside, so a reservation over several
// scopes is atomic without a lock.
import { randomUUID } from "node:crypto";
import { wallNow, type WallClock } from "../core/clock.js";
import type { BudgetScope, BudgetStore, Reservation } from "./budget-store.js";

interface Counter {
  spent: bigint;
  reserved: bigint;
  leases: Map<string, { amount: bigint; expiresAt: number }>;
  endsAtMs: number;
}

export interface MemoryBudgetStoreOptions {
  now?: WallClock;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createMemoryBudgetStore(options: MemoryBudgetStoreOptions = {}): BudgetStore {
  const now = options.now ?? wallNow;
  const counters = new Map<string, Counter>();

  const counterOf = (scope: BudgetScope, at: number): Counter => {
    let counter = counters.get(scope.key);
    if (counter === undefined) {
      counter = { spent: 0n, reserved: 0n, leases: new Map(), endsAtMs: scope.endsAtMs };
      counters.set(scope.key, counter);
      // Windows that ended a day ago are history.
      for (const [key, c] of counters) if (c.endsAtMs + DAY_MS < at) counters.delete(key);
    }
    for (const [id, lease] of counter.leases) {
      if (lease.expiresAt <= at) {
        counter.reserved -= lease.amount;
        counter.leases.delete(id);
      }
    }
    return counter;
  };

  return {
    async reserve(scopes, amountPico, leaseMs): Promise<Reservation> {
      const at = now();
      const list = scopes.map((s) => counterOf(s, at));
      for (let i = 0; i < list.length; i++) {
        const available = scopes[i]!.limitPico - list[i]!.spent - list[i]!.reserved;
        if (available < amountPico) return { ok: false, index: i, availablePico: available };
      }
      const id = randomUUID();
      for (const c of list) {
        c.reserved += amountPico;
        c.leases.set(id, { amount: amountPico, expiresAt: at + leaseMs });
      }
      return { ok: true, id };
    },
    async settle(id, scopes, actualPico) {
      const at = now();
      for (const scope of scopes) {
        const c = counterOf(scope, at);
        const lease = c.leases.get(id);
        if (lease !== undefined) {
          c.reserved -= lease.amount;
          c.leases.delete(id);
        }
        c.spent += actualPico;
      }
    },
    async renew(id, scopes, leaseMs) {
      const at = now();
      for (const scope of scopes) {
        const lease = counterOf(scope, at).leases.get(id);
        if (lease !== undefined) lease.expiresAt = at + leaseMs;
      }
    },
    async available(scopes) {
      const at = now();
      return scopes.map((s) => {
        const c = counterOf(s, at);
        return s.limitPico - c.spent - c.reserved;
      });
    },
    async spent(scope) {
      return counters.get(scope.key)?.spent ?? 0n;
    },
    async raiseSpent(scope, atLeastPico) {
      const c = counterOf(scope, now());
      if (c.spent < atLeastPico) c.spent = atLeastPico;
    },
    async close() {
      counters.clear();
    },
  };
}
