// How the trainer's hyperparameters and source weights were chosen: train on
// the train part minus a validation slice, score on that slice, never on the
// held-out part. Prints one line per setting; slow-ish (about 5 s a setting).
//
//   npx tsx scripts/tune.ts
import { DEFAULT_CORPUS } from "../src/classifier/corpus.js";
import { readDataset, splitOf, type LabelledExample } from "../src/classifier/datasets.js";
import { trainClassifier, type TrainOptions } from "../src/classifier/train.js";
import { labelMetrics, twoModelMetrics, threeTierMetrics } from "../src/eval/index.js";

const data = DEFAULT_CORPUS.map((f) => ({ ...f, examples: readDataset(f.path, { format: f.format }).examples }));
const part = (examples: LabelledExample[], name: string) => examples.filter((e) => splitOf(e) === name);
const baseWeights = Object.fromEntries(data.map((d) => [d.examples[0]!.source, d.weight]));

const settings: { name: string; options: Partial<TrainOptions> }[] = [
  { name: "defaults", options: {} },
  { name: "epochs 2", options: { epochs: 2 } },
  { name: "epochs 8", options: { epochs: 8 } },
  { name: "lr 0.05", options: { learningRate: 0.05 } },
  { name: "lr 0.2", options: { learningRate: 0.2 } },
  { name: "minDf 5", options: { minDf: 5 } },
  { name: "minDf 50", options: { minDf: 50 } },
  { name: "saas /4", options: { sourceWeights: { ...baseWeights, prompts: 5 } } },
  { name: "saas /2", options: { sourceWeights: { ...baseWeights, prompts: 10 } } },
  { name: "gsm8k x1", options: { sourceWeights: { ...baseWeights, "routellm-gsm8k": 1 } } },
  { name: "sgd", options: { optimizer: "sgd", learningRate: 0.05 } },
  { name: "minDf 10", options: { minDf: 10 } },
  { name: "minDf 5 saas x4", options: { minDf: 5, sourceWeights: { ...baseWeights, prompts: 20 } } },
  { name: "minDf 10 saas x4", options: { minDf: 10, sourceWeights: { ...baseWeights, prompts: 20 } } },
  { name: "minDf 10 epochs 6", options: { minDf: 10, epochs: 6 } },
  { name: "bagging 5", options: { ensemble: 5 } },
  { name: "bagging 9", options: { ensemble: 9 } },
  { name: "bagging 9 minDf 5", options: { ensemble: 9, minDf: 5 } },
  { name: "bagging 9 epochs 8", options: { ensemble: 9, epochs: 8 } },
];
const only = process.argv.slice(2);
for (const setting of settings.filter((s) => only.length === 0 || only.includes(s.name))) {
  const train = data.flatMap((d) => part(d.examples, "train"));
  const { model } = trainClassifier({ examples: train, seed: 1, sourceWeights: baseWeights, ...setting.options });
  const out: string[] = [];
  for (const d of data) {
    const v = part(d.examples, "validation");
    if (d.format === "routellm") {
      out.push(`${d.examples[0]!.source} APGR ${twoModelMetrics(v.map((e) => ({ score: model.linearScore(e.prompt), weak: e.correct!.weak!, strong: e.correct!.strong! }))).apgrEveryPrompt.toFixed(3)}`);
    } else if (d.format === "mmlu-pro") {
      const m = threeTierMetrics(
        v.map((e) => ({ score: model.predict(e.prompt).score, correct: [e.correct!.nano!, e.correct!.mid!, e.correct!.frontier!], cost: [0.15, 3, 5] })),
        { nanoBelow: 0.3, frontierAbove: 0.7 },
      );
      out.push(`mmlu-pro cost@95% ${m.best ? (m.best.costShare * 100).toFixed(1) + "%" : "n/a"}`);
    } else {
      const m = labelMetrics(v.map((e) => {
        const s = model.predict(e.prompt).score;
        return { actual: e.label, predicted: s < 0.3 ? 0 : s > 0.7 ? 2 : 1 };
      }));
      out.push(`saas acc ${(m.accuracy * 100).toFixed(1)}% low ${(m.tooLow * 100).toFixed(1)}%`);
    }
  }
  console.log(`${setting.name.padEnd(10)} ${out.join(" | ")}`);
}
