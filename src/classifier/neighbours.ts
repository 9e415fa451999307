// The nearest labelled prompts: a k-nearest-neighbour vote over the
// tier-labelled training prompts, blended into the linear score of free text.
//
// Why a second model beside the linear heads: a linear model learns what
// each word adds everywhere, so a prompt is scored by its parts; a
// neighbour vote scores it by the whole prompts it resembles ("reply to
// this customer" next to twenty support replies labelled mid). The two make
// different mistakes, and on prompts by an author neither saw the blend beat
// both (scripts/tune.ts, leave-one-author-out; docs/routing.md has the
// figures). Multiple-choice prompts keep the linear score alone: their tier
// labels are few and the vote did not help there.
//
// The representation is the classifier's own hashed features (no
// embeddings to download), weighted TF-IDF style, log(1 + x) * idf, with
// common buckets (in more than maxDf of the prompts) dropped and each prompt
// cut to its `cap` heaviest features, then L2-normalised: similarity is the
// cosine. An inverted index per bucket keeps a query to the prompts sharing
// a rare feature with it, about 0.1 ms for a 500-word prompt.
import type { FeatureBuffer } from "./features.js";

export interface NeighbourOptions {
  /** Neighbours that vote. Default 20. */
  k: number;
  /** Share of the free-text score the vote takes (0 off, 1 the vote alone). Default 0.4. */
  blend: number;
  /** Buckets in more than this share of the prompts carry no weight. Default 0.05. */
  maxDf: number;
  /** Features kept per prompt, the heaviest first. Default 150. */
  cap: number;
}

export const DEFAULT_NEIGHBOURS: Readonly<NeighbourOptions> = { k: 20, blend: 0.4, maxDf: 0.05, cap: 150 };

/** What a model file stores: the labelled prompts' weighted features, quantised. */
export interface NeighbourParams extends NeighbourOptions {
  /** Per bucket (2^bits): prompts that have it, 0 for none or too common (no weight). */
  df: Uint16Array;
  /** Number of prompts the document frequencies count. */
  documents: number;
  labels: Uint8Array;
  /** Each prompt's weight in the vote (its training weight). */
  weights: Float32Array;
  /** Prompt i's features are offsets[i] .. offsets[i+1] of buckets and levels. */
  offsets: Uint32Array;
  /** Ascending within a prompt. */
  buckets: Uint32Array;
  /** Feature weight / scale[i] * 255, rounded. */
  levels: Uint8Array;
  scales: Float32Array;
}

export interface NeighbourScorer {
  readonly params: NeighbourParams;
  /** Weighted mean tier (0 nano .. 2 frontier) of the nearest prompts, or undefined when none shares a feature. */
  expectedTier(features: FeatureBuffer): number | undefined;
}

/** Weights of one prompt's features, heaviest `cap` kept, sorted by bucket, L2-normalised. */
class Weigher {
  private readonly acc: Float32Array;
  private readonly touched: Int32Array;
  private readonly ys: Float32Array;
  private readonly js: Int32Array;
  private readonly sorted: Float32Array;
  private readonly idf: Float32Array;

  constructor(bits: number, df: Uint16Array, documents: number, private readonly cap: number, capacity = 16_384) {
    const size = 1 << bits;
    this.acc = new Float32Array(size);
    this.touched = new Int32Array(capacity);
    this.ys = new Float32Array(capacity);
    this.js = new Int32Array(capacity);
    this.sorted = new Float32Array(capacity);
    this.idf = new Float32Array(size);
    for (let j = 0; j < size; j++) if (df[j]! > 0) this.idf[j] = Math.log(documents / df[j]!);
  }

  /** Fills out (buckets, ascending if `sorted`; weights) and returns the count. */
  weigh(features: FeatureBuffer, outJ: Int32Array, outY: Float32Array, sorted: boolean): number {
    const { acc, touched, idf } = this;
    let t = 0;
    for (let i = 0; i < features.count; i++) {
      const j = features.index[i]!;
      const x = Math.abs(features.value[i]!);
      if (idf[j] === 0 || x === 0) continue;
      if (acc[j] === 0) touched[t++] = j;
      acc[j] = acc[j]! + x;
    }
    if (sorted) touched.subarray(0, t).sort();
    let n = 0;
    for (let i = 0; i < t; i++) {
      const j = touched[i]!;
      this.js[n] = j;
      this.ys[n++] = Math.log1p(acc[j]!) * idf[j]!;
      acc[j] = 0;
    }
    // Exactly cap kept: all above the cap-th largest weight, then those equal
    // to it in bucket order, so ties cannot push a prompt over the cap.
    let threshold = 0;
    let equal = n;
    if (n > this.cap) {
      const s = this.sorted.subarray(0, n);
      s.set(this.ys.subarray(0, n));
      threshold = nth(s, n - this.cap);
      let above = 0;
      for (let i = 0; i < n; i++) if (this.ys[i]! > threshold) above++;
      equal = this.cap - above;
    }
    let m = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const y = this.ys[i]!;
      if (y < threshold || (y === threshold && equal-- <= 0)) continue;
      outJ[m] = this.js[i]!;
      outY[m++] = y;
      norm += y * y;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) outY[i] = outY[i]! / norm;
    return m;
  }
}

/** The k-th smallest value (0-based) of a, which it reorders: Hoare's selection, no allocation. */
function nth(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i++] = a[j]!;
        a[j--] = x;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** Builds the labelled prompts' part of a model from their features (already extracted). */
export function buildNeighbours(
  prompts: readonly { features: FeatureBuffer; label: 0 | 1 | 2; weight: number }[],
  bits: number,
  options: NeighbourOptions,
): NeighbourParams {
  const size = 1 << bits;
  const n = prompts.length;
  const counts = new Uint32Array(size);
  const seen = new Int32Array(size).fill(-1);
  prompts.forEach((p, i) => {
    for (let k = 0; k < p.features.count; k++) {
      const j = p.features.index[k]!;
      if (seen[j] !== i) {
        seen[j] = i;
        counts[j] = counts[j]! + 1;
      }
    }
  });
  const df = new Uint16Array(size);
  const most = Math.floor(options.maxDf * n);
  for (let j = 0; j < size; j++) if (counts[j]! > 0 && counts[j]! <= most) df[j] = Math.min(counts[j]!, 65535);
  const weigher = new Weigher(bits, df, n, options.cap);
  const js = new Int32Array(options.cap + 16_384);
  const ys = new Float32Array(options.cap + 16_384);
  const offsets = new Uint32Array(n + 1);
  const buckets: number[] = [];
  const levels: number[] = [];
  const scales = new Float32Array(n);
  prompts.forEach((p, i) => {
    const m = weigher.weigh(p.features, js, ys, true);
    let max = 0;
    for (let k = 0; k < m; k++) max = Math.max(max, ys[k]!);
    scales[i] = max / 255;
    for (let k = 0; k < m; k++) {
      buckets.push(js[k]!);
      levels.push(max === 0 ? 0 : Math.round((ys[k]! / max) * 255));
    }
    offsets[i + 1] = buckets.length;
  });
  return {
    ...options,
    df,
    documents: n,
    labels: Uint8Array.from(prompts, (p) => p.label),
    weights: Float32Array.from(prompts, (p) => p.weight),
    offsets,
    buckets: Uint32Array.from(buckets),
    levels: Uint8Array.from(levels),
    scales,
  };
}

/** The scorer over stored neighbours: an inverted index, built once per model load. */
export function createNeighbourScorer(params: NeighbourParams, bits: number): NeighbourScorer {
  const size = 1 << bits;
  const docs = params.labels.length;
  // Postings by bucket (CSR): which prompts have the bucket, with what weight.
  const start = new Uint32Array(size + 1);
  for (const j of params.buckets) start[j + 1] = start[j + 1]! + 1;
  for (let j = 0; j < size; j++) start[j + 1] = start[j + 1]! + start[j]!;
  const postDoc = new Uint32Array(params.buckets.length);
  const postValue = new Float32Array(params.buckets.length);
  const fill = start.slice(0, size);
  for (let d = 0; d < docs; d++) {
    for (let k = params.offsets[d]!; k < params.offsets[d + 1]!; k++) {
      const at = fill[params.buckets[k]!]!++;
      postDoc[at] = d;
      postValue[at] = params.levels[k]! * params.scales[d]!;
    }
  }
  const weigher = new Weigher(bits, params.df, params.documents, params.cap);
  const qj = new Int32Array(16_384);
  const qy = new Float32Array(16_384);
  const sim = new Float32Array(docs);
  const hit = new Uint32Array(docs);
  const k = params.k;
  const topDoc = new Int32Array(k);
  const topSim = new Float32Array(k);
  return {
    params,
    expectedTier(features) {
      const m = weigher.weigh(features, qj, qy, false);
      let hits = 0;
      for (let i = 0; i < m; i++) {
        const j = qj[i]!;
        const y = qy[i]!;
        for (let p = start[j]!; p < start[j + 1]!; p++) {
          const d = postDoc[p]!;
          if (sim[d] === 0) hit[hits++] = d;
          sim[d] = sim[d]! + y * postValue[p]! + 1e-12;
        }
      }
      // The k most similar, kept sorted (most similar first) by insertion.
      let top = 0;
      for (let h = 0; h < hits; h++) {
        const d = hit[h]!;
        const s = sim[d]!;
        sim[d] = 0;
        if (top === k && s <= topSim[k - 1]!) continue;
        let at = top < k ? top++ : k - 1;
        while (at > 0 && (topSim[at - 1]! < s || (topSim[at - 1] === s && topDoc[at - 1]! > d))) {
          topSim[at] = topSim[at - 1]!;
          topDoc[at] = topDoc[at - 1]!;
          at--;
        }
        topSim[at] = s;
        topDoc[at] = d;
      }
      let num = 0;
      let den = 0;
      for (let i = 0; i < top; i++) {
        const w = topSim[i]! * params.weights[topDoc[i]!]!;
        num += w * params.labels[topDoc[i]!]!;
        den += w;
      }
      return den > 0 ? num / den : undefined;
    },
  };
}

/** The on-disk form: typed arrays as base64, prompt buckets delta-encoded as varints. */
export interface NeighbourFile extends NeighbourOptions {
  documents: number;
  prompts: number;
  df: string;
  labels: string;
  weights: string;
  lengths: string;
  buckets: string;
  levels: string;
  scales: string;
}

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

export function encodeNeighbours(p: NeighbourParams): NeighbourFile {
  const docs = p.labels.length;
  const lengths = new Uint16Array(docs);
  const varints: number[] = [];
  for (let d = 0; d < docs; d++) {
    lengths[d] = p.offsets[d + 1]! - p.offsets[d]!;
    let last = 0;
    for (let k = p.offsets[d]!; k < p.offsets[d + 1]!; k++) {
      let delta = p.buckets[k]! - last;
      last = p.buckets[k]!;
      while (delta >= 0x80) {
        varints.push((delta & 0x7f) | 0x80);
        delta >>>= 7;
      }
      varints.push(delta);
    }
  }
  return {
    k: p.k,
    blend: p.blend,
    maxDf: p.maxDf,
    cap: p.cap,
    documents: p.documents,
    prompts: docs,
    df: b64(p.df),
    labels: b64(p.labels),
    weights: b64(p.weights),
    lengths: b64(lengths),
    buckets: b64(Uint8Array.from(varints)),
    levels: b64(p.levels),
    scales: b64(p.scales),
  };
}

/** Reads the stored form back; throws an Error naming what is wrong. */
export function decodeNeighbours(f: NeighbourFile, bits: number): NeighbourParams {
  const bytes = (s: unknown, what: string): Buffer => {
    if (typeof s !== "string") throw new Error(`${what} is missing`);
    return Buffer.from(s, "base64");
  };
  const typed = <T>(s: unknown, what: string, Ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T => {
    const buf = bytes(s, what);
    if (buf.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`${what} has a partial element`);
    const out = new ArrayBuffer(buf.length);
    new Uint8Array(out).set(buf);
    return new Ctor(out);
  };
  for (const [name, ok] of [
    ["k", Number.isInteger(f.k) && f.k >= 1 && f.k <= 1000],
    ["blend", Number.isFinite(f.blend) && f.blend >= 0 && f.blend <= 1],
    ["maxDf", Number.isFinite(f.maxDf) && f.maxDf > 0 && f.maxDf <= 1],
    ["cap", Number.isInteger(f.cap) && f.cap >= 1 && f.cap <= 65535],
    ["documents", Number.isInteger(f.documents) && f.documents >= 1],
    ["prompts", Number.isInteger(f.prompts) && f.prompts >= 1],
  ] as const) {
    if (!ok) throw new Error(`${name} is out of range`);
  }
  const size = 1 << bits;
  const df = typed(f.df, "df", Uint16Array);
  if (df.length !== size) throw new Error(`df must have 2^bits (${size}) entries, has ${df.length}`);
  const labels = new Uint8Array(bytes(f.labels, "labels"));
  const weights = typed(f.weights, "weights", Float32Array);
  const lengths = typed(f.lengths, "lengths", Uint16Array);
  const scales = typed(f.scales, "scales", Float32Array);
  const levels = new Uint8Array(bytes(f.levels, "levels"));
  const docs = f.prompts;
  if (labels.length !== docs || weights.length !== docs || lengths.length !== docs || scales.length !== docs) throw new Error(`labels, weights, lengths and scales must each have ${docs} entries`);
  if (labels.some((l) => l > 2)) throw new Error("labels must be 0, 1 or 2");
  if (weights.some((w) => !(w >= 0)) || scales.some((s) => !(s >= 0))) throw new Error("weights and scales must be non-negative");
  const offsets = new Uint32Array(docs + 1);
  for (let d = 0; d < docs; d++) offsets[d + 1] = offsets[d]! + lengths[d]!;
  const total = offsets[docs]!;
  if (levels.length !== total) throw new Error(`levels must have ${total} entries, has ${levels.length}`);
  const varints = bytes(f.buckets, "buckets");
  const buckets = new Uint32Array(total);
  let at = 0;
  for (let d = 0; d < docs; d++) {
    let last = 0;
    for (let k = offsets[d]!; k < offsets[d + 1]!; k++) {
      let delta = 0;
      let shift = 0;
      for (;;) {
        if (at >= varints.length || shift > 28) throw new Error("buckets are truncated or malformed");
        const b = varints[at++]!;
        delta |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
      last += delta;
      if (last >= size) throw new Error("a bucket is out of range");
      buckets[k] = last;
    }
  }
  if (at !== varints.length) throw new Error("buckets has trailing bytes");
  return { k: f.k, blend: f.blend, maxDf: f.maxDf, cap: f.cap, df, documents: f.documents, labels, weights, offsets, buckets, levels, scales };
}
