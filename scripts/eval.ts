// `npm run eval`: routing quality of the local classifier on data it did not
// train on, every figure beside the prompt-length baseline and a seeded
// random score, with bootstrap 95% intervals. With no --data it evaluates the
// held-out split of every file of the developers' corpus, then every row of
// the hand-written validation set and of the evaluation-only sets, and writes
// models/classifier.eval.json.
//
//   npm run eval
//   npm run eval -- --data FILE [--format routellm|scores|mmlu-pro|labels] [--all] [--model FILE] [--json OUT]
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CORPUS, DEFAULT_MODEL_PATH, EVAL_ONLY, HANDWRITTEN_VALIDATION, repoPath } from "../src/classifier/corpus.js";
import type { DataFormat } from "../src/classifier/datasets.js";
import { loadModel } from "../src/classifier/model.js";
import type { Interval } from "../src/eval/bootstrap.js";
import { defaultTierSettings, evaluateFile, type EvalReport } from "../src/eval/evaluate.js";

const USAGE = `usage: npm run eval -- [--data FILE]... [--format routellm|scores|mmlu-pro|labels] [--all] [--model FILE] [--json OUT]
                       [--nano-below X] [--frontier-above X] [--ambiguous-below X] [--output-tokens 300] [--replicates 1000]

  Without --data: the held-out split of the corpus files (data/written, data/saas, ../shared/data/routing),
  then every row of data/saas/handwritten.jsonl (never trained on) and of the evaluation-only sets
  (data/probe, data/sealed); JSON to models/classifier.eval.json.
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
    "ambiguous-below": { type: "string" },
    "output-tokens": { type: "string" },
    replicates: { type: "string" },
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
  process.stderr.write(`eval: --format must be routellm, scores, mmlu-pro or labels\n${USAGE}`);
  process.exit(2);
}
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const defaults = defaultTierSettings();
const settings = {
  nanoBelow: num(values["nano-below"], defaults.nanoBelow),
  frontierAbove: num(values["frontier-above"], defaults.frontierAbove),
  ambiguousBelow: num(values["ambiguous-below"], defaults.ambiguousBelow),
};
const modelPath = values.model ?? DEFAULT_MODEL_PATH;
const model = loadModel(modelPath);
const split: "all" | "held-out" = values.all ? "all" : "held-out";
const files: { path: string; split: "all" | "held-out"; format?: DataFormat; name?: string }[] = values.data
  ? values.data.map((path) => ({ path, split, ...(format === undefined ? {} : { format }) }))
  : [
      ...DEFAULT_CORPUS.map((f) => ({ path: f.path, split, format: f.format })),
      { path: HANDWRITTEN_VALIDATION, split: "all" as const, format: "labels" as const, name: "hand-written SaaS set (validation, never trained on)" },
      ...EVAL_ONLY.map((f) => ({ ...f, split: "all" as const })),
    ];
const jsonOut = values.json ?? (values.data === undefined ? repoPath("models/classifier.eval.json") : undefined);
const bootstrap = { replicates: num(values.replicates, 1000) };

process.stdout.write(
  `model ${relative(process.cwd(), modelPath)}; thresholds nano < ${settings.nanoBelow}, frontier > ${settings.frontierAbove}, round-up below confidence ${settings.ambiguousBelow}\n` +
    `every figure: estimate [bootstrap 95% interval, ${bootstrap.replicates} replicates]; "length" ranks by prompt length, "random" by a seeded random score\n\n`,
);
const reports: EvalReport[] = [];
const notBeaten: string[] = [];
for (const file of files) {
  const report = await evaluateFile(file.path, {
    model,
    ...(file.format === undefined ? {} : { format: file.format }),
    split: file.split,
    settings,
    outputTokens: num(values["output-tokens"], 300),
    bootstrap,
  });
  const named = { ...report, file: relative(repoPath(""), file.path), ...(file.name === undefined ? {} : { name: file.name }) };
  reports.push(named);
  if (!(named.comparison.overLength.lo > 0)) notBeaten.push(named.name ?? named.file);
  process.stdout.write(formatReport(named) + "\n");
}
if (notBeaten.length > 0) {
  process.stdout.write(`\nNOT BEATING LENGTH (the interval of router minus length reaches 0 or below) on: ${notBeaten.join("; ")}\n`);
}
if (jsonOut !== undefined) {
  // Infinite thresholds (all-nano, all-frontier) are written as strings: JSON has no Infinity.
  const finite = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
  writeFileSync(jsonOut, JSON.stringify({ model: relative(repoPath(""), modelPath), settings, bootstrap, reports }, finite, 1) + "\n");
  process.stderr.write(`wrote ${relative(process.cwd(), jsonOut)}\n`);
}

function formatReport(r: EvalReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const f3 = (x: number) => x.toFixed(3);
  const signed = (x: number, f: (x: number) => string) => (x >= 0 ? "+" : "") + f(x);
  const iv = (i: Interval, f: (x: number) => string) => `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`;
  const ivSigned = (i: Interval, f: (x: number) => string) => `${signed(i.estimate, f)} [${signed(i.lo, f)}, ${signed(i.hi, f)}]`;
  const verdict = (i: Interval) => (i.lo > 0 ? "beats length" : i.hi < 0 ? "WORSE THAN LENGTH" : "does NOT beat length (interval includes 0)");
  const head = `== ${r.name === undefined ? "" : `${r.name}: `}${r.file} (${r.format}, ${r.split === "all" ? "every row" : `${r.split} split`}, ${r.comparison.prompts} prompts)`;
  switch (r.format) {
    case "routellm":
    case "scores":
    case "mmlu-pro": {
      const c = r.comparison;
      const pair = r.format === "mmlu-pro" ? " (nano as weak, frontier as strong)" : "";
      const lines = [
        head,
        `  APGR${pair}: router ${iv(c.router, f3)}   length ${iv(c.length, f3)}   random ${iv(c.random, f3)}`,
        `  router - length ${ivSigned(c.overLength, f3)}: ${verdict(c.overLength)};  router - random ${ivSigned(c.overRandom, f3)}`,
      ];
      if (r.format !== "mmlu-pro") {
        const m = r.metrics;
        lines.push(`  weak ${pct(m.weakAccuracy)}, strong ${pct(m.strongAccuracy)}; RouteLLM 11-point APGR ${f3(m.apgr11Point)}, CPT(50%) ${pct(m.cpt50_11Point)}, CPT(80%) ${pct(m.cpt80_11Point)}`);
        return lines.join("\n");
      }
      const m = r.metrics;
      const op = (name: string, o: { quality: number; costShare: number; mix?: number[] }) =>
        `  ${name.padEnd(34)} quality ${pct(o.quality).padStart(6)}  cost ${pct(o.costShare).padStart(6)} of all-frontier${o.mix ? `  mix ${o.mix.map(pct).join(" / ")}` : ""}`;
      lines.push(
        `  costs at ${r.assumptions.tierModels.join(", ")} list prices, ${r.assumptions.outputTokens} output tokens per answer`,
        op("all mid", m.single.mid),
        op("all frontier", m.single.frontier),
        op(`thresholds ${m.configured.nanoBelow} / ${m.configured.frontierAbove}`, m.configured),
        m.best
          ? op(`cheapest >= ${pct(m.target)} of frontier (${f3(m.best.nanoBelow)} / ${f3(m.best.frontierAbove)})`, m.best)
          : `  no threshold pair reaches ${pct(m.target)} of all-frontier quality`,
        m.randomMix ? `  random mix of tiers at that quality  cost ${pct(m.randomMix.costShare).padStart(6)} of all-frontier (a router that ignores the prompt)` : "",
        op("oracle (cheapest correct tier)", m.oracle),
      );
      return lines.join("\n");
    }
    case "labels": {
      const c = r.comparison;
      const m = r.metrics;
      return [
        head,
        `  accuracy: router ${iv(c.router, pct)}   length ${iv(c.length, pct)} (best cut points on these rows: ${c.lengthCuts.map((x) => `${x} chars`).join(", ")})   random ${iv(c.random, pct)} (the router's tier mix, shuffled)`,
        `  router - length ${ivSigned(c.overLength, pct)}: ${verdict(c.overLength)};  too low ${iv(c.tooLow, pct)} (the costly errors), too high ${iv(c.tooHigh, pct)}`,
        `  confusion (rows actual, columns predicted: nano mid frontier)   ` +
          m.confusion.map((row, i) => `${["nano", "mid", "frontier"][i]!}: ${row.join(" ")}`).join("  |  "),
      ].join("\n");
    }
  }
}
