// Budget counters on both backends: reservations that never exceed the limit,
// settling to the real cost, leases that free a dead attempt's money, and
// exact arithmetic beyond 2^53 pico-USD.
import { afterAll, describe, expect, it } from "vitest";
import type { BudgetScope, BudgetStore } from "../../src/callers/index.js";
import type { Counters } from "../../src/callers/index.js";
import { counterBackends } from "./stores.js";

let n = 0;
const scope = (limitPico: bigint): BudgetScope => ({ key: `t${++n}:${Date.now()}`, limitPico, endsAtMs: Date.now() + 86_400_000 });

for (const backend of counterBackends()) {
  describe(`budget store: ${backend.name}`, () => {
    let counters: Counters;
    let store: BudgetStore;
    afterAll(async () => {
      await counters?.close();
      await backend.drop();
    });
    const open = async () => {
      counters ??= await backend.open();
      store = counters.budgets;
    };

    it("reserves only what every scope has left, all scopes or none", async () => {
      await open();
      const day = scope(100n);
      const month = scope(150n);
      const a = await store.reserve([day, month], 60n, 60_000);
      expect(a.ok).toBe(true);
      expect(await store.reserve([day, month], 50n, 60_000)).toEqual({ ok: false, index: 0, availablePico: 40n });
      // The refused reservation took nothing from the month either.
      expect(await store.available([day, month])).toEqual([40n, 90n]);
      const b = await store.reserve([day, month], 40n, 60_000);
      expect(b.ok).toBe(true);
      expect(await store.available([day, month])).toEqual([0n, 50n]);
    });

    it("settles to the real cost and gives back the rest of the reservation", async () => {
      await open();
      const s = scope(1_000n);
      const r = await store.reserve([s], 700n, 60_000);
      if (!r.ok) throw new Error("reservation refused");
      await store.settle(r.id, [s], 250n);
      expect(await store.spent(s)).toBe(250n);
      expect(await store.available([s])).toEqual([750n]);
      // Settling twice (a retry after a lost answer) cannot free money twice.
      await store.settle(r.id, [s], 0n);
      expect(await store.available([s])).toEqual([750n]);
    });

    it("frees a reservation whose lease ran out, unless it was renewed", async () => {
      await open();
      const s = scope(100n);
      const dead = await store.reserve([s], 60n, 150);
      const alive = await store.reserve([s], 40n, 150);
      if (!dead.ok || !alive.ok) throw new Error("reservation refused");
      expect(await store.available([s])).toEqual([0n]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.renew(alive.id, [s], 60_000);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.available([s])).toEqual([60n]);
    });

    it("counts exactly beyond 2^53 pico-USD", async () => {
      await open();
      const big = 2n ** 60n;
      const s = scope(big + 1n);
      const r = await store.reserve([s], big, 60_000);
      if (!r.ok) throw new Error("reservation refused");
      await store.settle(r.id, [s], big);
      expect((await store.reserve([s], 1n, 60_000)).ok).toBe(true);
      expect(await store.reserve([s], 1n, 60_000)).toEqual({ ok: false, index: 0, availablePico: 0n });
      expect(await store.spent(s)).toBe(big);
    });
  });
}
