// Routing-quality metrics, as RouteLLM defines them (arXiv 2406.18665, and
// routellm/evals/evaluate.py + benchmarks.py for the 11-point method): a
// router gives each prompt a score (higher = needs the strong model more);
// sending the top share s to strong gives quality(s); PGR(s) is the share of
// the weak-to-strong gap recovered; APGR is the area under PGR over s in
// [0, 1]; CPT(x) is the smallest strong share whose PGR reaches x.

export interface TwoModelRow {
  score: number;
  weak: number;
  strong: number;
}

/** One point of a quality curve: a strong-call share and the PGR it gives. */
export interface CurvePoint {
  strongShare: number;
  quality: number;
  pgr: number;
}

export interface TwoModelMetrics {
  prompts: number;
  weakAccuracy: number;
  strongAccuracy: number;
  /** Area under PGR with a point after every prompt (ties averaged): the exact curve. */
  apgrEveryPrompt: number;
  /** RouteLLM's evaluate.py: 11 thresholds at score deciles, trapezoid over them. */
  apgr11Point: number;
  cpt50EveryPrompt: number;
  cpt80EveryPrompt: number;
  cpt50_11Point: number;
  cpt80_11Point: number;
  /** The 11-point curve, for plots. */
  curve11: CurvePoint[];
}

export function twoModelMetrics(rows: readonly TwoModelRow[]): TwoModelMetrics {
  if (rows.length === 0) throw new Error("twoModelMetrics: no rows");
  const n = rows.length;
  const weakTotal = sum(rows, (r) => r.weak);
  const strongTotal = sum(rows, (r) => r.strong);
  const weakAccuracy = weakTotal / n;
  const strongAccuracy = strongTotal / n;
  const gap = strongAccuracy - weakAccuracy;
  const pgrOf = (quality: number) => (gap === 0 ? 0 : (quality - weakAccuracy) / gap);

  const every = everyPromptCurve(rows, weakTotal, pgrOf);
  const curve11 = elevenPointCurve(rows, pgrOf);
  return {
    prompts: n,
    weakAccuracy,
    strongAccuracy,
    apgrEveryPrompt: trapezoid(every),
    apgr11Point: trapezoid(curve11),
    cpt50EveryPrompt: costToReach(every, 0.5),
    cpt80EveryPrompt: costToReach(every, 0.8),
    cpt50_11Point: costToReach(curve11, 0.5),
    cpt80_11Point: costToReach(curve11, 0.8),
    curve11,
  };
}

/**
 * The exact curve: prompts sorted by score, strongest need first, a point at
 * every tie-group boundary. Within a tie group the router cannot choose, so
 * the straight line between boundaries is the expected curve under a random
 * tie-break.
 */
function everyPromptCurve(rows: readonly TwoModelRow[], weakTotal: number, pgrOf: (q: number) => number): CurvePoint[] {
  const n = rows.length;
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const points: CurvePoint[] = [{ strongShare: 0, quality: weakTotal / n, pgr: pgrOf(weakTotal / n) }];
  let correct = weakTotal;
  for (let i = 0; i < n; i++) {
    correct += sorted[i]!.strong - sorted[i]!.weak;
    if (i + 1 < n && sorted[i + 1]!.score === sorted[i]!.score) continue;
    const quality = correct / n;
    points.push({ strongShare: (i + 1) / n, quality, pgr: pgrOf(quality) });
  }
  return points;
}

/**
 * RouteLLM's curve: thresholds at the 0%, 10%, ..., 100% quantiles of the
 * scores (pandas qcut bin edges), strong when score >= threshold (> for the
 * top edge, which gives 0% strong calls).
 */
function elevenPointCurve(rows: readonly TwoModelRow[], pgrOf: (q: number) => number): CurvePoint[] {
  const scores = rows.map((r) => r.score).sort((a, b) => a - b);
  const n = rows.length;
  const points: CurvePoint[] = [];
  for (let k = 0; k <= 10; k++) {
    const threshold = quantile(scores, k / 10);
    let strongCalls = 0;
    let correct = 0;
    for (const r of rows) {
      const strong = k === 10 ? r.score > threshold : r.score >= threshold;
      if (strong) strongCalls++;
      correct += strong ? r.strong : r.weak;
    }
    points.push({ strongShare: strongCalls / n, quality: correct / n, pgr: pgrOf(correct / n) });
  }
  return points.sort((a, b) => a.strongShare - b.strongShare || a.pgr - b.pgr);
}

/** Linear-interpolated quantile of sorted values, as numpy's default. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Area under PGR over the strong share by trapezoids, normalised by the span
 * of shares covered (RouteLLM divides by the weak/strong AUC over the same
 * span, which is the same thing when the span is [0, 1]).
 */
export function trapezoid(points: readonly CurvePoint[]): number {
  const sorted = [...points].sort((a, b) => a.strongShare - b.strongShare);
  let area = 0;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    area += ((a.pgr + b.pgr) / 2) * (b.strongShare - a.strongShare);
  }
  const span = sorted[sorted.length - 1]!.strongShare - sorted[0]!.strongShare;
  return span === 0 ? 0 : area / span;
}

/** The smallest strong share at which the curve first reaches `target` PGR, interpolated. */
export function costToReach(points: readonly CurvePoint[], target: number): number {
  const sorted = [...points].sort((a, b) => a.strongShare - b.strongShare);
  if (sorted[0]!.pgr >= target) return sorted[0]!.strongShare;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.pgr >= target) {
      if (b.pgr === a.pgr) return b.strongShare;
      return a.strongShare + ((target - a.pgr) / (b.pgr - a.pgr)) * (b.strongShare - a.strongShare);
    }
  }
  return 1;
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let s = 0;
  for (const item of items) s += of(item);
  return s;
}
