// Summaries of latency samples and of repeated runs. Percentiles use the
// nearest-rank method (the smallest sample with at least p of the samples at
// or below it), so p99 of 100 samples is the 99th, not an interpolation.

/** Nearest-rank percentile of samples sorted ascending; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentiles of unsorted samples (sorted in place). */
export function summarizeLatencies(samples: number[]): LatencySummary {
  samples.sort((a, b) => a - b);
  let sum = 0;
  for (const s of samples) sum += s;
  return {
    count: samples.length,
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    max: samples.length === 0 ? Number.NaN : samples[samples.length - 1]!,
    mean: samples.length === 0 ? Number.NaN : sum / samples.length,
  };
}

/** A figure across repetitions: the median and the range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median and range; NaN values (a repetition that measured nothing) are left out. */
export function spreadOf(values: readonly number[]): Spread {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]! };
}

/** Rounds for reports: 3 significant decimals below 10, fewer above. */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
