import { describe, expect, it } from "vitest";
import { replayChunks, replayCompletion } from "../../src/cache/index.js";
import { FinishReason, Tier, ZERO_USAGE, type Completion } from "../../src/core/types.js";

describe("stream replay of cached answers", () => {
  it("splits text into pieces that join back to it, none longer than the limit, cut after whitespace", () => {
    const text = Array.from({ length: 200 }, (_, i) => `token${i}`).join(" ");
    const pieces = replayChunks(text, 64);
    expect(pieces.join("")).toBe(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(64);
    // Every piece but the last ends at a word boundary.
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith(" ")).toBe(true);
  });

  it("cuts long words at the limit but never between the halves of a surrogate pair", () => {
    const text = "😀".repeat(100); // 200 UTF-16 units, no whitespace
    const pieces = replayChunks(text, 33);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(33);
      expect(piece.length % 2).toBe(0);
    }
  });

  it("keeps short text whole and sends nothing for empty text", () => {
    expect(replayChunks("Hello, world.")).toEqual(["Hello, world."]);
    expect(replayChunks("")).toEqual([]);
  });

  it("yields the deltas in order, then the completion", async () => {
    const completion: Completion = {
      content: "one two three four five six seven eight nine ten",
      finishReason: FinishReason.STOP,
      tier: Tier.NANO,
      deployment: "nano-1",
      model: "openai/gpt-4o-mini",
      attempts: [],
      usage: { ...ZERO_USAGE },
      costPicoUsd: 0n,
      cacheHit: true,
    };
    const events = [];
    for await (const e of replayCompletion(completion, 10)) events.push(e);
    expect(events.at(-1)).toEqual({ kind: "done", completion });
    const deltas = events.slice(0, -1).map((e) => (e.kind === "delta" ? e.content : "?"));
    expect(deltas.join("")).toBe(completion.content);
    expect(deltas.length).toBeGreaterThan(3);
  });
});
