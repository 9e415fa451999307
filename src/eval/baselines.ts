// What a router must beat, on the same rows: a score that is just the
// prompt's length (long prompts to the strong model), and a seeded random
// score. RouteLLM's data notes find length alone matching published routers
// on MMLU and GSM8K, so a router that does not beat it has learnt nothing a
// one-line rule would not.
import { bootstrap, type BootstrapOptions, type Interval } from "./bootstrap.js";
import { mulberry32 } from "../core/random.js";

/** The length baseline's score: characters of the prompt. */
export function lengthScore(prompt: string): number {
  return prompt.length;
}

/** One seeded random score per row. */
export function randomScores(rows: number, seed = 1): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = random();
  return out;
}

/**
 * APGR, the exact curve (a point after every tie group, prompts with the
 * highest score to the strong model first), over rows with multiplicities.
 * `order` sorts the rows by score, highest first.
 */
export function weightedApgr(order: Int32Array, scores: ArrayLike<number>, weak: ArrayLike<number>, strong: ArrayLike<number>, weights: ArrayLike<number>): number {
  let total = 0;
  let weakSum = 0;
  let gainSum = 0;
  for (let i = 0; i < order.length; i++) {
    const w = weights[i]!;
    total += w;
    weakSum += w * weak[i]!;
    gainSum += w * (strong[i]! - weak[i]!);
  }
  if (total === 0 || gainSum === 0) return NaN;
  let area = 0;
  let x = 0;
  let y = 0;
  let gained = 0;
  let taken = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    taken += weights[i]!;
    gained += weights[i]! * (strong[i]! - weak[i]!);
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[i]) continue;
    const nx = taken / total;
    const ny = gained / gainSum;
    area += ((y + ny) / 2) * (nx - x);
    x = nx;
    y = ny;
  }
  return area;
}

/** Row indices by score, highest first (stable, so ties keep row order). */
export function orderByScore(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

export interface TwoModelComparison {
  prompts: number;
  router: Interval;
  length: Interval;
  random: Interval;
  /** Router minus length, paired over the same bootstrap draws. */
  overLength: Interval;
  /** Router minus random, paired. */
  overRandom: Interval;
}

/** APGR of the router, the length baseline and a random score, each with a bootstrap 95% interval. */
export function compareTwoModel(
  rows: readonly { score: number; prompt: string; weak: number; strong: number }[],
  options: BootstrapOptions & { randomSeed?: number } = {},
): TwoModelComparison {
  const n = rows.length;
  const weak = rows.map((r) => r.weak);
  const strong = rows.map((r) => r.strong);
  const scorers = [rows.map((r) => r.score), rows.map((r) => lengthScore(r.prompt)), Array.from(randomScores(n, options.randomSeed))];
  const orders = scorers.map(orderByScore);
  const [router, length, random, overLength, overRandom] = bootstrap(
    n,
    (w) => {
      const [a, b, c] = scorers.map((s, k) => weightedApgr(orders[k]!, s, weak, strong, w)) as [number, number, number];
      return [a, b, c, a - b, a - c];
    },
    options,
  ) as [Interval, Interval, Interval, Interval, Interval];
  return { prompts: n, router, length, random, overLength, overRandom };
}

export interface LabelComparison {
  prompts: number;
  router: Interval;
  /** Tiers by length with the two cut points that fit these very rows best: an upper bound on the baseline. */
  length: Interval;
  lengthCuts: [number, number];
  /** The router's own tiers, shuffled over the rows (same mix, no reading of the prompt). */
  random: Interval;
  overLength: Interval;
  overRandom: Interval;
  tooLow: Interval;
  tooHigh: Interval;
}

/** Accuracy of the router's tiers against the length and random baselines, with bootstrap intervals. */
export function compareLabels(
  rows: readonly { actual: 0 | 1 | 2; predicted: 0 | 1 | 2; prompt: string }[],
  options: BootstrapOptions & { randomSeed?: number } = {},
): LabelComparison {
  const n = rows.length;
  const lengths = rows.map((r) => lengthScore(r.prompt));
  const lengthCuts = bestLengthCuts(lengths, rows.map((r) => r.actual));
  const byLength = lengths.map((l) => (l < lengthCuts[0] ? 0 : l < lengthCuts[1] ? 1 : 2));
  const shuffled = rows.map((r) => r.predicted);
  const random = mulberry32(options.randomSeed ?? 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const [router, length, rnd, overLength, overRandom, tooLow, tooHigh] = bootstrap(
    n,
    (w) => {
      let total = 0;
      let a = 0;
      let b = 0;
      let c = 0;
      let low = 0;
      let high = 0;
      rows.forEach((r, i) => {
        const wi = w[i]!;
        total += wi;
        if (r.predicted === r.actual) a += wi;
        else if (r.predicted < r.actual) low += wi;
        else high += wi;
        if (byLength[i] === r.actual) b += wi;
        if (shuffled[i] === r.actual) c += wi;
      });
      return [a / total, b / total, c / total, (a - b) / total, (a - c) / total, low / total, high / total];
    },
    options,
  ) as [Interval, Interval, Interval, Interval, Interval, Interval, Interval];
  return { prompts: n, router, length, lengthCuts, random: rnd, overLength, overRandom, tooLow, tooHigh };
}

/** The two length thresholds (nano below the first, frontier from the second) with the most right answers. */
function bestLengthCuts(lengths: readonly number[], labels: readonly (0 | 1 | 2)[]): [number, number] {
  const candidates = [...new Set(lengths)].sort((a, b) => a - b);
  candidates.push(Infinity);
  // Right answers for nano below c: prefix counts over the sorted candidates.
  let best: [number, number] = [0, Infinity];
  let bestRight = -1;
  const at = (c: number, label: 0 | 1 | 2) => lengths.reduce((s, l, i) => s + (l < c && labels[i] === label ? 1 : 0), 0);
  // O(k^2 n) is fine for evaluation sets of a few thousand rows with few distinct lengths; thin otherwise.
  const step = Math.max(1, Math.floor(candidates.length / 120));
  const grid = candidates.filter((_, i) => i % step === 0 || i === candidates.length - 1);
  const nanoBelow = grid.map((c) => at(c, 0));
  const midBelow = grid.map((c) => at(c, 1));
  const frontierBelow = grid.map((c) => at(c, 2));
  const frontierTotal = labels.filter((l) => l === 2).length;
  for (let i = 0; i < grid.length; i++) {
    for (let j = i; j < grid.length; j++) {
      const right = nanoBelow[i]! + (midBelow[j]! - midBelow[i]!) + (frontierTotal - frontierBelow[j]!);
      if (right > bestRight) {
        bestRight = right;
        best = [grid[i]!, grid[j]!];
      }
    }
  }
  return best;
}
