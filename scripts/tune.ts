// How the trainer's hyperparameters and source weights were chosen: train on
// the train part minus a validation slice, score on that slice, never on the
// held-out part nor on the evaluation-only probe set. The hand-written SaaS
// set (data/saas/handwritten.jsonl, never trained on) is scored on every row:
// it checks how the model carries over to wording that no template produced.
// Prints one line per setting (a few seconds each).
//
//   npx tsx scripts/tune.ts [setting name]...
import { DEFAULT_CORPUS, HANDWRITTEN_VALIDATION } from "../src/classifier/corpus.js";
import { readDataset, splitOf, type LabelledExample } from "../src/classifier/datasets.js";
import type { ComplexityModel } from "../src/classifier/model.js";
import { trainClassifier, type TrainOptions } from "../src/classifier/train.js";
import { labelMetrics, twoModelMetrics, threeTierMetrics } from "../src/eval/index.js";

const data = DEFAULT_CORPUS.map((f) => ({ ...f, examples: readDataset(f.path, { format: f.format }).examples }));
const handwritten = readDataset(HANDWRITTEN_VALIDATION, { format: "labels" }).examples;
const part = (examples: LabelledExample[], name: string) => examples.filter((e) => splitOf(e) === name);
const baseWeights = Object.fromEntries(data.map((d) => [d.examples[0]!.source, d.weight]));

const settings: { name: string; options: Partial<TrainOptions> }[] = [
  { name: "defaults", options: {} },
  { name: "saas x2", options: { sourceWeights: { ...baseWeights, prompts: baseWeights.prompts! * 2 } } },
  { name: "saas /2", options: { sourceWeights: { ...baseWeights, prompts: baseWeights.prompts! / 2 } } },
  { name: "saas /4", options: { sourceWeights: { ...baseWeights, prompts: baseWeights.prompts! / 4 } } },
  { name: "gsm8k x1", options: { sourceWeights: { ...baseWeights, "routellm-gsm8k": 1 } } },
  { name: "epochs 8", options: { epochs: 8 } },
  { name: "minDf 5", options: { minDf: 5 } },
  { name: "bagging 5", options: { ensemble: 5 } },
];

/** Tiers as the cascade picks them at the default thresholds, with the ambiguity round-up (nano below 0.5 confidence goes to mid). */
function tierOf(model: ComplexityModel, prompt: string): 0 | 1 | 2 {
  const p = model.predict(prompt);
  const tier = p.score < 0.3 ? 0 : p.score > 0.7 ? 2 : 1;
  return tier === 0 && p.probabilities[0] < 0.5 ? 1 : tier;
}
const labels = (model: ComplexityModel, rows: LabelledExample[]) => {
  const m = labelMetrics(rows.map((e) => ({ actual: e.label, predicted: tierOf(model, e.prompt) })));
  return `acc ${(m.accuracy * 100).toFixed(1)}% low ${(m.tooLow * 100).toFixed(1)}%`;
};

const only = process.argv.slice(2);
for (const setting of settings.filter((s) => only.length === 0 || only.includes(s.name))) {
  const train = data.flatMap((d) => part(d.examples, "train")).map((e) => ({ ...e, group: e.splitKey }));
  const { model } = trainClassifier({ examples: train, seed: 1, sourceWeights: baseWeights, ...setting.options });
  const out: string[] = [];
  for (const d of data) {
    const v = part(d.examples, "validation");
    if (d.format === "routellm") {
      const name = d.examples[0]!.source.replace("routellm-", "");
      out.push(`${name} APGR ${twoModelMetrics(v.map((e) => ({ score: model.linearScore(e.prompt), weak: e.correct!.weak!, strong: e.correct!.strong! }))).apgrEveryPrompt.toFixed(3)}`);
    } else if (d.format === "mmlu-pro") {
      const m = threeTierMetrics(
        v.map((e) => ({ score: model.predict(e.prompt).score, correct: [e.correct!.nano!, e.correct!.mid!, e.correct!.frontier!], cost: [0.15, 3, 5] })),
        { nanoBelow: 0.3, frontierAbove: 0.7 },
      );
      out.push(`pro cost@95 ${m.best ? (m.best.costShare * 100).toFixed(1) + "%" : "n/a"}`);
    } else {
      out.push(`saas ${labels(model, v)}`);
    }
  }
  out.push(`hand ${labels(model, handwritten)}`);
  console.log(`${setting.name.padEnd(12)} ${out.join(" | ")}`);
}
