export { createPriceTable, costOf, picoToUsd, DEFAULT_PRICES, type ModelPrice, type PriceTable } from "./prices.js";
export { approxExtraTokens, countAnswerTokens, countMessageTokens, countRequestTokens, countTextTokens, IMAGE_TOKENS_HIGH, IMAGE_TOKENS_LOW, PER_MESSAGE_TOKENS, REPLY_PRIMING_TOKENS, requestExtraBytes } from "./tokens.js";
