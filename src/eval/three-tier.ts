// The 3-tier quality/cost analysis: for every pair of thresholds (nano below
// a, frontier above b), the quality (mean correctness of the tier each
// prompt is sent to) and the cost (price table), then the cheapest pair that
// keeps a target share of all-frontier quality.
import { quantile } from "./routing-metrics.js";

export interface ThreeTierRow {
  score: number;
  /** Correctness of each tier's answer, cheapest first. */
  correct: [number, number, number];
  /** Cost of sending this prompt to each tier (any unit, e.g. pico-USD). */
  cost: [number, number, number];
}

export interface Operating {
  nanoBelow: number;
  frontierAbove: number;
  quality: number;
  cost: number;
  /** Cost as a share of sending everything to frontier. */
  costShare: number;
  /** Share of prompts per tier, cheapest first. */
  mix: [number, number, number];
}

export interface ThreeTierMetrics {
  prompts: number;
  single: { nano: Operating; mid: Operating; frontier: Operating };
  /**
   * The cheapest random mix of tiers (a router that ignores the prompt)
   * reaching the same quality target: the baseline a router must beat.
   */
  randomMix: { costShare: number } | undefined;
  /** Cheapest correct tier per prompt (nano when none is): an upper bound no router reaches. */
  oracle: { quality: number; costShare: number };
  /** At the thresholds given (the configured ones). */
  configured: Operating;
  /** The cheapest threshold pair with quality >= target x all-frontier quality. */
  target: number;
  best: Operating | undefined;
  /** Lowest-cost operating points along quality (Pareto front, at most 50 evenly spaced), for plots. */
  front: Operating[];
}

export function threeTierMetrics(rows: readonly ThreeTierRow[], configured: { nanoBelow: number; frontierAbove: number }, target = 0.95): ThreeTierMetrics {
  if (rows.length === 0) throw new Error("threeTierMetrics: no rows");
  const n = rows.length;
  const frontierCost = rows.reduce((s, r) => s + r.cost[2], 0);
  const at = (nanoBelow: number, frontierAbove: number): Operating => {
    let quality = 0;
    let cost = 0;
    const mix: [number, number, number] = [0, 0, 0];
    for (const r of rows) {
      const t = r.score < nanoBelow ? 0 : r.score > frontierAbove ? 2 : 1;
      quality += r.correct[t];
      cost += r.cost[t];
      mix[t]++;
    }
    return { nanoBelow, frontierAbove, quality: quality / n, cost, costShare: cost / frontierCost, mix: [mix[0] / n, mix[1] / n, mix[2] / n] };
  };
  const sorted = rows.map((r) => r.score).sort((a, b) => a - b);
  const candidates = [...new Set([-Infinity, ...Array.from({ length: 201 }, (_, i) => quantile(sorted, i / 200)), Infinity])].sort((a, b) => a - b);
  const points: Operating[] = [];
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i; j < candidates.length; j++) points.push(at(candidates[i]!, candidates[j]!));
  }
  const frontierQuality = at(-Infinity, -Infinity).quality;
  const eligible = points.filter((p) => p.quality >= target * frontierQuality - 1e-12);
  const best = eligible.sort((a, b) => a.cost - b.cost || b.quality - a.quality)[0];
  const front: Operating[] = [];
  for (const p of [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality)) {
    if (front.length === 0 || p.quality > front[front.length - 1]!.quality + 1e-12) front.push(p);
  }
  const step = Math.max(1, Math.ceil(front.length / 50));
  const thinned = front.filter((_, i) => i % step === 0 || i === front.length - 1);
  let oracleQuality = 0;
  let oracleCost = 0;
  for (const r of rows) {
    const t = r.correct[0] ? 0 : r.correct[1] ? 1 : r.correct[2] ? 2 : 0;
    oracleQuality += r.correct[t];
    oracleCost += r.cost[t];
  }
  const singles = [at(Infinity, Infinity), at(-Infinity, Infinity), at(-Infinity, -Infinity)];
  const goal = target * frontierQuality;
  let randomMix: number | undefined;
  for (const a of singles) {
    if (a.quality >= goal - 1e-12) randomMix = Math.min(randomMix ?? Infinity, a.costShare);
    for (const b of singles) {
      if (a.quality < goal && b.quality > goal) {
        const share = (goal - a.quality) / (b.quality - a.quality);
        randomMix = Math.min(randomMix ?? Infinity, (1 - share) * a.costShare + share * b.costShare);
      }
    }
  }
  return {
    prompts: n,
    randomMix: randomMix === undefined ? undefined : { costShare: randomMix },
    single: { nano: singles[0]!, mid: singles[1]!, frontier: singles[2]! },
    oracle: { quality: oracleQuality / n, costShare: oracleCost / frontierCost },
    configured: at(configured.nanoBelow, configured.frontierAbove),
    target,
    best,
    front: thinned,
  };
}
