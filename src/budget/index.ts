export { createBudgets, type Budgets, type BudgetsOptions, type TierPlan } from "./budgets.js";
export { createMemoryBudgetStore, type MemoryBudgetStoreOptions } from "./memory-store.js";
export { createRedisBudgetStore } from "./redis-store.js";
export type { BudgetScope, BudgetStore, Reservation } from "./store.js";
export { windowOf, type BudgetWindow, type WindowKind } from "./windows.js";
export { inputTokensUpperBound, worstCaseCostPico } from "./worst-case.js";
