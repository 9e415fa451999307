export { createPriceTable, costOf, picoToUsd, DEFAULT_PRICES, type ModelPrice, type PriceTable } from "./prices.js";
export { countMessageTokens, countTextTokens, PER_MESSAGE_TOKENS, REPLY_PRIMING_TOKENS } from "./tokens.js";
