// `npm run eval`: routing quality of the local classifier on data it did not
// train on. With no --data it evaluates the held-out split of every file of
// the developers' corpus, then every row of the evaluation-only sets (the
// SaaS probe set), and writes models/classifier.eval.json.
//
//   npm run eval
//   npm run eval -- --data FILE [--format routellm|mmlu-pro|labels] [--all] [--model FILE] [--json OUT]
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS, DEFAULT_MODEL_PATH, EVAL_ONLY, repoPath } from "../src/classifier/corpus.js";
import type { DataFormat } from "../src/classifier/datasets.js";
import { loadModel } from "../src/classifier/model.js";
import { evaluateFile, type EvalReport } from "../src/eval/evaluate.js";

const USAGE = `usage: npm run eval -- [--data FILE] [--format routellm|mmlu-pro|labels] [--all] [--model FILE] [--json OUT]
                       [--nano-below 0.3] [--frontier-above 0.7] [--output-tokens 300]

  Without --data: the held-out split of data/saas and ../shared/data/routing, then every row of
  data/probe (evaluation only, never trained on); JSON to models/classifier.eval.json.
  --all   evaluate every row (only for a file the model was not trained on)
`;

const { values } = parseArgs({
  options: {
    data: { type: "string", multiple: true },
    format: { type: "string" },
    all: { type: "boolean", default: false },
    model: { type: "string" },
    json: { type: "string" },
    "nano-below": { type: "string" },
    "frontier-above": { type: "string" },
    "output-tokens": { type: "string" },
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
  process.stderr.write(`eval: --format must be routellm, mmlu-pro or labels\n${USAGE}`);
  process.exit(2);
}
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const thresholds = { nanoBelow: num(values["nano-below"], 0.3), frontierAbove: num(values["frontier-above"], 0.7) };
const modelPath = values.model ?? DEFAULT_MODEL_PATH;
const model = loadModel(modelPath);
const split: "all" | "held-out" = values.all ? "all" : "held-out";
const files: { path: string; split: "all" | "held-out"; format?: DataFormat; name?: string }[] = values.data
  ? values.data.map((path) => ({ path, split, ...(format === undefined ? {} : { format }) }))
  : [...DEFAULT_CORPUS.map((f) => ({ path: f.path, split, format: f.format })), ...EVAL_ONLY.map((f) => ({ ...f, split: "all" as const }))];
const jsonOut = values.json ?? (values.data === undefined ? repoPath("models/classifier.eval.json") : undefined);

const reports: EvalReport[] = [];
for (const file of files) {
  const report = await evaluateFile(file.path, {
    model,
    ...(file.format === undefined ? {} : { format: file.format }),
    split: file.split,
    thresholds,
    outputTokens: num(values["output-tokens"], 300),
  });
  reports.push({ ...report, file: relative(repoPath(""), file.path), ...(file.name === undefined ? {} : { name: file.name }) });
  process.stdout.write(formatReport(reports[reports.length - 1]!) + "\n");
}
if (jsonOut !== undefined) {
  // Infinite thresholds (all-nano, all-frontier) are written as strings: JSON has no Infinity.
  const finite = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
  writeFileSync(jsonOut, JSON.stringify({ model: relative(repoPath(""), modelPath), thresholds, reports }, finite, 1) + "\n");
  process.stderr.write(`wrote ${relative(process.cwd(), jsonOut)}\n`);
}

function formatReport(r: EvalReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const f3 = (x: number) => x.toFixed(3);
  const head = `== ${r.name === undefined ? "" : `${r.name}: `}${r.file} (${r.format}, ${r.split === "all" ? "every row" : `${r.split} split`})`;
  switch (r.format) {
    case "routellm": {
      const m = r.metrics;
      return [
        head,
        `  ${m.prompts} prompts; weak accuracy ${pct(m.weakAccuracy)}, strong ${pct(m.strongAccuracy)}`,
        `  method                     APGR    CPT(50%)  CPT(80%)`,
        `  RouteLLM 11-point          ${f3(m.apgr11Point)}   ${pct(m.cpt50_11Point).padStart(6)}    ${pct(m.cpt80_11Point).padStart(6)}`,
        `  every-prompt trapezoid     ${f3(m.apgrEveryPrompt)}   ${pct(m.cpt50EveryPrompt).padStart(6)}    ${pct(m.cpt80EveryPrompt).padStart(6)}`,
        `  (random router: APGR 0.500, CPT(50%) 50%, CPT(80%) 80%)`,
      ].join("\n");
    }
    case "mmlu-pro": {
      const m = r.metrics;
      const op = (name: string, o: { quality: number; costShare: number; mix?: number[] }) =>
        `  ${name.padEnd(34)} quality ${pct(o.quality).padStart(6)}  cost ${pct(o.costShare).padStart(6)} of all-frontier${o.mix ? `  mix ${o.mix.map(pct).join(" / ")}` : ""}`;
      return [
        head,
        `  ${m.prompts} prompts; costs at ${r.assumptions.tierModels.join(", ")} list prices, ${r.assumptions.outputTokens} output tokens per answer`,
        op("all nano", m.single.nano),
        op("all mid", m.single.mid),
        op("all frontier", m.single.frontier),
        op(`thresholds ${m.configured.nanoBelow} / ${m.configured.frontierAbove}`, m.configured),
        m.best
          ? op(`cheapest >= ${pct(m.target)} of frontier (${f3(m.best.nanoBelow)} / ${f3(m.best.frontierAbove)})`, m.best)
          : `  no threshold pair reaches ${pct(m.target)} of all-frontier quality`,
        m.randomMix ? `  random mix of tiers at that quality  cost ${pct(m.randomMix.costShare).padStart(6)} of all-frontier (a router that ignores the prompt)` : "",
        op("oracle (cheapest correct tier)", m.oracle),
      ].join("\n");
    }
    case "labels": {
      const m = r.metrics;
      return [
        head,
        `  ${m.prompts} prompts; accuracy ${pct(m.accuracy)}; too low ${pct(m.tooLow)} (the costly errors), too high ${pct(m.tooHigh)}`,
        ...m.perTier.map((t) => `  ${t.tier.padEnd(9)} precision ${pct(t.precision).padStart(6)}  recall ${pct(t.recall).padStart(6)}  (${t.support})`),
        `  confusion (rows actual, columns predicted: nano mid frontier)`,
        ...m.confusion.map((row, i) => `  ${["nano", "mid", "frontier"][i]!.padEnd(9)} ${row.map((v) => String(v).padStart(5)).join("")}`),
      ].join("\n");
    }
  }
}
