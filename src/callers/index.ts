// Who the caller is and what it may spend: API keys and authorization,
// the per-caller tier gate, budgets, rate limits, the counters they share
// (memory or Redis), and input limits. The rest of tierd imports this index.
export { hashApiKey, newApiKey } from "./api-key.js";
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from "./authenticator.js";
export { authorizeAdmin, authorizeRequest } from "./authorize.js";
export { authProblemsAt, isLoopbackHost } from "./serve-checks.js";
export { createCallerGate, type CallerGateOptions } from "./caller-gate.js";
export { createBudgets, type BudgetHolder, type Budgets, type BudgetsOptions, type BudgetStanding, type TierPlan } from "./budgets.js";
export { createMemoryBudgetStore, type MemoryBudgetStoreOptions } from "./budget-memory-store.js";
export { createRedisBudgetStore } from "./budget-redis-store.js";
export { gatedBudgetStore, type BudgetScope, type BudgetStore, type Reservation } from "./budget-store.js";
export { windowOf, type BudgetWindow, type WindowKind } from "./budget-windows.js";
export { inputTokensUpperBound, worstCaseCostPico } from "./worst-case.js";
export { createRateLimits, type RateLimits, type RateLimitsOptions, type RateTicket } from "./rate-limits.js";
export { createMemoryRateLimitStore, type MemoryRateLimitStoreOptions } from "./rate-memory-store.js";
export { createRedisRateLimitStore } from "./rate-redis-store.js";
export type { BucketSpec, BucketTake, RateLimitStore, TakeResult } from "./rate-store.js";
export { openCounters, type Counters } from "./open-counters.js";
export { connectRedisCounters, luaScript, type ConnectRedisOptions, type LuaScript, type RedisCounters } from "./redis-counters.js";
export { createInputLimits, type InputLimits, type InputLimitsOptions } from "./input-limits.js";
