// `tierd calibrate --data FILE`: picks classifier.nano_below and
// classifier.frontier_above for the configured model and deployments on the
// team's own labelled prompts: the cheapest pair that keeps --target of
// all-frontier quality, at the configured tiers' list prices. Prints the
// quality/cost table it chose from and writes the settings as config YAML.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readDataset, type DataFormat } from "../classifier/datasets.js";
import { loadConfiguredModel } from "../classifier/local-classifier.js";
import { ConfigError, loadConfig, type Config } from "../config/index.js";
import { calibrateThresholds, type CalibrationRow, type OperatingPoint, type ThresholdCalibration } from "../eval/calibrate.js";
import { countTextTokens } from "../pricing/index.js";
import { tierPricesOf } from "./classify.js";

export const CALIBRATE_USAGE = `usage: tierd calibrate --data FILE [--config FILE] [--target 0.95] [--output-tokens 300] [--format labels|mmlu-pro] [--out FILE]

  calibrate  choose classifier.nano_below / frontier_above for your deployments on your labelled
             prompts: JSONL or CSV with prompt and tier (the cheapest tier that answers well), or
             per-tier correctness (question, options, nano_correct, mid_correct, frontier_correct).
             Picks the cheapest pair keeping --target (default 0.95) of all-frontier quality at the
             configured tiers' prices, prints the table it chose from, and writes the settings as
             YAML to --out (stdout when absent). Input tokens are counted (o200k tokenizer);
             --output-tokens are assumed per answer.
`;

/** A base URL for configs that need one but will not call out. */
const UNUSED_BASE_URL = "http://127.0.0.1:9/v1";

export async function calibrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: "string" },
      config: { type: "string" },
      target: { type: "string" },
      "output-tokens": { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(CALIBRATE_USAGE);
    return 0;
  }
  const fail = (message: string, code = 2) => {
    process.stderr.write(`tierd calibrate: ${message}\n${code === 2 ? CALIBRATE_USAGE : ""}`);
    return code;
  };
  if (values.data === undefined) return fail("--data FILE is required");
  const target = values.target === undefined ? 0.95 : Number(values.target);
  if (!(target > 0 && target <= 1)) return fail("--target must be a number in (0, 1]");
  const outputTokens = values["output-tokens"] === undefined ? 300 : Number(values["output-tokens"]);
  if (!Number.isInteger(outputTokens) || outputTokens < 0) return fail("--output-tokens must be a non-negative integer");
  const format = values.format as DataFormat | undefined;
  if (format !== undefined && format !== "labels" && format !== "mmlu-pro") return fail("--format must be labels or mmlu-pro");

  const configPath = values.config ?? process.env.TIERD_CONFIG;
  let config: Config;
  try {
    config = loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), env: { TIERD_BASE_URL: UNUSED_BASE_URL, ...process.env } });
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 1);
    throw err;
  }
  let model;
  let rows;
  try {
    model = loadConfiguredModel(config.classifier.model);
    rows = readDataset(values.data, format === undefined ? {} : { format });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 1);
  }
  if (rows.format !== "labels" && rows.format !== "mmlu-pro") return fail(`${values.data}: ${rows.format} files have two models, not three tiers; calibrate needs tier labels or per-tier correctness`, 1);
  if (rows.examples.length === 0) return fail(`${values.data}: no rows`, 1);

  const prices = tierPricesOf(config);
  const tiers = [prices.nano, prices.mid, prices.frontier];
  const calibrationRows: CalibrationRow[] = rows.examples.map((e) => {
    const input = countTextTokens(e.prompt);
    const cost = tiers.map((p) => input * Number(p.input) + outputTokens * Number(p.output)) as [number, number, number];
    const quality: [number, number, number] =
      rows.format === "labels" ? [e.label <= 0 ? 1 : 0, e.label <= 1 ? 1 : 0, 1] : [e.correct!.nano!, e.correct!.mid!, e.correct!.frontier!];
    return { score: model.predict(e.prompt).score, quality, cost };
  });
  const result = calibrateThresholds(calibrationRows, {
    target,
    ambiguousBelow: config.classifier.ambiguous_below,
    calibration: model.params.shapes.free,
  });
  process.stderr.write(formatCalibration(result, config, tiers.map((t) => t.model)));
  if (result.chosen === undefined) {
    process.stderr.write(`tierd calibrate: no threshold pair keeps ${(target * 100).toFixed(1)}% of all-frontier quality; lower --target or send more to frontier with a rule\n`);
    return 1;
  }
  const yaml = settingsYaml(result.chosen, config, values.data, target);
  if (values.out === undefined) process.stdout.write(yaml);
  else writeFileSync(values.out, yaml);
  return 0;
}

export function settingsYaml(p: OperatingPoint, config: Config, data: string, target: number): string {
  return [
    `# tierd calibrate on ${data}: the cheapest thresholds keeping ${(target * 100).toFixed(1)}% of all-frontier quality`,
    `# (quality ${(p.qualityShare * 100).toFixed(1)}% of all-frontier at ${(p.costShare * 100).toFixed(1)}% of its cost; tiers ${p.mix.map((m) => `${(m * 100).toFixed(1)}%`).join(" / ")})`,
    "classifier:",
    `  nano_below: ${p.nanoBelow}`,
    `  frontier_above: ${p.frontierAbove}`,
    `  ambiguous_below: ${config.classifier.ambiguous_below}`,
    "",
  ].join("\n");
}

export function formatCalibration(r: ThresholdCalibration, config: Config, models: string[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  const line = (name: string, p: OperatingPoint) =>
    `  ${name.padEnd(24)} ${String(p.nanoBelow).padStart(9)} ${String(p.frontierAbove).padStart(9)}  ${pct(p.qualityShare)}  ${pct(p.costShare)}  ${pct(p.tooLow)}   ${p.mix.map(pct).join(" ")}`;
  const rows = [
    `calibrated on ${r.prompts} prompts, tiers ${models.join(" / ")} at list prices; round-up below confidence ${config.classifier.ambiguous_below}` +
      (r.skippedForRoundUp > 0 ? ` (${r.skippedForRoundUp} pairs it would override skipped)` : ""),
    `  ${"".padEnd(24)} nano_below frontier_above quality   cost  too low   nano    mid  frontier`,
    line("all nano", r.single.nano),
    line("all mid", r.single.mid),
    line("all frontier", r.single.frontier),
    ...r.front.map((p) => line(p === r.chosen ? `-> chosen (>= ${(r.target * 100).toFixed(0)}%)` : "", p)),
  ];
  return rows.join("\n") + "\n";
}
