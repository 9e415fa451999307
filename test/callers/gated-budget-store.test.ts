import { describe, expect, it } from "vitest";
import { createMemoryBudgetStore, gatedBudgetStore } from "../../src/callers/index.js";

const scope = { key: "b:c:day:x", limitPico: 100n, endsAtMs: Date.now() + 86_400_000 };

describe("budget checks while the counters are rebuilt", () => {
  it("wait for the rebuild before reserving, and then see the rebuilt spend", async () => {
    const inner = createMemoryBudgetStore();
    let finish!: () => void;
    let pending: Promise<void> | undefined = new Promise((resolve) => (finish = resolve));
    const store = gatedBudgetStore(inner, () => pending);
    let reserved: Awaited<ReturnType<typeof store.reserve>> | undefined;
    const reserving = store.reserve([scope], 60n, 60_000).then((r) => (reserved = r));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reserved).toBeUndefined();
    // The rebuild finds 50 already spent: a 60 reservation no longer fits in 100.
    await inner.raiseSpent(scope, 50n);
    pending = undefined;
    finish();
    await reserving;
    expect(reserved).toEqual({ ok: false, index: 0, availablePico: 50n });
  });

  it("let settles through at once, even mid-rebuild", async () => {
    const inner = createMemoryBudgetStore();
    const store = gatedBudgetStore(inner, () => new Promise(() => undefined));
    await store.settle("no-such-reservation", [scope], 7n);
    expect(await inner.spent(scope)).toBe(7n);
  });

  it("says when a settle fails (so the counters are rebuilt from the ledger), and still fails it", async () => {
    const inner = createMemoryBudgetStore();
    let told = 0;
    const broken = { ...inner, settle: () => Promise.reject(new Error("redis away")) };
    const store = gatedBudgetStore(broken, () => undefined, () => told++);
    await expect(store.settle("r", [scope], 5n)).rejects.toThrow("redis away");
    expect(told).toBe(1);
  });
});
