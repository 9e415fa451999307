// Trains the local classifier: an ordinal logistic model (cumulative logits,
// one weight vector, two cut points) fitted by AdaGrad SGD over hashed
// features, then a temperature fitted on a calibration slice the weights did
// not train on, and cut points and temperature per prompt shape fitted on the
// same slice. Seeded shuffling makes it deterministic: the same examples and
// seed give the same weights, bit for bit.
import { createFeatureBuffer, DEFAULT_HASH_BITS, extractFeatures, FEATURE_VERSION, hashKey, PROMPT_SHAPES, type PromptShape } from "./features.js";
import { createComplexityModel, predictionOf, sigmoid, type Calibration, type ComplexityModel, type ModelInfo, type ModelParams } from "./model.js";

/** What the trainer needs of an example: text and an ordinal label. */
export interface TrainingExample {
  prompt: string;
  /** 0 nano, 1 mid, 2 frontier. */
  label: 0 | 1 | 2;
  /** Names where the example came from; sources can be weighted. */
  source?: string;
  /**
   * Examples of one group (a template, a question stem) go to the
   * calibration slice together, so calibration sees wording the weights did
   * not learn, as live traffic is. Default: each example is its own group.
   */
  group?: string;
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
   * Relative weight of each source's examples, so a small in-domain set is
   * not drowned by a large benchmark. Default 1 for every source.
   */
  sourceWeights?: Readonly<Record<string, number>>;
  /** Features (hash buckets) seen in fewer training prompts than this are not learnt. Default: examples/1000, within 2-20. */
  minDf?: number;
  /** Return the average of the weights over all steps (default true). */
  averaged?: boolean;
  /** Per-feature AdaGrad steps, or plain SGD (rare n-grams move less: less memorising). */
  optimizer?: "adagrad" | "sgd";
  /** Runs on bootstrap samples whose weights are averaged (bagging). Default 1. */
  ensemble?: number;
  /** Share of examples (by group) held back to fit the temperature. Default 0.1. */
  calibrationShare?: number;
  /**
   * Fit cut points and temperature per prompt shape (free text, multiple
   * choice) on the calibration slice, for every shape with at least this
   * many calibration examples. 0 turns it off. Default 30.
   */
  shapeCalibrationMin?: number;
  /** Extra facts stored in the model's metadata. */
  info?: Record<string, unknown>;
}

export interface TrainResult {
  model: ComplexityModel;
  /** Mean negative log-likelihood on the calibration slice, before and after the temperature. */
  calibration: {
    examples: number;
    nllBefore: number;
    nllAfter: number;
    temperature: number;
    /** Per-shape fits: examples, and weighted mean NLL under the global calibration and under the shape's own. */
    shapes: Partial<Record<PromptShape, { examples: number; nllGlobal: number; nllShape: number }>>;
  };
}

export function trainClassifier(options: TrainOptions): TrainResult {
  const seed = options.seed ?? 1;
  const bits = options.bits ?? DEFAULT_HASH_BITS;
  const epochs = options.epochs ?? 4;
  const lr = options.learningRate ?? 0.1;
  const l2 = options.l2 ?? 1e-4;
  const calibrationShare = options.calibrationShare ?? 0.1;
  const minDf = options.minDf ?? Math.max(2, Math.min(20, Math.round(options.examples.length / 1000)));
  const averaged = options.averaged ?? true;
  const adaptive = (options.optimizer ?? "adagrad") === "adagrad";
  const examples = options.examples;
  if (examples.length === 0) throw new Error("trainClassifier: no examples");

  // Featurise once into flat arrays: offsets[i]..offsets[i+1] are example i's features.
  const buffer = createFeatureBuffer();
  const offsets = new Int32Array(examples.length + 1);
  let total = 0;
  const chunks: { index: Int32Array; value: Float32Array }[] = [];
  const shapeOf = new Uint8Array(examples.length);
  for (let i = 0; i < examples.length; i++) {
    extractFeatures(examples[i]!.prompt, buffer, { bits, version: FEATURE_VERSION });
    shapeOf[i] = buffer.shape;
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
  // Document frequency per bucket: an n-gram seen in fewer than minDf
  // prompts describes one question, not a kind of question, and only
  // memorises label noise; its weight stays 0.
  const df = new Int32Array(1 << bits);
  const seen = new Int32Array(1 << bits).fill(-1);
  for (let i = 0; i < examples.length; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const j = index[k]!;
      if (seen[j] !== i) {
        seen[j] = i;
        df[j] = df[j]! + 1;
      }
    }
  }
  for (let k = 0; k < total; k++) if (df[index[k]!]! < minDf) value[k] = 0;
  const weightOf = new Float64Array(examples.length);
  const sourceCounts: Record<string, number> = {};
  examples.forEach((e, i) => {
    const source = e.source ?? "default";
    sourceCounts[source] = (sourceCounts[source] ?? 0) + 1;
    weightOf[i] = options.sourceWeights?.[source] ?? 1;
  });

  // The calibration slice: a seeded hash of each example's group picks it,
  // so a template is either all in or all out.
  const calibration: number[] = [];
  const training: number[] = [];
  examples.forEach((e, i) => {
    const held = examples.length >= 50 && (hashKey(`${seed}:${e.group ?? `#${i}`}`) % 100_000) / 100_000 < calibrationShare;
    (held ? calibration : training).push(i);
  });

  const linearIn = (weights: Float32Array, i: number): number => {
    let z = 0;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) z += weights[index[k]!]! * value[k]!;
    return z;
  };
  // One SGD run. In an ensemble each run trains on a bootstrap sample (as
  // many draws with replacement as there are examples); alone, on them all.
  const fit = (runSeed: number, bootstrap: boolean): { weights: Float32Array; c1: number; c2: number } => {
    const shuffleRandom = mulberry32(runSeed);
    const order = bootstrap ? training.map(() => training[Math.floor(shuffleRandom() * training.length)]!) : [...training];
    const weights = new Float32Array(1 << bits);
    const squares = new Float32Array(1 << bits);
    // Averaged SGD (Polyak-Ruppert): the returned weights are the mean of the
    // weights after every step, kept lazily as w - u/t. Averaging cancels much
    // of the step-to-step noise that noisy correctness labels put into SGD.
    const lagged = new Float64Array(1 << bits);
    let step = 1;
    let lagC1 = 0;
    let lagC2 = 0;
    let c1 = -0.5;
    let c2 = 0.5;
    let g1 = 0;
    let g2 = 0;

    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, shuffleRandom);
      for (const i of order) {
        const z = linearIn(weights, i);
        const a = sigmoid(z - c1);
        const b = sigmoid(z - c2);
        let dz: number;
        let d1: number;
        let d2: number;
        switch (examples[i]!.label) {
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
          const j = index[k]!;
          const g = dz * value[k]! + l2 * weights[j]!;
          if (adaptive) {
            squares[j] = squares[j]! + g * g;
            const delta = (lr * g) / Math.sqrt(squares[j]! + 1e-8);
            weights[j] = weights[j]! - delta;
            lagged[j] = lagged[j]! - step * delta;
          } else {
            weights[j] = weights[j]! - lr * g;
            lagged[j] = lagged[j]! - step * lr * g;
          }
        }
        g1 += (d1 * w) ** 2;
        g2 += (d2 * w) ** 2;
        const before1 = c1;
        c1 -= (lr * d1 * w) / Math.sqrt(g1 + 1e-8);
        const before2 = c2;
        c2 -= (lr * d2 * w) / Math.sqrt(g2 + 1e-8);
        if (c2 < c1 + 0.05) c2 = c1 + 0.05;
        lagC1 += step * (c1 - before1);
        lagC2 += step * (c2 - before2);
        step++;
      }
    }
    if (averaged) {
      for (let j = 0; j < weights.length; j++) if (lagged[j] !== 0) weights[j] = weights[j]! - lagged[j]! / step;
      c1 -= lagC1 / step;
      c2 -= lagC2 / step;
      if (c2 < c1 + 0.05) c2 = c1 + 0.05;
    }
    return { weights, c1, c2 };
  };

  // Bagging: each run overfits its own sample's noise; the mean of the runs
  // keeps what they agree on.
  const runs = Math.max(1, options.ensemble ?? 1);
  const weights = new Float32Array(1 << bits);
  let c1 = 0;
  let c2 = 0;
  if (runs === 1) {
    const only = fit(seed, false);
    weights.set(only.weights);
    c1 = only.c1;
    c2 = only.c2;
  } else {
    const sum = new Float64Array(1 << bits);
    for (let r = 0; r < runs; r++) {
      const run = fit(seed + r * 7919, true);
      for (let j = 0; j < sum.length; j++) sum[j] = sum[j]! + run.weights[j]!;
      c1 += run.c1 / runs;
      c2 += run.c2 / runs;
    }
    for (let j = 0; j < sum.length; j++) weights[j] = sum[j]! / runs;
  }
  const cuts: [number, number] = [c1, c2];
  const zs = calibration.map((i) => linearIn(weights, i));
  const labels = calibration.map((i) => examples[i]!.label);
  const nll = (temperature: number) => meanNll(zs, labels, { cuts, temperature });
  let temperature = 1;
  let best = nll(1);
  const nllBefore = best;
  if (calibration.length > 0) {
    for (let k = 5; k <= 80; k++) {
      const t = k / 20;
      const v = nll(t);
      if (v < best - 1e-12) {
        best = v;
        temperature = t;
      }
    }
  }
  const params: ModelParams = { bits, weights, cuts, temperature, features: FEATURE_VERSION };
  // Per shape: one linear score serves every kind of prompt, but the score
  // where free-text product traffic turns from mid to frontier need not be
  // where a ten-option quiz does; thousands of quiz rows would otherwise set
  // the cut points for everything.
  const shapeMin = options.shapeCalibrationMin ?? 30;
  const shapeReport: TrainResult["calibration"]["shapes"] = {};
  if (shapeMin > 0) {
    PROMPT_SHAPES.forEach((shape, s) => {
      const rows = calibration.map((i, k) => ({ z: zs[k]!, label: labels[k]!, weight: weightOf[i]! })).filter((_, k) => shapeOf[calibration[k]!] === s);
      if (rows.length < shapeMin || new Set(rows.map((r) => r.label)).size < 2) return;
      const global: Calibration = { cuts, temperature };
      const fitted = fitCalibration(rows, global);
      shapeReport[shape] = { examples: rows.length, nllGlobal: weightedNll(rows, global), nllShape: weightedNll(rows, fitted) };
      (params.shapes ??= {})[shape] = fitted;
    });
  }
  const info: ModelInfo = {
    seed,
    sources: sourceCounts,
    epochs,
    learningRate: lr,
    l2,
    minDf,
    ensemble: runs,
    ...(options.sourceWeights ? { sourceWeights: { ...options.sourceWeights } } : {}),
    ...options.info,
  };
  return {
    model: createComplexityModel(params, info),
    calibration: { examples: calibration.length, nllBefore, nllAfter: best, temperature, shapes: shapeReport },
  };
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
 * the global calibration, with a small pull towards it so a small or
 * separable slice cannot run off to an infinitely sharp fit.
 */
function fitCalibration(rows: readonly CalibrationRow[], start: Calibration): Calibration {
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

function meanNll(zs: readonly number[], labels: readonly (0 | 1 | 2)[], params: Calibration): number {
  if (zs.length === 0) return 0;
  let sum = 0;
  zs.forEach((z, i) => {
    const p = predictionOf(z, params).probabilities[labels[i]!];
    sum -= Math.log(Math.max(p, 1e-9));
  });
  return sum / zs.length;
}

/** A small seeded PRNG (mulberry32): deterministic across Node versions. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}
