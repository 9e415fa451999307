// The local classifier's model: an ordinal (cumulative-logit) linear model
// over hashed features. One linear score z orders prompts by how strong a
// tier they need; two cut points split it into nano / mid / frontier
// probabilities, and a temperature fitted on data the weights did not see
// calibrates them; a model may carry its own cut points and temperature per
// prompt shape, so free-text traffic is not scored on the scale that
// thousands of multiple-choice quiz rows set. The complexity score is the expected tier scaled to
// [0, 1] (nano 0, mid 0.5, frontier 1), so the configured thresholds read as
// "expected tier below a third of the way to mid" and so on.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { packageFile } from "../core/package-root.js";
import { createFeatureBuffer, extractFeatures, FEATURE_VERSION, PROMPT_SHAPES, type FeatureBuffer, type PromptShape } from "./features.js";

export const MODEL_FORMAT = "tierd-classifier/1";

/** The three classes, cheapest first; the index is the ordinal label. */
export const TIER_LABELS = ["nano", "mid", "frontier"] as const;
export type TierLabel = (typeof TIER_LABELS)[number];

/** How a linear score becomes probabilities. */
export interface Calibration {
  /** Cut points c1 < c2 of the cumulative logits. */
  cuts: [number, number];
  /** Divides (z - c) before the sigmoid; fitted for calibration. */
  temperature: number;
}

/** The parameters of a trained model, as the trainer produces them. */
export interface ModelParams extends Calibration {
  bits: number;
  /** Dense weights, length 2^bits. */
  weights: Float32Array;
  /** Calibration of the prompts of one shape; shapes not listed use the model's cuts and temperature. */
  shapes?: Partial<Record<PromptShape, Calibration>>;
  /** The feature set the weights were trained on (default FEATURE_VERSION). */
  features?: 1 | 2;
}

/** Metadata stored with the weights: where they came from. */
export interface ModelInfo {
  seed: number;
  trainedAt?: string;
  sources: Record<string, number>;
  [key: string]: unknown;
}

export interface Prediction {
  /** Expected tier in [0, 1]: nano 0, mid 0.5, frontier 1. */
  score: number;
  /** Calibrated class probabilities, cheapest first. */
  probabilities: [number, number, number];
  /** The raw linear score (for ranking and debugging). */
  z: number;
  /** The prompt's shape (which calibration applied). */
  shape?: PromptShape;
}

export interface ComplexityModel {
  readonly params: ModelParams;
  readonly info: ModelInfo;
  /** Scores one prompt; reuses an internal buffer (not re-entrant, and need not be: JS is single-threaded). */
  predict(text: string, messages?: number): Prediction;
  /** The raw linear score only. */
  linearScore(text: string, messages?: number): number;
}

export function createComplexityModel(params: ModelParams, info: ModelInfo): ComplexityModel {
  const buffer: FeatureBuffer = createFeatureBuffer();
  const { weights, bits } = params;
  const version = params.features ?? FEATURE_VERSION;
  const calibrations = PROMPT_SHAPES.map((shape) => params.shapes?.[shape] ?? params);
  const linearScore = (text: string, messages = 1): number => {
    extractFeatures(text, buffer, { bits, messages, version });
    let z = 0;
    const { index, value, count } = buffer;
    for (let i = 0; i < count; i++) z += weights[index[i]!]! * value[i]!;
    return z;
  };
  return {
    params,
    info,
    linearScore,
    predict(text, messages) {
      const z = linearScore(text, messages);
      const prediction = predictionOf(z, calibrations[buffer.shape]!);
      prediction.shape = PROMPT_SHAPES[buffer.shape];
      return prediction;
    },
  };
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Class probabilities and score of a linear score under the model's cuts and temperature. */
export function predictionOf(z: number, params: Calibration): Prediction {
  const t = params.temperature;
  const atLeastMid = sigmoid((z - params.cuts[0]) / t);
  const atLeastFrontier = Math.min(atLeastMid, sigmoid((z - params.cuts[1]) / t));
  return {
    z,
    score: (atLeastMid + atLeastFrontier) / 2,
    probabilities: [1 - atLeastMid, atLeastMid - atLeastFrontier, atLeastFrontier],
  };
}

/** The on-disk form: sparse weights as base64 typed arrays inside JSON. */
interface ModelFile {
  format: string;
  bits: number;
  cuts: [number, number];
  temperature: number;
  /** Per-shape calibrations (absent in files written before they existed). */
  shapes?: Partial<Record<PromptShape, Calibration>>;
  /** Feature set; absent in files written before there was more than one, which mean 1. */
  features?: number;
  info: ModelInfo;
  nonZero: number;
  /** Bucket indices, ascending, delta-encoded, base64 of a Uint32Array. */
  indices: string;
  /** Weights, base64 of a Float32Array. */
  values: string;
}

/** Serialises a model; weights smaller than `prune` in magnitude are dropped. */
export function serializeModel(params: ModelParams, info: ModelInfo, prune = 1e-5): string {
  const indices: number[] = [];
  const values: number[] = [];
  let last = 0;
  for (let i = 0; i < params.weights.length; i++) {
    const w = params.weights[i]!;
    if (Math.abs(w) < prune) continue;
    indices.push(i - last);
    last = i;
    values.push(w);
  }
  const file: ModelFile = {
    format: MODEL_FORMAT,
    bits: params.bits,
    cuts: params.cuts,
    temperature: params.temperature,
    features: params.features ?? FEATURE_VERSION,
    ...(params.shapes === undefined ? {} : { shapes: params.shapes }),
    info,
    nonZero: values.length,
    indices: Buffer.from(new Uint32Array(indices).buffer).toString("base64"),
    values: Buffer.from(new Float32Array(values).buffer).toString("base64"),
  };
  return JSON.stringify(file, null, 1) + "\n";
}

export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
}

export function parseModel(text: string, source: string): ComplexityModel {
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (err) {
    throw new ModelLoadError(`${source}: not JSON (${(err as Error).message})`);
  }
  if (file?.format !== MODEL_FORMAT) throw new ModelLoadError(`${source}: expected format "${MODEL_FORMAT}", got ${JSON.stringify(file?.format)}`);
  if (!Number.isInteger(file.bits) || file.bits < 8 || file.bits > 24) throw new ModelLoadError(`${source}: bits must be an integer in 8-24`);
  if (!Array.isArray(file.cuts) || file.cuts.length !== 2 || !(file.cuts[0] < file.cuts[1])) throw new ModelLoadError(`${source}: cuts must be two increasing numbers`);
  if (!(file.temperature > 0)) throw new ModelLoadError(`${source}: temperature must be positive`);
  const features = file.features ?? 1;
  if (features !== 1 && features !== 2) throw new ModelLoadError(`${source}: features must be 1 or 2 (a newer tierd wrote this file?), got ${JSON.stringify(file.features)}`);
  const shapes: Partial<Record<PromptShape, Calibration>> = {};
  for (const [shape, c] of Object.entries(file.shapes ?? {})) {
    if (!(PROMPT_SHAPES as readonly string[]).includes(shape)) throw new ModelLoadError(`${source}: shapes: unknown shape "${shape}" (expected ${PROMPT_SHAPES.join(", ")})`);
    if (!Array.isArray(c?.cuts) || c.cuts.length !== 2 || !(c.cuts[0] < c.cuts[1])) throw new ModelLoadError(`${source}: shapes.${shape}.cuts must be two increasing numbers`);
    if (!(c.temperature > 0)) throw new ModelLoadError(`${source}: shapes.${shape}.temperature must be positive`);
    shapes[shape as PromptShape] = { cuts: [c.cuts[0], c.cuts[1]], temperature: c.temperature };
  }
  const deltas = new Uint32Array(toArrayBuffer(Buffer.from(file.indices, "base64")));
  const values = new Float32Array(toArrayBuffer(Buffer.from(file.values, "base64")));
  if (deltas.length !== values.length || values.length !== file.nonZero) throw new ModelLoadError(`${source}: weight arrays are inconsistent`);
  const weights = new Float32Array(1 << file.bits);
  let at = 0;
  for (let i = 0; i < deltas.length; i++) {
    at += deltas[i]!;
    if (at >= weights.length) throw new ModelLoadError(`${source}: weight index out of range`);
    weights[at] = values[i]!;
  }
  const params: ModelParams = { bits: file.bits, weights, cuts: [file.cuts[0], file.cuts[1]], temperature: file.temperature, features };
  if (Object.keys(shapes).length > 0) params.shapes = shapes;
  return createComplexityModel(params, file.info);
}

export function loadModel(path: string): ComplexityModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ModelLoadError(`cannot read classifier model ${path} (${(err as Error).message})`);
  }
  return parseModel(text, path);
}

/** The model shipped with tierd (trained by `npm run train`). */
export const BUILTIN_MODEL_URL = pathToFileURL(packageFile("models/classifier.json"));

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  // Copy: a Buffer may be a view into a shared pool at an unaligned offset.
  const out = new ArrayBuffer(buf.length);
  new Uint8Array(out).set(buf);
  return out;
}
