// `npm run train`: trains the local classifier and writes the model file.
// With no --data it rebuilds the shipped model (models/classifier.json) from
// the train split of the developers' corpus, deterministically (seeded).
//
//   npm run train
//   npm run train -- --data my-labels.jsonl --out my-model.json [--all] [--seed 7]
//   npm run train -- --from-ledger [--since 30d] [--config FILE | --database-url URL]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS, DEFAULT_MODEL_PATH, DEFAULT_SEED, isEvalOnly, type CorpusFile } from "../src/classifier/corpus.js";
import { readDataset, splitExamples, type DataFormat, type LabelledExample } from "../src/classifier/datasets.js";
import { serializeModel } from "../src/classifier/model.js";
import { trainClassifier } from "../src/classifier/train.js";
import { runExport } from "../src/cli/export-labels.js";

const USAGE = `usage: npm run train -- [--data FILE]... [--format labels|routellm|mmlu-pro] [--all] [--seed N] [--out FILE]

  --data FILE   labelled JSONL/CSV ({prompt, tier}, RouteLLM or MMLU-Pro columns); repeatable.
                Without --data: the developers' corpus (data/saas + ../shared/data/routing).
  --all         train on every row (default: the train split only, so npm run eval stays honest)
  --out FILE    where the model goes (default models/classifier.json)
  --from-ledger add the ledger's feedback labels (tierd export-labels: misrouted and bad answers
                with the tier they should have had, good answers with the tier that served them)
                to the training data, every row of them; with --since TIME, --config FILE or
                --database-url URL to choose the ledger as for tierd report
`;

const { values } = parseArgs({
  options: {
    data: { type: "string", multiple: true },
    format: { type: "string" },
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
if (format !== undefined && !["labels", "routellm", "mmlu-pro"].includes(format)) {
  process.stderr.write(`train: --format must be labels, routellm or mmlu-pro\n${USAGE}`);
  process.exit(2);
}
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) {
  process.stderr.write("train: --seed must be an integer\n");
  process.exit(2);
}
const files: CorpusFile[] = values.data?.map((path) => ({ path, format: format ?? ("auto" as DataFormat), weight: 1 })) ?? [...DEFAULT_CORPUS];
const out = values.out ?? DEFAULT_MODEL_PATH;
const sealed = files.find((f) => isEvalOnly(f.path));
if (sealed !== undefined) {
  process.stderr.write(`train: ${relative(process.cwd(), sealed.path)} is an evaluation-only set (see npm run eval); it is never trained on\n`);
  process.exit(2);
}

// The ledger's labels are the team's own traffic, judged by people: all of
// them train (no held-out split), through the same export as `tierd export-labels`.
let ledgerDir: string | undefined;
const ledgerFiles = new Set<string>();
if (values["from-ledger"]) {
  ledgerDir = mkdtempSync(join(tmpdir(), "tierd-train-"));
  const labels = join(ledgerDir, "ledger-labels.jsonl");
  const exportArgs = ["--out", labels];
  if (values.since !== undefined) exportArgs.push("--since", values.since);
  if (values.config !== undefined) exportArgs.push("--config", values.config);
  if (values["database-url"] !== undefined) exportArgs.push("--database-url", values["database-url"]);
  const code = await runExport("labels", exportArgs, process.env);
  if (code !== 0) process.exit(code);
  files.push({ path: labels, format: "labels", weight: 1 });
  ledgerFiles.add(labels);
}

const started = performance.now();
const examples: LabelledExample[] = [];
const sourceWeights: Record<string, number> = {};
for (const file of files) {
  const { examples: rows, format: detected } = readDataset(file.path, file.format === ("auto" as DataFormat) ? {} : { format: file.format });
  const used = values.all || ledgerFiles.has(file.path) ? rows : splitExamples(rows).train;
  examples.push(...used);
  if (used[0]) sourceWeights[used[0].source] = file.weight;
  const name = ledgerFiles.has(file.path) ? "ledger labels" : relative(process.cwd(), file.path);
  const part = values.all || ledgerFiles.has(file.path) ? "all" : "train split";
  process.stderr.write(`  ${name}: ${detected}, ${used.length} of ${rows.length} rows (${part})\n`);
}
const { model, calibration } = trainClassifier({
  // A template's prompts (a question's rows) go to the calibration slice together.
  examples: examples.map((e) => ({ ...e, group: e.splitKey })),
  seed,
  sourceWeights,
  info: { split: values.all ? "all rows" : "train split (held-out part excluded, see npm run eval)" },
});
if (ledgerDir !== undefined) rmSync(ledgerDir, { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, serializeModel(model.params, model.info));
process.stderr.write(
  `trained on ${examples.length} examples in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${seed}); ` +
    `calibration NLL ${calibration.nllBefore.toFixed(4)} -> ${calibration.nllAfter.toFixed(4)} at temperature ${calibration.temperature}\n` +
    Object.entries(calibration.shapes)
      .map(([shape, c]) => `  ${shape} prompts: own calibration on ${c.examples}, weighted NLL ${c.nllGlobal.toFixed(4)} -> ${c.nllShape.toFixed(4)}\n`)
      .join("") +
    `wrote ${relative(process.cwd(), out)}\n`,
);
