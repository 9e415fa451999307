// Trains the local classifier: an ordinal logistic model (cumulative logits,
// one weight vector, two cut points) fitted by AdaGrad SGD over hashed
// features, then a temperature fitted on a calibration slice the weights did
// not train on. Seeded shuffling makes it deterministic: the same examples
// and seed give the same weights, bit for bit.
import { createFeatureBuffer, DEFAULT_HASH_BITS, extractFeatures } from "./features.js";
import { createComplexityModel, predictionOf, sigmoid, type ComplexityModel, type ModelInfo, type ModelParams } from "./model.js";

/** What the trainer needs of an example: text and an ordinal label. */
export interface TrainingExample {
  prompt: string;
  /** 0 nano, 1 mid, 2 frontier. */
  label: 0 | 1 | 2;
  /** Names where the example came from; sources can be weighted. */
  source?: string;
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
  /** Share of examples held back to fit the temperature. Default 0.1. */
  calibrationShare?: number;
  /** Extra facts stored in the model's metadata. */
  info?: Record<string, unknown>;
}

export interface TrainResult {
  model: ComplexityModel;
  /** Mean negative log-likelihood on the calibration slice, before and after the temperature. */
  calibration: { examples: number; nllBefore: number; nllAfter: number; temperature: number };
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
  for (let i = 0; i < examples.length; i++) {
    extractFeatures(examples[i]!.prompt, buffer, { bits });
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

  const random = mulberry32(seed);
  const order = Array.from({ length: examples.length }, (_, i) => i);
  shuffle(order, random);
  const calibrationCount = examples.length >= 50 ? Math.floor(examples.length * calibrationShare) : 0;
  const calibration = order.slice(0, calibrationCount);
  const training = order.slice(calibrationCount);

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
  const params: ModelParams = { bits, weights, cuts, temperature };
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
    calibration: { examples: calibration.length, nllBefore, nllAfter: best, temperature },
  };
}

function meanNll(zs: readonly number[], labels: readonly (0 | 1 | 2)[], params: Pick<ModelParams, "cuts" | "temperature">): number {
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
