// Trains the local classifier: two ordinal logistic heads (cumulative
// logits) over the same hashed features, fitted by averaged AdaGrad SGD, then
// per prompt shape a calibration (cut points and temperature) of the combined
// score on a slice of examples the heads did not train on. Seeded shuffles
// make it deterministic: the same examples and seed give the same model, bit
// for bit.
//
// Each head fits its own cut points per `cutGroup`: a source's base rate (how
// often the strong model wins on GSM8K, say) is that source's own, so the
// weights learn what orders prompts within a source rather than what tells
// the sources apart.
import { createFeatureBuffer, DEFAULT_HASH_BITS, extractFeatures, FEATURE_VERSION, hashKey, PROMPT_SHAPES, type PromptShape } from "./features.js";
import { mulberry32, shuffleInPlace } from "../core/random.js";
import { buildNeighbours, DEFAULT_NEIGHBOURS, type NeighbourOptions } from "./neighbours.js";
import { createComplexityModel, memoryKey, predictionOf, sigmoid, type Calibration, type ComplexityModel, type ModelInfo, type ModelParams, type ShapeScoring } from "./model.js";
import { TIER_NAMES, type TierName } from "../core/tiers.js";

export type Head = "tier" | "gain";

/** What the trainer needs of an example: text and an ordinal label. */
export interface TrainingExample {
  prompt: string;
  /** 0 nano, 1 mid, 2 frontier (for gain examples: the strong model adds nothing, a tie, everything). */
  label: 0 | 1 | 2;
  /** The head that learns from it (default tier). */
  head?: Head;
  /** Cut points are fitted per group within a head (default: one group per head). */
  cutGroup?: string;
  /** Names where the example came from; sources can be weighted. */
  source?: string;
  /**
   * Examples of one group (a template, a question stem) go to the
   * calibration slice together, so calibration sees wording the heads did
   * not learn, as live traffic is. Default: each example is its own group.
   */
  group?: string;
  /** Calibrates the tier probabilities of its prompt shape (default: true for tier examples). */
  calibrates?: boolean;
  /** Stored in the model's memory: this exact prompt then always gets this label. */
  remember?: boolean;
}

export interface TrainOptions {
  examples: readonly TrainingExample[];
  /** Seeds the shuffles and the calibration slice. */
  seed?: number;
  /** log2 of the feature hash space. Default 18. */
  bits?: number;
  /** Passes over the data. Default 4. */
  epochs?: number;
  /** AdaGrad base learning rate. Default 0.1. */
  learningRate?: number;
  /** L2 penalty per update on touched weights. Default 1e-4. */
  l2?: number;
  /**
   * Total weight of each source's examples (a source not listed weighs 1
   * per example), so a small in-domain set is not drowned by a large
   * benchmark, and a large one does not drown the rest.
   */
  sourceMass?: Readonly<Record<string, number>>;
  /** Features (hash buckets) seen in fewer training prompts than this are not learnt. Default: examples/1000, within 2-20. */
  minDf?: number;
  /** Share of examples (by group) held back to fit the calibrations. Default 0.1. */
  calibrationShare?: number;
  /** How each shape combines the heads (tier, gain). Default free [1, 0.25], multiple choice [0.25, 1]. */
  mix?: Partial<Record<PromptShape, [number, number]>>;
  /** A shape with fewer calibration examples than this is scored as free text. Default 30. */
  shapeCalibrationMin?: number;
  /**
   * The neighbour vote for free text (neighbours.ts), over the tier-labelled
   * examples of `neighbourGroup`; false for the linear heads alone. Default
   * DEFAULT_NEIGHBOURS.
   */
  neighbours?: Partial<NeighbourOptions> | false;
  /** Tier examples of this cut group (or of none) are the neighbours. Default "product". */
  neighbourGroup?: string;
  /** Extra facts stored in the model's metadata. */
  info?: Record<string, unknown>;
}

/**
 * Free text leans on the tier head (the product's own labels) with a quarter
 * of the gain head's say; multiple choice the other way round, since tier
 * labels hardly cover quizzes. Chosen on the validation split
 * (scripts/tune.ts): free-text gains of 0.25-0.5 were within noise of each
 * other on tier accuracy, and lifted GSM8K by about 0.03 over the tier head
 * alone.
 */
export const DEFAULT_MIX: Readonly<Record<PromptShape, [number, number]>> = { free: [1, 0.25], options: [0.25, 1], "many-options": [0.25, 1] };

export interface TrainResult {
  model: ComplexityModel;
  /** Per shape: examples the calibration saw (0: scored as free text) and mean NLL before and after fitting it. */
  calibration: Partial<Record<PromptShape, { examples: number; nllBefore: number; nllAfter: number }>>;
}

interface Featurised {
  offsets: Int32Array;
  index: Int32Array;
  value: Float32Array;
  shape: Uint8Array;
}

export function trainClassifier(options: TrainOptions): TrainResult {
  const seed = options.seed ?? 1;
  const bits = options.bits ?? DEFAULT_HASH_BITS;
  const calibrationShare = options.calibrationShare ?? 0.1;
  const examples = options.examples;
  if (examples.length === 0) throw new Error("trainClassifier: no examples");
  const minDf = options.minDf ?? Math.max(2, Math.min(20, Math.round(examples.length / 1000)));
  const mix = { ...DEFAULT_MIX, ...options.mix };

  const data = featurise(examples, bits);
  const labels = Uint8Array.from(examples, (e) => e.label);
  // The neighbour vote reads the features as extracted: a rare n-gram is
  // what makes two prompts neighbours, so it keeps the values pruning zeroes.
  const extracted = options.neighbours === false ? undefined : data.value.slice();
  pruneRare(data, examples.length, bits, minDf);

  const counts: Record<string, number> = {};
  for (const e of examples) counts[e.source ?? "default"] = (counts[e.source ?? "default"] ?? 0) + 1;
  const weightOf = examples.map((e) => {
    const source = e.source ?? "default";
    const mass = options.sourceMass?.[source];
    return mass === undefined ? 1 : mass / counts[source]!;
  });

  // The calibration slice: a seeded hash of each example's group picks it,
  // so a template is either all in or all out.
  const held = examples.map((e, i) => examples.length >= 50 && (hashKey(`${seed}:${e.group ?? `#${i}`}`) % 100_000) / 100_000 < calibrationShare);
  const fitHead = (head: Head, runSeed: number) => {
    const rows: number[] = [];
    const groups = new Map<string, number>();
    const groupOf = new Int32Array(examples.length);
    examples.forEach((e, i) => {
      if ((e.head ?? "tier") !== head || held[i]) return;
      const g = e.cutGroup ?? head;
      if (!groups.has(g)) groups.set(g, groups.size);
      groupOf[i] = groups.get(g)!;
      rows.push(i);
    });
    return fitOrdinal(data, rows, labels, groupOf, groups.size, weightOf, bits, {
      seed: runSeed,
      epochs: options.epochs ?? 4,
      lr: options.learningRate ?? 0.1,
      l2: options.l2 ?? 1e-4,
    });
  };
  const tier = fitHead("tier", seed);
  const gain = fitHead("gain", seed + 7919);

  const dot = (w: Float32Array, i: number) => {
    let z = 0;
    for (let k = data.offsets[i]!; k < data.offsets[i + 1]!; k++) z += w[data.index[k]!]! * data.value[k]!;
    return z;
  };
  // Per shape: fit cut points and temperature to the combined score of the
  // calibration slice's examples of that shape. One linear score serves every
  // kind of prompt, but the score where free-text product traffic turns from
  // mid to frontier need not be where a ten-option quiz does.
  const shapeMin = options.shapeCalibrationMin ?? 30;
  const shapes = {} as Record<PromptShape, ShapeScoring>;
  const report: TrainResult["calibration"] = {};
  for (const [s, shape] of PROMPT_SHAPES.entries()) {
    const m = mix[shape];
    const rows: CalibrationRow[] = [];
    examples.forEach((e, i) => {
      if (!held[i] || data.shape[i] !== s || !(e.calibrates ?? (e.head ?? "tier") === "tier")) return;
      rows.push({ z: m[0] * dot(tier.weights, i) + m[1] * dot(gain.weights, i), label: e.label, weight: weightOf[i]! });
    });
    if (rows.length < shapeMin || new Set(rows.map((r) => r.label)).size < 2) {
      report[shape] = { examples: 0, nllBefore: NaN, nllAfter: NaN };
      continue;
    }
    // From the tier head's own cuts (its first group) on this mix's scale.
    const start: Calibration = { cuts: [m[0] * tier.cuts[0]!, Math.max(m[0] * tier.cuts[1]!, m[0] * tier.cuts[0]! + 0.05)], temperature: 1 };
    const fitted = fitCalibration(rows, start);
    report[shape] = { examples: rows.length, nllBefore: weightedNll(rows, start), nllAfter: weightedNll(rows, fitted) };
    shapes[shape] = { mix: m, ...fitted };
  }
  if (shapes.free === undefined) {
    // No tier-labelled free text to calibrate on: the tier head's own cuts.
    shapes.free = { mix: mix.free, cuts: [mix.free[0] * tier.cuts[0]!, Math.max(mix.free[0] * tier.cuts[1]!, mix.free[0] * tier.cuts[0]! + 0.05)], temperature: 1 };
  }
  for (const shape of PROMPT_SHAPES) shapes[shape] ??= shapes.free;

  const memory = new Map<string, TierName>();
  for (const e of examples) if (e.remember) memory.set(memoryKey(e.prompt), TIER_NAMES[e.label]);

  // The neighbours: every tier-labelled product prompt (the calibration
  // slice too), with its training weight, so the team's labels dominate the
  // vote as they dominate the heads.
  let neighbours: ModelParams["neighbours"];
  const neighbourOptions = options.neighbours === false ? undefined : { ...DEFAULT_NEIGHBOURS, ...options.neighbours };
  if (extracted !== undefined && neighbourOptions !== undefined && neighbourOptions.blend > 0) {
    const group = options.neighbourGroup ?? "product";
    const pool: Parameters<typeof buildNeighbours>[0][number][] = [];
    examples.forEach((e, i) => {
      if ((e.head ?? "tier") !== "tier" || (e.cutGroup !== undefined && e.cutGroup !== group)) return;
      const [from, to] = [data.offsets[i]!, data.offsets[i + 1]!];
      const features = { index: data.index.subarray(from, to), value: extracted.subarray(from, to), count: to - from, shape: data.shape[i] as 0 | 1 | 2 };
      pool.push({ features, label: e.label, weight: weightOf[i]! });
    });
    if (pool.length > 0) neighbours = buildNeighbours(pool, bits, neighbourOptions);
  }

  const params: ModelParams = {
    bits,
    features: FEATURE_VERSION,
    heads: { tier: tier.weights, gain: gain.weights },
    shapes,
    memory,
    ...(neighbours === undefined ? {} : { neighbours }),
  };
  const info: ModelInfo = {
    seed,
    sources: counts,
    epochs: options.epochs ?? 4,
    learningRate: options.learningRate ?? 0.1,
    l2: options.l2 ?? 1e-4,
    minDf,
    ...(options.sourceMass ? { sourceMass: { ...options.sourceMass } } : {}),
    remembered: memory.size,
    ...(neighbours === undefined ? {} : { neighbours: { k: neighbours.k, blend: neighbours.blend, maxDf: neighbours.maxDf, cap: neighbours.cap, prompts: neighbours.labels.length } }),
    ...options.info,
  };
  return { model: createComplexityModel(params, info), calibration: report };
}

function featurise(examples: readonly TrainingExample[], bits: number): Featurised {
  const buffer = createFeatureBuffer();
  const offsets = new Int32Array(examples.length + 1);
  const chunks: { index: Int32Array; value: Float32Array }[] = [];
  const shape = new Uint8Array(examples.length);
  let total = 0;
  for (let i = 0; i < examples.length; i++) {
    extractFeatures(examples[i]!.prompt, buffer, { bits, version: FEATURE_VERSION });
    shape[i] = buffer.shape;
    chunks.push({ index: buffer.index.slice(0, buffer.count), value: buffer.value.slice(0, buffer.count) });
    total += buffer.count;
    offsets[i + 1] = total;
  }
  const index = new Int32Array(total);
  const value = new Float32Array(total);
  chunks.forEach((c, i) => {
    index.set(c.index, offsets[i]!);
    value.set(c.value, offsets[i]!);
  });
  return { offsets, index, value, shape };
}

/**
 * An n-gram seen in fewer than minDf prompts describes one question, not a
 * kind of question, and only memorises label noise: its value is zeroed so
 * its weight stays 0.
 */
function pruneRare(data: Featurised, n: number, bits: number, minDf: number): void {
  const df = new Int32Array(1 << bits);
  const seen = new Int32Array(1 << bits).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let k = data.offsets[i]!; k < data.offsets[i + 1]!; k++) {
      const j = data.index[k]!;
      if (seen[j] !== i) {
        seen[j] = i;
        df[j] = df[j]! + 1;
      }
    }
  }
  for (let k = 0; k < data.index.length; k++) if (df[data.index[k]!]! < minDf) data.value[k] = 0;
}

interface FitOptions {
  seed: number;
  epochs: number;
  lr: number;
  l2: number;
}

/**
 * One ordinal head: weights shared by every group, cut points (c1 < c2) per
 * group. Averaged SGD (Polyak-Ruppert): the returned weights are the mean of
 * the weights after every step, kept lazily as w - u/t; averaging cancels
 * much of the step-to-step noise that noisy correctness labels put into SGD.
 */
function fitOrdinal(
  data: Featurised,
  rows: number[],
  labels: Uint8Array,
  groupOf: Int32Array,
  groups: number,
  weightOf: readonly number[],
  bits: number,
  o: FitOptions,
): { weights: Float32Array; cuts: Float64Array } {
  const size = 1 << bits;
  const weights = new Float32Array(size);
  const squares = new Float32Array(size);
  const lagged = new Float64Array(size);
  const cuts = new Float64Array(Math.max(1, groups) * 2);
  const cutSquares = new Float64Array(cuts.length);
  const cutLagged = new Float64Array(cuts.length);
  for (let g = 0; g < groups; g++) {
    cuts[2 * g] = -0.5;
    cuts[2 * g + 1] = 0.5;
  }
  if (rows.length === 0) return { weights, cuts };
  const random = mulberry32(o.seed);
  const order = [...rows];
  const { offsets, index, value } = data;
  let step = 1;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const i of order) {
      let z = 0;
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) z += weights[index[k]!]! * value[k]!;
      const g = groupOf[i]!;
      const a = sigmoid(z - cuts[2 * g]!);
      const b = sigmoid(z - cuts[2 * g + 1]!);
      let dz: number;
      let d1: number;
      let d2: number;
      switch (labels[i]) {
        case 0:
          dz = a;
          d1 = -a;
          d2 = 0;
          break;
        case 2:
          dz = -(1 - b);
          d1 = 0;
          d2 = 1 - b;
          break;
        default: {
          const gap = Math.max(a - b, 1e-6);
          dz = -(a * (1 - a) - b * (1 - b)) / gap;
          d1 = (a * (1 - a)) / gap;
          d2 = -(b * (1 - b)) / gap;
        }
      }
      const w = weightOf[i]!;
      dz *= w;
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        if (value[k] === 0) continue;
        const j = index[k]!;
        const grad = dz * value[k]! + o.l2 * weights[j]!;
        squares[j] = squares[j]! + grad * grad;
        const delta = (o.lr * grad) / Math.sqrt(squares[j]! + 1e-8);
        weights[j] = weights[j]! - delta;
        lagged[j] = lagged[j]! - step * delta;
      }
      for (const [c, d] of [
        [2 * g, d1],
        [2 * g + 1, d2],
      ] as const) {
        const grad = d * w;
        cutSquares[c] = cutSquares[c]! + grad * grad;
        const delta = (o.lr * grad) / Math.sqrt(cutSquares[c]! + 1e-8);
        cuts[c] = cuts[c]! - delta;
        cutLagged[c] = cutLagged[c]! - step * delta;
      }
      if (cuts[2 * g + 1]! < cuts[2 * g]! + 0.05) cuts[2 * g + 1] = cuts[2 * g]! + 0.05;
      step++;
    }
  }
  for (let j = 0; j < size; j++) if (lagged[j] !== 0) weights[j] = weights[j]! - lagged[j]! / step;
  for (let c = 0; c < cuts.length; c++) cuts[c] = cuts[c]! - cutLagged[c]! / step;
  for (let g = 0; g < groups; g++) if (cuts[2 * g + 1]! < cuts[2 * g]! + 0.05) cuts[2 * g + 1] = cuts[2 * g]! + 0.05;
  return { weights, cuts };
}

interface CalibrationRow {
  z: number;
  label: 0 | 1 | 2;
  weight: number;
}

function weightedNll(rows: readonly CalibrationRow[], c: Calibration): number {
  let sum = 0;
  let total = 0;
  for (const r of rows) {
    sum -= r.weight * Math.log(Math.max(predictionOf(r.z, c).probabilities[r.label], 1e-9));
    total += r.weight;
  }
  return sum / total;
}

/**
 * Fits cut points and temperature to fixed linear scores: an ordinal
 * logistic regression in one variable, P(tier >= k) = sigmoid(a z - b_k),
 * which is convex in (a, b1, b2). Gradient descent with backtracking, from
 * a start, with a small pull towards it so a small or separable slice
 * cannot run off to an infinitely sharp fit.
 */
export function fitCalibration(rows: readonly CalibrationRow[], start: Calibration): Calibration {
  const t0 = start.temperature;
  const theta0 = [1 / t0, start.cuts[0] / t0, start.cuts[1] / t0];
  const pull = 0.01;
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const objective = (th: number[]): { value: number; grad: number[] } => {
    const [a, b1, b2] = th as [number, number, number];
    let value = 0;
    const grad = [0, 0, 0];
    for (const r of rows) {
      const s1 = sigmoid(a * r.z - b1);
      const s2 = sigmoid(a * r.z - b2);
      let d1 = 0;
      let d2 = 0;
      let p: number;
      if (r.label === 0) {
        p = 1 - s1;
        d1 = s1;
      } else if (r.label === 2) {
        p = s2;
        d2 = -(1 - s2);
      } else {
        p = Math.max(s1 - s2, 1e-12);
        d1 = -(s1 * (1 - s1)) / p;
        d2 = (s2 * (1 - s2)) / p;
      }
      const w = r.weight / total;
      value -= w * Math.log(Math.max(p, 1e-12));
      grad[0]! += w * r.z * (d1 + d2);
      grad[1]! -= w * d1;
      grad[2]! -= w * d2;
    }
    for (let k = 0; k < 3; k++) {
      value += pull * (th[k]! - theta0[k]!) ** 2;
      grad[k]! += 2 * pull * (th[k]! - theta0[k]!);
    }
    return { value, grad };
  };
  let theta = [...theta0];
  let current = objective(theta);
  let step = 1;
  for (let iter = 0; iter < 300; iter++) {
    const norm = Math.hypot(...current.grad);
    if (norm < 1e-7) break;
    let moved = false;
    while (step > 1e-8) {
      const next = theta.map((v, k) => v - step * current.grad[k]!);
      // Keep the temperature positive and the cut points ordered.
      next[0] = Math.max(next[0]!, 0.05);
      next[2] = Math.max(next[2]!, next[1]! + 0.01);
      const candidate = objective(next);
      if (candidate.value < current.value - 1e-12) {
        theta = next;
        current = candidate;
        step *= 1.5;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  const [a, b1, b2] = theta as [number, number, number];
  return { cuts: [b1 / a, b2 / a], temperature: 1 / a };
}
