import { describe, expect, it } from "vitest";
import { createFeatureBuffer, extractFeatures } from "../../src/classifier/index.js";

function features(text: string): Map<number, number> {
  const buffer = createFeatureBuffer();
  extractFeatures(text, buffer, { bits: 18 });
  const out = new Map<number, number>();
  for (let i = 0; i < buffer.count; i++) out.set(buffer.index[i]!, (out.get(buffer.index[i]!) ?? 0) + buffer.value[i]!);
  return out;
}

describe("extractFeatures", () => {
  it("is a pure function of the text, case-insensitive for ASCII words", () => {
    expect(features("Review this SQL query")).toEqual(features("review this sql QUERY"));
    expect(features("Review this SQL query")).not.toEqual(features("Review this SQL queries"));
  });

  it("tells a multiple-choice question from the same text as free text", () => {
    const stem = "Which protocol does HTTPS use for encryption?";
    const mc = features(`${stem}\nA. TLS\nB. SSH\nC. FTP\nD. SMTP\nAnswer:`);
    const free = features(`${stem} TLS SSH FTP SMTP Answer:`);
    const shared = [...mc.keys()].filter((k) => free.has(k)).length;
    // Plain n-grams are shared; their shape-conjoined copies are not.
    expect(shared).toBeGreaterThan(5);
    expect(shared).toBeLessThan(mc.size / 2 + 5);
  });

  it("handles empty, non-ASCII and very long prompts within its buffer", () => {
    expect(features("").size).toBeGreaterThan(0);
    expect(features("Résumé über naïve 日本語のテキスト 🚀").size).toBeGreaterThan(5);
    const buffer = createFeatureBuffer();
    const huge = "the invoice failed with a timeout. ".repeat(20_000);
    extractFeatures(huge, buffer, { bits: 18 });
    expect(buffer.count).toBeLessThanOrEqual(buffer.index.length);
    expect(buffer.count).toBeGreaterThan(100);
  });
});
