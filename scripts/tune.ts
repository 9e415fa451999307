// How the classifier's settings were chosen: 5-fold cross-validation over the
// development part of every corpus file (train + validation; never the
// held-out split, never an evaluation-only set). The five free-hand authors
// of data/written/ are one fold each, so every author is scored by a model
// that never saw that author: the figure that says how the tier head carries
// over to a new writer. The hand-written set (never trained on) is scored by
// the model trained on all five folds. Prints one block per run.
//
//   npx tsx scripts/tune.ts
//   npx tsx scripts/tune.ts --options '{"mix":{"free":[1,0.5]}}' --mass '{"prompts":100}' --tiers 0.3,0.7,0.4
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS, DEFAULT_SEED, HANDWRITTEN_VALIDATION, trainingExamples } from "../src/classifier/corpus.js";
import { readDataset, splitOf, type LabelledExample } from "../src/classifier/datasets.js";
import { hashKey } from "../src/classifier/features.js";
import type { ComplexityModel } from "../src/classifier/model.js";
import { chooseTier, type TierSettings } from "../src/classifier/tier-choice.js";
import { trainClassifier, type TrainOptions } from "../src/classifier/train.js";
import { compareLabels, compareTwoModel } from "../src/eval/baselines.js";
import { TIER_NAMES } from "../src/core/tiers.js";

const { values } = parseArgs({
  options: { options: { type: "string" }, mass: { type: "string" }, groups: { type: "string" }, tiers: { type: "string" }, folds: { type: "string" } },
  strict: true,
});
const overrides = JSON.parse(values.options ?? "{}") as Partial<TrainOptions>;
const massOverrides = JSON.parse(values.mass ?? "{}") as Record<string, number>;
// Cut groups by source, e.g. '{"routellm-gsm8k":"mixtral-gpt4"}': files in one group share cut points.
const groupOverrides = JSON.parse(values.groups ?? "{}") as Record<string, string>;
const [nanoBelow, frontierAbove, ambiguousBelow] = (values.tiers ?? "0.3,0.65,0.4").split(",").map(Number) as [number, number, number];
const settings: TierSettings = { nanoBelow, frontierAbove, ambiguousBelow };
const K = Number(values.folds ?? 10);

const files = DEFAULT_CORPUS.map((f) => {
  const rows = readDataset(f.path, { format: f.format }).examples.filter((e) => splitOf(e) !== "held-out");
  const source = rows[0]?.source ?? f.path;
  const cutGroup = groupOverrides[source] ?? f.cutGroup;
  return { ...f, mass: massOverrides[source] ?? f.mass, ...(cutGroup === undefined ? {} : { cutGroup }), source, rows };
});
const authors = files.filter((f) => f.path.includes("/data/written/")).map((f) => f.source);
const foldOf = (source: string, e: LabelledExample) => (authors.includes(source) ? authors.indexOf(source) % K : hashKey(`fold:${e.splitKey}`) % K);
const sourceMass = Object.fromEntries(files.map((f) => [f.source, f.mass]));

function train(keep: (source: string, e: LabelledExample) => boolean): ComplexityModel {
  const examples = files.flatMap((f) => trainingExamples(f, f.rows.filter((e) => keep(f.source, e))));
  return trainClassifier({ examples, seed: DEFAULT_SEED, sourceMass, ...overrides }).model;
}

const started = performance.now();
const cv = new Map<LabelledExample, ReturnType<ComplexityModel["predict"]>>();
for (let k = 0; k < K; k++) {
  const model = train((s, e) => foldOf(s, e) !== k);
  for (const f of files) for (const e of f.rows) if (foldOf(f.source, e) === k) cv.set(e, model.predict(e.prompt));
}
const full = train(() => true);

const pct = (x: number) => `${(x * 100).toFixed(1)}`;
const f3 = (x: number) => (x >= 0 ? "+" : "") + x.toFixed(3);
const out: string[] = [];
for (const f of files) {
  if (f.head === "gain") {
    const c = compareTwoModel(
      f.rows.map((e) => ({ score: cv.get(e)!.z, prompt: e.prompt, weak: e.correct!.weak!, strong: e.correct!.strong! })),
      { replicates: 300 },
    );
    out.push(`${f.source.padEnd(16)} APGR ${c.router.estimate.toFixed(3)}  length ${c.length.estimate.toFixed(3)}  diff ${f3(c.overLength.estimate)} [${f3(c.overLength.lo)}, ${f3(c.overLength.hi)}]`);
  } else if (f.format === "mmlu-pro") {
    const c = compareTwoModel(
      f.rows.map((e) => ({ score: cv.get(e)!.z, prompt: e.prompt, weak: e.correct!.nano!, strong: e.correct!.frontier! })),
      { replicates: 300 },
    );
    out.push(`${f.source.padEnd(16)} APGR nano->frontier ${c.router.estimate.toFixed(3)}  length ${c.length.estimate.toFixed(3)}  diff ${f3(c.overLength.estimate)}`);
  } else {
    out.push(`${f.source.padEnd(16)} ${labels(f.rows, (e) => cv.get(e)!)}`);
  }
}
const hand = readDataset(HANDWRITTEN_VALIDATION, { format: "labels" }).examples;
out.push(`${"handwritten".padEnd(16)} ${labels(hand, (e) => full.predict(e.prompt))}`);
console.log(`${JSON.stringify({ options: overrides, mass: massOverrides, tiers: settings })} (${((performance.now() - started) / 1000).toFixed(0)} s)\n  ${out.join("\n  ")}`);

function labels(rows: readonly LabelledExample[], predict: (e: LabelledExample) => { score: number; probabilities: [number, number, number] }): string {
  const c = compareLabels(
    rows.map((e) => ({ actual: e.label, predicted: TIER_NAMES.indexOf(chooseTier(predict(e), settings).tier) as 0 | 1 | 2, prompt: e.prompt })),
    { replicates: 200 },
  );
  return `acc ${pct(c.router.estimate)}  low ${pct(c.tooLow.estimate)}  high ${pct(c.tooHigh.estimate)}  (length ${pct(c.length.estimate)}, n ${c.prompts})`;
}
if (process.env.TUNE_DUMP) {
  const f = files.find((x) => x.source === process.env.TUNE_DUMP)!;
  for (const e of f.rows) {
    const p = cv.get(e)!;
    const t = chooseTier(p, settings).tier;
    if (t !== TIER_NAMES[e.label]) console.log(`${TIER_NAMES[e.label]} -> ${t} (${p.score.toFixed(2)}) | ${e.prompt.slice(0, 150).replace(/\n/g, " ")}`);
  }
}
if (process.env.TUNE_GRID) {
  // Settings grid over the cross-validated predictions of the free-hand authors (pooled) and the hand-written set.
  const written = files.filter((f) => authors.includes(f.source)).flatMap((f) => f.rows);
  const rows = written.map((e) => ({ e, p: cv.get(e)! }));
  const handRows = hand.map((e) => ({ e, p: full.predict(e.prompt) }));
  const stats = (rs: { e: LabelledExample; p: { score: number; probabilities: [number, number, number] } }[], s: TierSettings) => {
    let ok = 0, low = 0, high = 0;
    for (const r of rs) { const t = TIER_NAMES.indexOf(chooseTier(r.p, s).tier); if (t === r.e.label) ok++; else if (t < r.e.label) low++; else high++; }
    return [ok / rs.length, low / rs.length, high / rs.length] as const;
  };
  const lines: [number, string][] = [];
  for (const nb of [0.15, 0.2, 0.25, 0.3, 0.35]) for (const fa of [0.6, 0.65, 0.7, 0.75, 0.8]) for (const ab of [0, 0.3, 0.4, 0.5]) {
    const s = { nanoBelow: nb, frontierAbove: fa, ambiguousBelow: ab };
    const [a, l, h] = stats(rows, s); const [ha, hl, hh] = stats(handRows, s);
    lines.push([a - 2 * l - 0.5 * h, `${nb} ${fa} ${ab}: written acc ${pct(a)} low ${pct(l)} high ${pct(h)} | hand acc ${pct(ha)} low ${pct(hl)} high ${pct(hh)}`]);
  }
  lines.sort((x, y) => y[0] - x[0]);
  for (const [, l] of lines.slice(0, 25)) console.log(l);
}
