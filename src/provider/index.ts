export { createProvider, type Provider, type ProviderOptions, type ProviderStreamEvent } from "./provider.js";
export { createPriceTable, costOf, picoToUsd, DEFAULT_PRICES, type ModelPrice, type PriceTable } from "./pricing.js";
export { fallbackChain, fallbackMapOf, TIER_BY_NAME, NAME_OF_TIER, type FallbackMap } from "./fallback-chain.js";
export { countMessageTokens, countTextTokens } from "./tokens.js";
export { redactSecrets, parseRetryAfter } from "./upstream-error.js";
