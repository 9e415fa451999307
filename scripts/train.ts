// `npm run train`: trains the local classifier and writes the model file.
// With no --data it rebuilds the shipped model (models/classifier.json) from
// the developers' corpus minus its held-out split, deterministically (seeded).
//
//   npm run train
//   npm run train -- --data my-labels.jsonl --out my-model.json [--with-corpus] [--all] [--seed 7]
//   npm run train -- --from-ledger [--since 30d] [--config FILE | --database-url URL] [--out FILE]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS, DEFAULT_MODEL_PATH, DEFAULT_SEED, isEvalOnly, LEDGER_EXAMPLE_WEIGHT, LEDGER_SOURCE, ledgerMass, PRODUCT_GROUP, trainingExamples, type CorpusFile } from "../src/classifier/corpus.js";
import { readDataset, splitExamples, type DataFormat } from "../src/classifier/datasets.js";
import { serializeModel } from "../src/classifier/model.js";
import { trainClassifier, type TrainingExample } from "../src/classifier/train.js";
import { runExport } from "../src/cli/export-labels.js";

const USAGE = `usage: npm run train -- [--data FILE]... [--format labels|routellm|scores|mmlu-pro] [--with-corpus] [--all] [--seed N] [--out FILE]

  --data FILE    labelled JSONL/CSV ({prompt, tier}, RouteLLM, graded or MMLU-Pro columns); repeatable.
                 Without --data: the developers' corpus (data/written, data/saas, ../shared/data/routing).
  --with-corpus  train on the developers' corpus too; each of your tier labels then weighs as much
                 as ${LEDGER_EXAMPLE_WEIGHT} corpus examples, so your traffic's labels win where they disagree
  --all          train on every row of --data (default: its train split only, so npm run eval stays honest)
  --out FILE     where the model goes (default models/classifier.json)
  --from-ledger  add the ledger's feedback labels (tierd export-labels: misrouted and bad answers with
                 the tier they should have had, good answers with the tier that served them), every row,
                 to the developers' corpus: they weigh ${LEDGER_EXAMPLE_WEIGHT} corpus examples each, and the
                 model remembers each labelled prompt, so that exact prompt routes as labelled;
                 --since TIME, --config FILE or --database-url URL choose the ledger as for tierd report
`;

const { values } = parseArgs({
  options: {
    data: { type: "string", multiple: true },
    format: { type: "string" },
    "with-corpus": { type: "boolean", default: false },
    all: { type: "boolean", default: false },
    seed: { type: "string" },
    out: { type: "string" },
    "from-ledger": { type: "boolean", default: false },
    since: { type: "string" },
    config: { type: "string" },
    "database-url": { type: "string" },
    help: { type: "boolean" },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const format = values.format as DataFormat | undefined;
if (format !== undefined && !["labels", "routellm", "scores", "mmlu-pro"].includes(format)) {
  process.stderr.write(`train: --format must be labels, routellm, scores or mmlu-pro\n${USAGE}`);
  process.exit(2);
}
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) {
  process.stderr.write("train: --seed must be an integer\n");
  process.exit(2);
}
const out = values.out ?? DEFAULT_MODEL_PATH;
const sealed = values.data?.find((path) => isEvalOnly(path));
if (sealed !== undefined) {
  process.stderr.write(`train: ${relative(process.cwd(), sealed)} is an evaluation-only set (see npm run eval); it is never trained on\n`);
  process.exit(2);
}
const useCorpus = values.data === undefined || values["with-corpus"] || values["from-ledger"];

const started = performance.now();
const examples: TrainingExample[] = [];
const sourceMass: Record<string, number> = {};
const log = (line: string) => process.stderr.write(`  ${line}\n`);
if (useCorpus) {
  for (const file of DEFAULT_CORPUS) {
    const { examples: rows } = readDataset(file.path, { format: file.format });
    const used = splitExamples(rows).train;
    examples.push(...trainingExamples(file, used));
    if (used[0]) sourceMass[used[0].source] = file.mass;
    log(`${relative(process.cwd(), file.path)}: ${file.head} head, ${used.length} of ${rows.length} rows (held-out split left out), mass ${file.mass}`);
  }
}

// The team's own labels: in the product's cut group, weighted to win.
const addUserLabels = (file: CorpusFile, name: string, remember: boolean, all: boolean) => {
  const { examples: rows, format: detected } = readDataset(file.path, file.format === ("auto" as DataFormat) ? {} : { format: file.format });
  const used = all ? rows : splitExamples(rows).train;
  const head = detected === "labels" || detected === "mmlu-pro" ? "tier" : "gain";
  const cutGroup = detected === "labels" ? PRODUCT_GROUP : undefined;
  examples.push(...trainingExamples({ head, ...(cutGroup === undefined ? {} : { cutGroup }) }, used, remember ? { remember: true } : {}));
  const source = used[0]?.source;
  if (source !== undefined && useCorpus && detected === "labels") sourceMass[source] = ledgerMass(used.length, DEFAULT_CORPUS);
  log(`${name}: ${detected}, ${head} head, ${used.length} of ${rows.length} rows (${all ? "all" : "train split"})${source !== undefined && sourceMass[source] !== undefined ? `, mass ${sourceMass[source]}` : ""}${remember ? ", remembered" : ""}`);
};
for (const path of values.data ?? []) addUserLabels({ path, format: format ?? ("auto" as DataFormat), head: "tier", mass: 0 }, relative(process.cwd(), path), false, values.all);

// The ledger's labels are the team's own traffic, judged by people: all of
// them train (no held-out split), through the same export as `tierd export-labels`.
let ledgerDir: string | undefined;
if (values["from-ledger"]) {
  ledgerDir = mkdtempSync(join(tmpdir(), "tierd-train-"));
  const labels = join(ledgerDir, `${LEDGER_SOURCE}.jsonl`);
  const exportArgs = ["--out", labels];
  if (values.since !== undefined) exportArgs.push("--since", values.since);
  if (values.config !== undefined) exportArgs.push("--config", values.config);
  if (values["database-url"] !== undefined) exportArgs.push("--database-url", values["database-url"]);
  const code = await runExport("labels", exportArgs, process.env);
  if (code !== 0) process.exit(code);
  try {
    addUserLabels({ path: labels, format: "labels", head: "tier", mass: 0 }, "ledger labels", true, true);
  } catch (err) {
    // An export with no labels is an empty file: train on the corpus alone, and say so.
    log(`ledger labels: none (${(err as Error).message})`);
  }
}

const { model, calibration } = trainClassifier({
  examples,
  seed,
  sourceMass,
  info: { split: values.all ? "all rows of --data" : "held-out split excluded (see npm run eval)" },
});
if (ledgerDir !== undefined) rmSync(ledgerDir, { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, serializeModel(model.params, model.info));
process.stderr.write(
  `trained on ${examples.length} examples in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${seed}); remembers ${model.params.memory.size} prompts\n` +
    Object.entries(calibration)
      .map(([shape, c]) => (c.examples === 0 ? `  ${shape} prompts: too few to calibrate, scored as free text\n` : `  ${shape} prompts: calibrated on ${c.examples}, NLL ${c.nllBefore.toFixed(4)} -> ${c.nllAfter.toFixed(4)}\n`))
      .join("") +
    `wrote ${relative(process.cwd(), out)}\n`,
);
