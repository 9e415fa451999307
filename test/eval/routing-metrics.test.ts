import { describe, expect, it } from "vitest";
import { costToReach, labelMetrics, threeTierMetrics, twoModelMetrics, type TwoModelRow } from "../../src/eval/index.js";

// Four prompts: A and B only the strong model answers, C both, D neither.
// weak accuracy 1/4, strong 3/4.
const A = { weak: 0, strong: 1 };
const B = { weak: 0, strong: 1 };
const C = { weak: 1, strong: 1 };
const D = { weak: 0, strong: 0 };

function scored(order: { weak: number; strong: number }[]): TwoModelRow[] {
  return order.map((r, i) => ({ ...r, score: order.length - i }));
}

describe("RouteLLM metrics on hand-computed examples", () => {
  it("gives a perfect router APGR 0.75 here, by both methods", () => {
    // PGR after 0..4 strong calls: 0, .5, 1, 1, 1 -> area .0625 + .1875 + .5 = .75
    const m = twoModelMetrics(scored([A, B, C, D]));
    expect(m.weakAccuracy).toBe(0.25);
    expect(m.strongAccuracy).toBe(0.75);
    expect(m.apgrEveryPrompt).toBeCloseTo(0.75, 12);
    expect(m.apgr11Point).toBeCloseTo(0.75, 12);
    expect(m.cpt50EveryPrompt).toBeCloseTo(0.25, 12);
    // between (.25, .5) and (.5, 1): .25 + (.8 - .5) / .5 * .25
    expect(m.cpt80EveryPrompt).toBeCloseTo(0.4, 12);
  });

  it("gives the reversed router 1 - 0.75", () => {
    // PGR after 0..4 strong calls: 0, 0, 0, .5, 1 -> area .0625 + .1875 = .25
    const m = twoModelMetrics(scored([D, C, B, A]));
    expect(m.apgrEveryPrompt).toBeCloseTo(0.25, 12);
    expect(m.apgr11Point).toBeCloseTo(0.25, 12);
    expect(m.cpt50EveryPrompt).toBeCloseTo(0.75, 12);
    expect(m.cpt80EveryPrompt).toBeCloseTo(0.9, 12);
  });

  it("gives a router that cannot tell prompts apart 0.5 (ties averaged)", () => {
    const m = twoModelMetrics([A, B, C, D].map((r) => ({ ...r, score: 0.5 })));
    expect(m.apgrEveryPrompt).toBeCloseTo(0.5, 12);
    expect(m.cpt50EveryPrompt).toBeCloseTo(0.5, 12);
  });

  it("interpolates CPT between curve points", () => {
    const curve = [
      { strongShare: 0, quality: 0, pgr: 0 },
      { strongShare: 0.2, quality: 0, pgr: 0.4 },
      { strongShare: 0.6, quality: 0, pgr: 0.6 },
      { strongShare: 1, quality: 0, pgr: 1 },
    ];
    expect(costToReach(curve, 0.5)).toBeCloseTo(0.4, 12);
    expect(costToReach(curve, 0.8)).toBeCloseTo(0.8, 12);
    expect(costToReach(curve, 0)).toBe(0);
  });
});

describe("three-tier quality and cost", () => {
  it("finds the cheapest threshold pair keeping 95% of all-frontier quality", () => {
    const rows = [
      { score: 0.1, correct: [1, 1, 1] as [number, number, number], cost: [1, 10, 100] as [number, number, number] },
      { score: 0.5, correct: [0, 1, 1] as [number, number, number], cost: [1, 10, 100] as [number, number, number] },
      { score: 0.9, correct: [0, 0, 1] as [number, number, number], cost: [1, 10, 100] as [number, number, number] },
    ];
    const m = threeTierMetrics(rows, { nanoBelow: 0.3, frontierAbove: 0.7 });
    expect(m.single.frontier).toMatchObject({ quality: 1, costShare: 1 });
    expect(m.single.nano.quality).toBeCloseTo(1 / 3, 12);
    expect(m.configured.quality).toBe(1);
    expect(m.configured.costShare).toBeCloseTo(111 / 300, 12);
    expect(m.best!.quality).toBe(1);
    expect(m.best!.costShare).toBeCloseTo(111 / 300, 12);
    expect(m.best!.mix).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(m.oracle).toEqual({ quality: 1, costShare: 111 / 300 });
    // A router that ignores the prompt mixes mid (quality 2/3, cost 0.1) and
    // frontier (1, 1): reaching 0.95 takes 85% frontier.
    expect(m.randomMix!.costShare).toBeCloseTo(0.15 * 0.1 + 0.85 * 1, 12);
  });
});

describe("label metrics", () => {
  it("counts accuracy, per-tier precision/recall and too-low errors", () => {
    const m = labelMetrics([
      { actual: 0, predicted: 0 },
      { actual: 1, predicted: 0 }, // too low
      { actual: 2, predicted: 1 }, // too low
      { actual: 2, predicted: 2 },
      { actual: 0, predicted: 2 }, // too high
    ]);
    expect(m.accuracy).toBeCloseTo(0.4, 12);
    expect(m.tooLow).toBeCloseTo(0.4, 12);
    expect(m.tooHigh).toBeCloseTo(0.2, 12);
    expect(m.confusion).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(m.perTier[0]).toMatchObject({ tier: "nano", precision: 0.5, recall: 0.5, support: 2 });
    expect(m.perTier[2]).toMatchObject({ tier: "frontier", precision: 0.5, recall: 0.5, support: 2 });
  });
});
