export { createProvider, type CallOptions, type Provider, type ProviderOptions, type ProviderStreamEvent, type ProviderWithCooldown } from "./provider.js";
export { fallbackChain, fallbackMapOf, type FallbackMap } from "./fallback-chain.js";
export { redactSecrets } from "./upstream-error.js";
export { parseRetryAfter, backoffDelayMs, decideRetry, isRetryable, type RetryDecision } from "./retry-policy.js";
export { createCooldownTracker, countsTowardCooldown, type CooldownTracker, type Admission } from "./cooldown.js";
export { orderDeployments } from "./deployment-order.js";
export { createLatencyTracker, type LatencyTracker } from "./latency-tracker.js";
export { maxTokensParamOf } from "./chat-request.js";
export type { SpendGuard, SpendHold, SpendTarget } from "./spend-guard.js";
