import { describe, expect, it } from "vitest";
import { costOf, createPriceTable, DEFAULT_PRICES, picoToUsd } from "../../src/pricing/index.js";

const table = createPriceTable({ pricing: {}, deployments: {} });
const usage = (u: Partial<Parameters<typeof costOf>[0]>) => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  cacheWriteTokens: 0,
  estimated: false,
  ...u,
});

describe("pricing", () => {
  it("prices every model named in the defaults", () => {
    for (const model of [
      "openai/gpt-4o-mini",
      "anthropic/claude-haiku-4-5",
      "google/gemini-2.0-flash",
      "anthropic/claude-sonnet-4-6",
      "openai/gpt-4o",
      "google/gemini-2.5-pro",
      "anthropic/claude-opus-4-7",
      "openai/o3",
    ]) {
      expect(model in DEFAULT_PRICES).toBe(true);
      expect(table.priceOf(model).output).toBeGreaterThan(0n);
    }
  });

  it("bills cached input at the cached price, to the pico-dollar", () => {
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
    // 10,000 input of which 6,000 cached, 500 output:
    // 4,000 x 0.15 + 6,000 x 0.075 + 500 x 0.60 = 600 + 450 + 300 = 1,350 micro-USD.
    const cost = costOf(usage({ inputTokens: 10_000, cachedInputTokens: 6_000, outputTokens: 500 }), table.priceOf("openai/gpt-4o-mini"));
    expect(cost).toBe(1_350_000_000n);
    expect(picoToUsd(cost)).toBe(0.00135);
  });

  it("bills cache writes and reasoning tokens", () => {
    // claude-sonnet-4-6: $3 input, $0.30 cache read, $3.75 cache write, $15 output.
    // 2,000 input = 1,000 fresh + 600 read + 400 written; 300 output incl. 200 reasoning.
    const cost = costOf(
      usage({ inputTokens: 2_000, cachedInputTokens: 600, cacheWriteTokens: 400, outputTokens: 300, reasoningTokens: 200 }),
      table.priceOf("anthropic/claude-sonnet-4-6"),
    );
    // 1,000 x 3 + 600 x 0.3 + 400 x 3.75 + 300 x 15 = 3,000 + 180 + 1,500 + 4,500 = 9,180 micro-USD
    expect(cost).toBe(9_180_000_000n);
  });

  it("adds up many small costs with no drift", () => {
    const price = table.priceOf("google/gemini-2.0-flash");
    let total = 0n;
    for (let i = 0; i < 100_000; i++) total += costOf(usage({ inputTokens: 7, outputTokens: 3 }), price);
    // (7 x 0.10 + 3 x 0.40) micro-USD x 100,000 = 1.9 x 100,000 micro-USD = $0.19 exactly
    expect(total).toBe(190_000_000_000n);
  });

  it("refuses prices with more than six decimals per 1M tokens", () => {
    expect(() => createPriceTable({ pricing: { "x/y": { input: 0.0000001, output: 1 } }, deployments: {} })).toThrow(/more than 6 decimals/);
  });
});
