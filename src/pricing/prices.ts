// Prices and exact cost. A price is held as pico-USD per token (1e-12 USD),
// which is the same number as micro-USD per 1M tokens: every list price with
// up to six decimals per 1M tokens is an integer there, so costs are integer
// sums with no floating-point drift.
import { ConfigError, type Config, type PriceConfig } from "../config/index.js";
import type { Usage } from "../core/types.js";

/**
 * Default list prices in USD per 1M tokens. Sources (provider pricing pages,
 * standard tier, prompts under 200k tokens, read in 2025 and carried to
 * 2026-11; override in config under `pricing:` when a provider changes them):
 *  - OpenAI: https://openai.com/api/pricing (gpt-4o-mini, gpt-4o; o3 after
 *    the 2025-06 price cut). Cached input is OpenAI's "cached input" price.
 *  - Anthropic: https://www.anthropic.com/pricing (Haiku 4.5 $1/$5, Sonnet 4.x
 *    $3/$15, Opus 4.5+ $5/$25; cache reads 0.1x input, 5-minute cache writes
 *    1.25x input). Sonnet 4.6 and Opus 4.7 carry their family's price.
 *  - Google: https://ai.google.dev/gemini-api/docs/pricing (2.0 Flash text,
 *    2.5 Pro up to 200k prompt tokens; context-cache reads as listed).
 */
export const DEFAULT_PRICES: Readonly<Record<string, PriceConfig>> = {
  "openai/gpt-4o-mini": { input: 0.15, cached_input: 0.075, output: 0.6 },
  "openai/gpt-4o": { input: 2.5, cached_input: 1.25, output: 10 },
  "openai/o3": { input: 2, cached_input: 0.5, output: 8 },
  "anthropic/claude-haiku-4-5": { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5 },
  "anthropic/claude-sonnet-4-6": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
  "anthropic/claude-opus-4-7": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "google/gemini-2.0-flash": { input: 0.1, cached_input: 0.025, output: 0.4 },
  "google/gemini-2.5-pro": { input: 1.25, cached_input: 0.31, output: 10 },
};

/** Price of one token of each kind, in pico-USD. */
export interface ModelPrice {
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
}

export interface PriceTable {
  /** The price of a model; every deployment's model is guaranteed priced. */
  priceOf(model: string): ModelPrice;
  has(model: string): boolean;
}

/**
 * Builds the table from the defaults and the config's overrides, and refuses
 * a configuration with a deployment whose model has no price: an unpriced
 * model would silently bill $0.
 */
export function createPriceTable(config: Pick<Config, "pricing" | "deployments">, source = "config"): PriceTable {
  const merged: Record<string, PriceConfig> = { ...DEFAULT_PRICES, ...config.pricing };
  const table = new Map<string, ModelPrice>();
  const problems: { path: string; message: string }[] = [];
  for (const [model, price] of Object.entries(merged)) {
    const field = model in config.pricing ? `pricing.${model}` : `(default price of ${model})`;
    const input = toPico(price.input, `${field}.input`, problems);
    table.set(model, {
      input,
      output: toPico(price.output, `${field}.output`, problems),
      cachedInput: price.cached_input === undefined ? input : toPico(price.cached_input, `${field}.cached_input`, problems),
      cacheWrite: price.cache_write === undefined ? input : toPico(price.cache_write, `${field}.cache_write`, problems),
    });
  }
  for (const [name, deployment] of Object.entries(config.deployments)) {
    if (!table.has(deployment.model)) {
      problems.push({
        path: `deployments.${name}.model`,
        message: `no price for model "${deployment.model}": add it under pricing: (USD per 1M tokens: input, output, cached_input)`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    priceOf(model) {
      const price = table.get(model);
      if (price === undefined) throw new Error(`no price for model ${model}`);
      return price;
    },
    has: (model) => table.has(model),
  };
}

/** USD per 1M tokens -> pico-USD per token, exactly, or a problem. */
function toPico(usdPerMillion: number, path: string, problems: { path: string; message: string }[]): bigint {
  const scaled = usdPerMillion * 1e6;
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6 * Math.max(1, Math.abs(scaled))) {
    problems.push({ path, message: `price ${usdPerMillion} has more than 6 decimals per 1M tokens` });
  }
  return BigInt(rounded);
}

/**
 * Exact cost of a usage at a price. Input tokens include cached reads and
 * cache writes (as providers report them); reasoning tokens are part of
 * output tokens and billed as output.
 */
export function costOf(usage: Usage, price: ModelPrice): bigint {
  const cached = BigInt(usage.cachedInputTokens);
  const written = BigInt(usage.cacheWriteTokens);
  let fresh = BigInt(usage.inputTokens) - cached - written;
  if (fresh < 0n) fresh = 0n;
  return (
    fresh * price.input +
    cached * price.cachedInput +
    written * price.cacheWrite +
    BigInt(usage.outputTokens) * price.output
  );
}

/** pico-USD -> USD as a float, for display only. */
export function picoToUsd(pico: bigint): number {
  return Number(pico) / 1e12;
}
