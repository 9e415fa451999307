// Thresholds that fit a team's own deployments: which tier a prompt needs
// depends on which models sit in each tier, so `tierd calibrate` picks
// nano_below and frontier_above on the team's labelled prompts, as the
// cheapest pair that keeps a target share of all-frontier quality.
//
// Quality of sending a prompt to a tier: with tier labels, 1 when the tier is
// at or above the label (a tier that can do the task answers it well), else
// 0; with per-tier correctness (MMLU-Pro-style columns), that tier's score.
import { settingConflicts } from "../classifier/tier-choice.js";

export interface CalibrationRow {
  score: number;
  /** Quality of each tier's answer, cheapest first. */
  quality: readonly [number, number, number];
  /** Cost of each tier's answer (any unit). */
  cost: readonly [number, number, number];
}

export interface OperatingPoint {
  nanoBelow: number;
  frontierAbove: number;
  /** Mean quality. */
  quality: number;
  /** Quality as a share of sending everything to frontier. */
  qualityShare: number;
  cost: number;
  /** Cost as a share of sending everything to frontier. */
  costShare: number;
  /** Share of prompts per tier, cheapest first. */
  mix: [number, number, number];
  /** Share of prompts sent below a tier that answers them (quality lost). */
  tooLow: number;
}

export interface ThresholdCalibration {
  prompts: number;
  target: number;
  /** The cheapest point reaching target x all-frontier quality; undefined when none does. */
  chosen: OperatingPoint | undefined;
  /** Cheapest points by quality (a Pareto front, at most `frontSize`), for the table. */
  front: OperatingPoint[];
  single: { nano: OperatingPoint; mid: OperatingPoint; frontier: OperatingPoint };
  /** Pairs skipped because the round-up (ambiguous_below) would override them. */
  skippedForRoundUp: number;
}

export interface CalibrateOptions {
  /** Share of all-frontier quality to keep, in (0, 1]. */
  target: number;
  /** The configured round-up and the model's free-text calibration: pairs it would override are skipped. */
  ambiguousBelow: number;
  calibration: { cuts: readonly [number, number]; temperature: number };
  /** Threshold candidates (score quantiles). Default 200. */
  levels?: number;
  frontSize?: number;
}

export function calibrateThresholds(rows: readonly CalibrationRow[], options: CalibrateOptions): ThresholdCalibration {
  const n = rows.length;
  if (n === 0) throw new Error("calibrateThresholds: no rows");
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  // Prefix sums of quality and cost per tier over prompts sorted by score.
  const pq = [0, 1, 2].map(() => new Float64Array(n + 1));
  const pc = [0, 1, 2].map(() => new Float64Array(n + 1));
  sorted.forEach((r, i) => {
    for (let t = 0; t < 3; t++) {
      pq[t]![i + 1] = pq[t]![i]! + r.quality[t]!;
      pc[t]![i + 1] = pc[t]![i]! + r.cost[t]!;
    }
  });
  const frontierQuality = pq[2]![n]! / n;
  const frontierCost = pc[2]![n]!;
  // Candidate cut positions: prompts [0, i) are nano, [j, n) frontier. Each
  // position's threshold is the midpoint between the neighbouring scores.
  const levels = Math.max(2, options.levels ?? 200);
  const positions = [...new Set(Array.from({ length: levels + 1 }, (_, k) => Math.round((k / levels) * n)))];
  const thresholdAt = (i: number) => (i <= 0 ? 0 : i >= n ? 1 : (sorted[i - 1]!.score + sorted[i]!.score) / 2);
  const point = (i: number, j: number): OperatingPoint => {
    const quality = (pq[0]![i]! + pq[1]![j]! - pq[1]![i]! + pq[2]![n]! - pq[2]![j]!) / n;
    const cost = pc[0]![i]! + pc[1]![j]! - pc[1]![i]! + pc[2]![n]! - pc[2]![j]!;
    return {
      nanoBelow: round6(thresholdAt(i)),
      frontierAbove: round6(thresholdAt(j)),
      quality,
      qualityShare: frontierQuality === 0 ? 1 : quality / frontierQuality,
      cost,
      costShare: frontierCost === 0 ? 0 : cost / frontierCost,
      mix: [i / n, (j - i) / n, (n - j) / n],
      tooLow: 0,
    };
  };
  const points: OperatingPoint[] = [];
  let skipped = 0;
  for (const i of positions) {
    for (const j of positions) {
      if (j < i) continue;
      const p = point(i, j);
      // 0 and 1 mean "never nano" and "never frontier"; only real thresholds can be overridden.
      const settings = { nanoBelow: p.nanoBelow, frontierAbove: p.frontierAbove, ambiguousBelow: options.ambiguousBelow };
      if (settingConflicts(options.calibration, settings).length > 0) {
        skipped++;
        continue;
      }
      points.push(p);
    }
  }
  const tooLowOf = (p: OperatingPoint) => {
    let low = 0;
    for (const r of rows) {
      const t = r.score < p.nanoBelow ? 0 : r.score > p.frontierAbove ? 2 : 1;
      if (r.quality[t]! < r.quality[2]!) low++;
    }
    return low / n;
  };
  const goal = options.target * frontierQuality - 1e-12;
  const byCost = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const chosen = byCost.find((p) => p.quality >= goal);
  const front: OperatingPoint[] = [];
  for (const p of byCost) if (front.length === 0 || p.quality > front[front.length - 1]!.quality + 1e-12) front.push(p);
  const size = options.frontSize ?? 12;
  const step = Math.max(1, Math.ceil(front.length / size));
  const thinned = front.filter((p, k) => k % step === 0 || k === front.length - 1 || p === chosen);
  for (const p of [...thinned, ...(chosen ? [chosen] : [])]) p.tooLow = tooLowOf(p);
  const single = { nano: point(n, n), mid: point(0, n), frontier: point(0, 0) };
  single.nano.nanoBelow = 1;
  single.nano.frontierAbove = 1;
  single.mid.nanoBelow = 0;
  single.mid.frontierAbove = 1;
  single.frontier.nanoBelow = 0;
  single.frontier.frontierAbove = 0;
  for (const p of Object.values(single)) p.tooLow = tooLowOf(p);
  return { prompts: n, target: options.target, chosen, front: thinned, single, skippedForRoundUp: skipped };
}

function round6(x: number): number {
  return Math.round(x * 1_000_000) / 1_000_000;
}
