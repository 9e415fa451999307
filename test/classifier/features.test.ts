import { describe, expect, it } from "vitest";
import { createFeatureBuffer, extractFeatures, PROMPT_SHAPES } from "../../src/classifier/index.js";

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

describe("prompt shape and instruction words", () => {
  it("reports the prompt's shape: free text, a few options, many options", () => {
    const buffer = createFeatureBuffer();
    const shapeOf = (text: string) => (extractFeatures(text, buffer, { bits: 18 }), PROMPT_SHAPES[buffer.shape]);
    expect(shapeOf("Summarize this thread for the account manager.")).toBe("free");
    expect(shapeOf("Which protocol?\nA. TLS\nB. SSH\nC. FTP\nD. SMTP\nAnswer:")).toBe("options");
    expect(shapeOf(`Which one?\n${"ABCDEFGHIJ".split("").map((l) => `${l}. option ${l}`).join("\n")}\nAnswer:`)).toBe("many-options");
  });

  it("lets words with one stem share a feature that other words do not have", () => {
    const british = features("Summarise the support thread");
    const american = features("Summarize the support thread");
    const other = features("Translate the support thread");
    const sharedStem = [...british.keys()].filter((k) => american.has(k) && !other.has(k));
    expect(sharedStem.length).toBeGreaterThan(0);
  });

  it("keeps the instruction's features at the same strength however much text is pasted after it", () => {
    const instruction = "Summarize this chat for the CRM notes, three bullets please.";
    const tail = "That is the whole chat, thanks a lot for the help with this one today.";
    const pasted = (lines: number) => Array.from({ length: lines }, (_, i) => `User: line ${i} about invoices and exports`).join("\n");
    const short = features(`${instruction}\n${pasted(10)}\n${tail}`);
    const long = features(`${instruction}\n${pasted(200)}\n${tail}`);
    // Features present in both with the same value are the instruction's (their
    // own norm); every pasted n-gram shrinks as the paste grows.
    const same = [...short.keys()].filter((k) => long.has(k) && Math.abs(short.get(k)! - long.get(k)!) < 1e-6);
    expect(same.length).toBeGreaterThan(20);
    const shrunk = [...short.keys()].filter((k) => long.has(k) && long.get(k)! < short.get(k)! - 1e-6);
    expect(shrunk.length).toBeGreaterThan(20);
  });

  it("reads each character of Chinese, Japanese, Korean and Thai text as a word, so such a prompt has features (version 3)", () => {
    const buffer = createFeatureBuffer();
    const count = (text: string, version: 2 | 3) => (extractFeatures(text, buffer, { bits: 18, version }), buffer.count);
    const chinese = "用简单的话解释一下什么是再保险，举个例子。";
    expect(count(chinese, 3)).toBeGreaterThan(4 * count(chinese, 2));
    // Two prompts that share characters share features; in version 2 each was one opaque word.
    const a = features("请解释再保险");
    const b = features("什么是再保险");
    expect([...a.keys()].filter((k) => b.has(k)).length).toBeGreaterThan(4);
    // Spaced scripts are read as before.
    expect(count("Summarize this thread, please.", 3)).toBe(count("Summarize this thread, please.", 2));
  });
});
