import { describe, expect, it } from "vitest";
import { compareLabels, compareTwoModel, orderByScore, weightedApgr } from "../../src/eval/baselines.js";
import { bootstrap } from "../../src/eval/bootstrap.js";
import { twoModelMetrics } from "../../src/eval/index.js";
import { mulberry32 } from "../../src/core/random.js";

function rows(n: number, seed: number) {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const hard = random();
    // Longer prompts are a little harder; the router's score sees hardness with noise.
    const prompt = "x".repeat(10 + Math.floor(hard * 200 + random() * 200));
    const strong = random() < 0.9 ? 1 : 0;
    const weak = random() < 1 - hard ? 1 : 0;
    return { prompt, weak, strong, score: hard + (random() - 0.5) * 0.3, id: `r${i}` };
  });
}

describe("baselines beside every figure", () => {
  it("weightedApgr with unit weights is the exact every-prompt APGR, ties averaged", () => {
    const r = rows(300, 1).map((x, i) => ({ ...x, score: Math.round(x.score * 10) / 10 + (i % 2 ? 0 : 0) }));
    const scores = r.map((x) => x.score);
    const exact = twoModelMetrics(r).apgrEveryPrompt;
    const w = weightedApgr(orderByScore(scores), scores, r.map((x) => x.weak), r.map((x) => x.strong), new Float64Array(r.length).fill(1));
    expect(w).toBeCloseTo(exact, 12);
  });

  it("puts the router, prompt length and a seeded random score side by side, each with an interval, deterministically", () => {
    const r = rows(400, 2);
    const a = compareTwoModel(r, { replicates: 200 });
    const b = compareTwoModel(r, { replicates: 200 });
    expect(a).toEqual(b);
    for (const iv of [a.router, a.length, a.random, a.overLength]) {
      expect(iv.lo).toBeLessThanOrEqual(iv.estimate);
      expect(iv.hi).toBeGreaterThanOrEqual(iv.estimate);
      expect(iv.hi - iv.lo).toBeGreaterThan(0);
    }
    // The router sees hardness far better than length and random do.
    expect(a.router.estimate).toBeGreaterThan(a.length.estimate);
    expect(a.overLength.lo).toBeGreaterThan(0);
    expect(a.random.estimate).toBeGreaterThan(0.35);
    expect(a.random.estimate).toBeLessThan(0.65);
    // A router that is just length does not beat length: the paired difference is exactly 0.
    const lengthRouter = compareTwoModel(r.map((x) => ({ ...x, score: x.prompt.length })), { replicates: 100 });
    expect(lengthRouter.overLength).toEqual({ estimate: 0, lo: 0, hi: 0 });
  });

  it("compares tier accuracy with the best length cut points and a shuffle of the router's own tiers", () => {
    // Labels follow length exactly: the length baseline is perfect, the router is not.
    const labelled = Array.from({ length: 90 }, (_, i) => ({ prompt: "w ".repeat(i + 1), actual: (i < 30 ? 0 : i < 60 ? 1 : 2) as 0 | 1 | 2, predicted: (i % 3) as 0 | 1 | 2 }));
    const c = compareLabels(labelled, { replicates: 100 });
    expect(c.length.estimate).toBe(1);
    expect(c.router.estimate).toBeCloseTo(1 / 3, 10);
    expect(c.overLength.hi).toBeLessThan(0);
    expect(c.tooLow.estimate + c.tooHigh.estimate + c.router.estimate).toBeCloseTo(1, 10);
    expect(c.lengthCuts[0]).toBeLessThan(c.lengthCuts[1]);
  });

  it("bootstrap draws are seeded and cover the estimate", () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const mean = (w: Float64Array) => [values.reduce((s, v, i) => s + v * w[i]!, 0) / w.reduce((s, x) => s + x, 0)];
    const [a] = bootstrap(values.length, mean, { replicates: 500, seed: 3 });
    const [b] = bootstrap(values.length, mean, { replicates: 500, seed: 3 });
    expect(a).toEqual(b);
    expect(a!.estimate).toBeCloseTo(49.5, 10);
    // Standard error of the mean of 0..99 is about 2.9: the 95% interval spans about 11.
    expect(a!.hi - a!.lo).toBeGreaterThan(8);
    expect(a!.hi - a!.lo).toBeLessThan(15);
  });
});
