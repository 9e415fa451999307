// The local classifier's model: two linear heads over the same hashed
// features, combined into one ordinal score per prompt.
//
// - The tier head learns from prompts labelled with the tier they need (the
//   product's own notion: nano, mid, frontier).
// - The gain head learns from per-prompt correctness of a weak and a strong
//   model (RouteLLM's MMLU and GSM8K, graded open-ended chat, instruction
//   following): how much the strong model adds on this kind of prompt.
//
// Trained apart, neither corrupts the other: tier labels say "content
// generation is mid", correctness says "the weak model fails at maths", and
// one shared weight vector fitted to both learnt neither well. The linear
// score z = a * z_tier + b * z_gain, with (a, b) per prompt shape (free text,
// multiple choice with few or many options), orders prompts by how strong a
// tier they need; two cut points and a temperature per shape turn z into
// calibrated nano / mid / frontier probabilities; the complexity score is the
// expected tier scaled to [0, 1] (nano 0, mid 0.5, frontier 1).
//
// Free text also hears from its nearest labelled prompts (neighbours.ts): a
// k-nearest-neighbour vote over the tier-labelled training prompts takes a
// share of the score, mapped onto the same scale as z by the free-text cut
// points (a unanimous nano vote sits half a cut gap below the first cut, a
// unanimous frontier vote as far above the second).
//
// A model may also remember prompts: labels a team fed back (SubmitFeedback,
// then `npm run train -- --from-ledger`) are stored by a hash of the prompt's
// normalised text, and that exact prompt then gets its label, whatever the
// weights say.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { packageFile } from "../core/package-root.js";
import { createNeighbourScorer, decodeNeighbours, encodeNeighbours, type NeighbourFile, type NeighbourParams } from "./neighbours.js";
import { createFeatureBuffer, extractFeatures, FEATURE_VERSION, PROMPT_SHAPES, type FeatureBuffer, type FeatureVersion, type PromptShape } from "./features.js";

export const MODEL_FORMAT = "tierd-classifier/3";
/** Files of the second format (no neighbours) and of the first (one head, optional per-shape calibrations) still load. */
const MODEL_FORMAT_V2 = "tierd-classifier/2";
const MODEL_FORMAT_V1 = "tierd-classifier/1";

/** The three classes are the tiers, cheapest first; the index is the ordinal label. */
import { TIER_NAMES, type TierName } from "../core/tiers.js";

/** How a linear score becomes probabilities. */
export interface Calibration {
  /** Cut points c1 < c2 of the cumulative logits. */
  cuts: [number, number];
  /** Divides (z - c) before the sigmoid; fitted for calibration. */
  temperature: number;
}

/** How one prompt shape is scored: the heads' mix, then its calibration. */
export interface ShapeScoring extends Calibration {
  /** z = mix[0] * z_tier + mix[1] * z_gain. */
  mix: [number, number];
}

/** The parameters of a trained model, as the trainer produces them. */
export interface ModelParams {
  bits: number;
  /** The feature set the weights were trained on. */
  features: FeatureVersion;
  /** Dense weights, length 2^bits each. */
  heads: { tier: Float32Array; gain: Float32Array };
  shapes: Record<PromptShape, ShapeScoring>;
  /** Remembered labels: key (see memoryKey) to tier. */
  memory: ReadonlyMap<string, TierName>;
  /** The labelled prompts free text is compared with (absent: the linear score alone). */
  neighbours?: NeighbourParams;
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
  /** The combined linear score (for ranking and debugging). */
  z: number;
  /** The prompt's shape (which mix and calibration applied). */
  shape?: PromptShape;
  /** Set when the prompt is one the model remembers: its label, which the probabilities already say. */
  remembered?: TierName;
}

export interface ComplexityModel {
  readonly params: ModelParams;
  readonly info: ModelInfo;
  /** Scores one prompt; reuses an internal buffer (not re-entrant, and need not be: JS is single-threaded). */
  predict(text: string, messages?: number): Prediction;
  /** The combined score z (heads, and the neighbour vote for free text; no memory). */
  linearScore(text: string, messages?: number): number;
}

export function createComplexityModel(params: ModelParams, info: ModelInfo): ComplexityModel {
  const buffer: FeatureBuffer = createFeatureBuffer();
  const { bits, heads } = params;
  const scorings = PROMPT_SHAPES.map((shape) => params.shapes[shape]);
  const memory = params.memory;
  const neighbours = params.neighbours === undefined ? undefined : createNeighbourScorer(params.neighbours, bits);
  const free = params.shapes.free;
  const voteZ = (expected: number) => {
    const gap = free.cuts[1] - free.cuts[0];
    return free.cuts[0] - gap / 2 + expected * gap;
  };
  const linearScore = (text: string, messages = 1): number => {
    extractFeatures(text, buffer, { bits, messages, version: params.features });
    const mix = scorings[buffer.shape]!.mix;
    let tier = 0;
    let gain = 0;
    const { index, value, count } = buffer;
    for (let i = 0; i < count; i++) {
      const j = index[i]!;
      tier += heads.tier[j]! * value[i]!;
      gain += heads.gain[j]! * value[i]!;
    }
    const z = mix[0] * tier + mix[1] * gain;
    if (neighbours === undefined || buffer.shape !== 0) return z;
    const vote = neighbours.expectedTier(buffer);
    if (vote === undefined) return z;
    const blend = neighbours.params.blend;
    return (1 - blend) * z + blend * voteZ(vote);
  };
  return {
    params,
    info,
    linearScore,
    predict(text, messages) {
      const remembered = memory.size === 0 ? undefined : memory.get(memoryKey(text));
      if (remembered !== undefined) {
        const t = TIER_NAMES.indexOf(remembered);
        const probabilities: [number, number, number] = [t === 0 ? 1 : 0, t === 1 ? 1 : 0, t === 2 ? 1 : 0];
        return { z: NaN, score: t / 2, probabilities, remembered };
      }
      const z = linearScore(text, messages);
      const prediction = predictionOf(z, scorings[buffer.shape]!);
      prediction.shape = PROMPT_SHAPES[buffer.shape];
      return prediction;
    },
  };
}

/**
 * The key a remembered prompt is stored under: SHA-256 of its text in NFKC,
 * lower case, with runs of whitespace as one space and no leading or
 * trailing space, so a re-sent prompt that differs only in spacing or case
 * still matches. First 32 hex digits (128 bits): collisions are not a
 * practical concern at ledger sizes.
 */
export function memoryKey(text: string): string {
  const normalised = text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(normalised).digest("hex").slice(0, 32);
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Class probabilities and score of a linear score under a calibration. */
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

/** Sparse weights: ascending indices, delta-encoded, base64 of a Uint32Array; values base64 of a Float32Array. */
interface SparseWeights {
  nonZero: number;
  indices: string;
  values: string;
}

/** The on-disk form. */
interface ModelFile {
  format: string;
  bits: number;
  features: number;
  heads: { tier: SparseWeights; gain: SparseWeights };
  shapes: Record<string, ShapeScoring>;
  /** [key, tier] pairs, sorted by key. */
  memory: [string, TierName][];
  neighbours?: NeighbourFile;
  info: ModelInfo;
}

/** The first format: one weight vector (the tier head, as it is now called). */
interface ModelFileV1 extends SparseWeights {
  format: string;
  bits: number;
  cuts: [number, number];
  temperature: number;
  shapes?: Partial<Record<string, Calibration>>;
  features?: number;
  info: ModelInfo;
}

/** Serialises a model; weights smaller than `prune` in magnitude are dropped. */
export function serializeModel(params: ModelParams, info: ModelInfo, prune = 1e-5): string {
  const file: ModelFile = {
    format: MODEL_FORMAT,
    bits: params.bits,
    features: params.features,
    heads: { tier: sparse(params.heads.tier, prune), gain: sparse(params.heads.gain, prune) },
    shapes: Object.fromEntries(PROMPT_SHAPES.map((s) => [s, params.shapes[s]])),
    memory: [...params.memory].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    ...(params.neighbours === undefined ? {} : { neighbours: encodeNeighbours(params.neighbours) }),
    info,
  };
  return JSON.stringify(file, null, 1) + "\n";
}

function sparse(weights: Float32Array, prune: number): SparseWeights {
  const indices: number[] = [];
  const values: number[] = [];
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (Math.abs(w) < prune) continue;
    indices.push(i - last);
    last = i;
    values.push(w);
  }
  return {
    nonZero: values.length,
    indices: Buffer.from(new Uint32Array(indices).buffer).toString("base64"),
    values: Buffer.from(new Float32Array(values).buffer).toString("base64"),
  };
}

export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
}

export function parseModel(text: string, source: string): ComplexityModel {
  let file: ModelFile | ModelFileV1;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (err) {
    throw new ModelLoadError(`${source}: not JSON (${(err as Error).message})`);
  }
  if (file === null || typeof file !== "object") throw new ModelLoadError(`${source}: expected a JSON object`);
  if (file.format !== MODEL_FORMAT && file.format !== MODEL_FORMAT_V2 && file.format !== MODEL_FORMAT_V1) {
    throw new ModelLoadError(`${source}: expected format "${MODEL_FORMAT}" (or "${MODEL_FORMAT_V2}", "${MODEL_FORMAT_V1}"), got ${JSON.stringify(file.format)}`);
  }
  if (!Number.isInteger(file.bits) || file.bits < 8 || file.bits > 24) throw new ModelLoadError(`${source}: bits must be an integer in 8-24`);
  const size = 1 << file.bits;
  if (file.format === MODEL_FORMAT_V1) return parseV1(file as unknown as ModelFileV1, source, size);
  const v2 = file as ModelFile;
  if (v2.features !== 1 && v2.features !== 2 && v2.features !== 3) throw new ModelLoadError(`${source}: features must be 1, 2 or 3 (a newer tierd wrote this file?), got ${JSON.stringify(v2.features)}`);
  if (v2.heads === null || typeof v2.heads !== "object") throw new ModelLoadError(`${source}: heads must be an object with tier and gain`);
  const shapes = {} as Record<PromptShape, ShapeScoring>;
  for (const name of Object.keys(v2.shapes ?? {})) {
    if (!(PROMPT_SHAPES as readonly string[]).includes(name)) throw new ModelLoadError(`${source}: shapes: unknown shape "${name}" (expected ${PROMPT_SHAPES.join(", ")})`);
  }
  for (const shape of PROMPT_SHAPES) {
    const s = v2.shapes?.[shape];
    if (s === undefined) throw new ModelLoadError(`${source}: shapes.${shape} is missing`);
    checkCalibration(s, `shapes.${shape}`, source);
    if (!Array.isArray(s.mix) || s.mix.length !== 2 || !s.mix.every((m) => Number.isFinite(m) && m >= 0) || s.mix[0] + s.mix[1] <= 0) {
      throw new ModelLoadError(`${source}: shapes.${shape}.mix must be two non-negative numbers, not both 0`);
    }
    shapes[shape] = { mix: [s.mix[0], s.mix[1]], cuts: [s.cuts[0], s.cuts[1]], temperature: s.temperature };
  }
  const memory = new Map<string, TierName>();
  if (!Array.isArray(v2.memory)) throw new ModelLoadError(`${source}: memory must be a list of [key, tier] pairs`);
  v2.memory.forEach((entry, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string" || !/^[0-9a-f]{32}$/.test(entry[0]) || !(TIER_NAMES as readonly string[]).includes(entry[1])) {
      throw new ModelLoadError(`${source}: memory[${i}] must be [32 hex digits, "nano" | "mid" | "frontier"]`);
    }
    memory.set(entry[0], entry[1]);
  });
  let neighbours: NeighbourParams | undefined;
  if (v2.neighbours !== undefined) {
    if (v2.neighbours === null || typeof v2.neighbours !== "object") throw new ModelLoadError(`${source}: neighbours must be an object`);
    if (file.format !== MODEL_FORMAT) throw new ModelLoadError(`${source}: neighbours need format "${MODEL_FORMAT}"`);
    try {
      neighbours = decodeNeighbours(v2.neighbours, v2.bits);
    } catch (err) {
      throw new ModelLoadError(`${source}: neighbours: ${(err as Error).message}`);
    }
  }
  const params: ModelParams = {
    bits: v2.bits,
    features: v2.features,
    heads: { tier: dense(v2.heads.tier, size, `${source}: heads.tier`), gain: dense(v2.heads.gain, size, `${source}: heads.gain`) },
    shapes,
    memory,
    ...(neighbours === undefined ? {} : { neighbours }),
  };
  return createComplexityModel(params, v2.info ?? { seed: 0, sources: {} });
}

function parseV1(file: ModelFileV1, source: string, size: number): ComplexityModel {
  checkCalibration(file, "", source);
  const features = file.features ?? 1;
  if (features !== 1 && features !== 2) throw new ModelLoadError(`${source}: features must be 1 or 2 (a newer tierd wrote this file?), got ${JSON.stringify(file.features)}`);
  const global: Calibration = { cuts: [file.cuts[0], file.cuts[1]], temperature: file.temperature };
  const shapes = {} as Record<PromptShape, ShapeScoring>;
  for (const name of Object.keys(file.shapes ?? {})) {
    if (!(PROMPT_SHAPES as readonly string[]).includes(name)) throw new ModelLoadError(`${source}: shapes: unknown shape "${name}" (expected ${PROMPT_SHAPES.join(", ")})`);
    checkCalibration(file.shapes![name]!, `shapes.${name}`, source);
  }
  for (const shape of PROMPT_SHAPES) {
    const c = file.shapes?.[shape] ?? global;
    shapes[shape] = { mix: [1, 0], cuts: [c.cuts[0], c.cuts[1]], temperature: c.temperature };
  }
  const params: ModelParams = { bits: file.bits, features, heads: { tier: dense(file, size, source), gain: new Float32Array(size) }, shapes, memory: new Map() };
  return createComplexityModel(params, file.info ?? { seed: 0, sources: {} });
}

function checkCalibration(c: Partial<Calibration> | undefined, path: string, source: string): void {
  const at = path === "" ? "" : `${path}.`;
  if (!Array.isArray(c?.cuts) || c.cuts.length !== 2 || !(c.cuts[0]! < c.cuts[1]!)) throw new ModelLoadError(`${source}: ${at}cuts must be two increasing numbers`);
  if (!(c.temperature! > 0)) throw new ModelLoadError(`${source}: ${at}temperature must be positive`);
}

function dense(w: SparseWeights | undefined, size: number, where: string): Float32Array {
  if (w === undefined || typeof w.indices !== "string" || typeof w.values !== "string") throw new ModelLoadError(`${where}: weights are missing`);
  const deltas = new Uint32Array(toArrayBuffer(Buffer.from(w.indices, "base64")));
  const values = new Float32Array(toArrayBuffer(Buffer.from(w.values, "base64")));
  if (deltas.length !== values.length || values.length !== w.nonZero) throw new ModelLoadError(`${where}: weight arrays are inconsistent`);
  const weights = new Float32Array(size);
  let at = 0;
  for (let i = 0; i < deltas.length; i++) {
    at += deltas[i]!;
    if (at >= size) throw new ModelLoadError(`${where}: weight index out of range`);
    weights[at] = values[i]!;
  }
  return weights;
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

export { FEATURE_VERSION };
