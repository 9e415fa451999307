// How much of the held-out figures is the training seed: trains one model
// per seed on the train split (as `npm run train` does) and reports the
// held-out headline metrics per seed and their mean and standard deviation.
//
//   npx tsx scripts/eval-seeds.ts [--seeds 5] [--json OUT]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS } from "../src/classifier/corpus.js";
import { readDataset, splitExamples, type LabelledExample } from "../src/classifier/datasets.js";
import { trainClassifier } from "../src/classifier/train.js";
import { evaluateFile } from "../src/eval/evaluate.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "5" }, json: { type: "string" } }, strict: true });
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const examples: LabelledExample[] = [];
const sourceWeights: Record<string, number> = {};
for (const f of DEFAULT_CORPUS) {
  const { train } = splitExamples(readDataset(f.path, { format: f.format }).examples);
  examples.push(...train.map((e) => ({ ...e, group: e.splitKey })));
  sourceWeights[train[0]!.source] = f.weight;
}
const rows: Record<string, number>[] = [];
for (const seed of seeds) {
  const { model } = trainClassifier({ examples, seed, sourceWeights });
  const row: Record<string, number> = { seed };
  for (const f of DEFAULT_CORPUS) {
    const r = await evaluateFile(f.path, { model, format: f.format });
    if (r.format === "routellm") {
      const k = r.file.includes("gsm8k") ? "gsm8k" : "mmlu";
      Object.assign(row, { [`${k}.apgr11`]: r.metrics.apgr11Point, [`${k}.apgrAll`]: r.metrics.apgrEveryPrompt, [`${k}.cpt50`]: r.metrics.cpt50_11Point, [`${k}.cpt80`]: r.metrics.cpt80_11Point });
    } else if (r.format === "mmlu-pro") {
      row["mmluPro.costAt95"] = r.metrics.best?.costShare ?? NaN;
    } else {
      Object.assign(row, { "saas.accuracy": r.metrics.accuracy, "saas.tooLow": r.metrics.tooLow });
    }
  }
  rows.push(row);
  console.log(JSON.stringify(row));
}
const keys = Object.keys(rows[0]!).filter((k) => k !== "seed");
const summary = Object.fromEntries(
  keys.map((k) => {
    const xs = rows.map((r) => r[k]!);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return [k, { mean: Math.round(mean * 10000) / 10000, sd: Math.round(sd * 10000) / 10000 }];
  }),
);
console.log(JSON.stringify(summary, null, 1));
if (values.json) writeFileSync(values.json, JSON.stringify({ seeds, rows, summary }, null, 1) + "\n");
