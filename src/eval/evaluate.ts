// Evaluates the local classifier on one data file's held-out split (or all
// of it, for a file the model never saw), always beside the two baselines a
// router must beat (prompt length, a seeded random score), each figure with
// a bootstrap 95% interval: RouteLLM metrics for two-model files, the
// quality/cost analysis for three-tier files, and label metrics (through the
// same cascade the Classify RPC runs) for labelled files.
import { classifyBatch } from "../batch/index.js";
import { readDataset, splitExamples, type DataFormat, type LabelledExample } from "../classifier/datasets.js";
import { createLocalClassifier } from "../classifier/local-classifier.js";
import type { ComplexityModel } from "../classifier/model.js";
import type { TierSettings } from "../classifier/tier-choice.js";
import { classifierSchema, policySchema } from "../config/schema.js";
import { createTierDecider } from "../policy/decide-tier.js";
import { countTextTokens } from "../pricing/index.js";
import { DEFAULT_PRICES } from "../pricing/index.js";
import { compareLabels, compareTwoModel, type LabelComparison, type TwoModelComparison } from "./baselines.js";
import type { BootstrapOptions } from "./bootstrap.js";
import { labelMetrics, type LabelMetrics } from "./label-metrics.js";
import { twoModelMetrics, type TwoModelMetrics } from "./routing-metrics.js";
import { threeTierMetrics, type ThreeTierMetrics } from "./three-tier.js";

export interface EvalOptions {
  model: ComplexityModel;
  format?: DataFormat;
  /** "held-out" (default): the deterministic held-out split; "all": every row. */
  split?: "held-out" | "all";
  /** Thresholds and round-up; the schema's defaults when absent. */
  settings?: TierSettings;
  /** Output tokens assumed per answer for the cost analysis. */
  outputTokens?: number;
  /** Models whose list prices stand for each tier in the cost analysis. */
  tierModels?: [string, string, string];
  bootstrap?: BootstrapOptions;
}

/** `name` titles a report section (an evaluation-only set); the file path otherwise. */
export type EvalReport =
  | { file: string; name?: string; format: "routellm" | "scores"; split: string; comparison: TwoModelComparison; metrics: TwoModelMetrics }
  | {
      file: string;
      name?: string;
      format: "mmlu-pro";
      split: string;
      /** APGR with nano as the weak and frontier as the strong model. */
      comparison: TwoModelComparison;
      assumptions: { outputTokens: number; tierModels: string[] };
      metrics: ThreeTierMetrics;
    }
  | { file: string; name?: string; format: "labels"; split: string; comparison: LabelComparison; metrics: LabelMetrics };

/** The embedded config's tier models: gpt-4o-mini, Claude Sonnet 4.6, Claude Opus 4.7. */
export const DEFAULT_TIER_MODELS: [string, string, string] = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-6", "anthropic/claude-opus-4-7"];

/**
 * MMLU-Pro answers are chain-of-thought; a few hundred output tokens is
 * typical of its 5-shot CoT outputs. The cost share depends mostly on the
 * tier mix, little on this number.
 */
export const DEFAULT_OUTPUT_TOKENS = 300;

export function defaultTierSettings(): TierSettings {
  const c = classifierSchema.parse({});
  return { nanoBelow: c.nano_below, frontierAbove: c.frontier_above, ambiguousBelow: c.ambiguous_below };
}

export async function evaluateFile(file: string, options: EvalOptions): Promise<EvalReport> {
  const { format, examples } = readDataset(file, options.format === undefined ? {} : { format: options.format });
  const split = options.split ?? "held-out";
  const rows: LabelledExample[] = split === "all" ? examples : splitExamples(examples).heldOut;
  if (rows.length === 0) throw new Error(`${file}: no rows in the ${split} split`);
  const settings = options.settings ?? defaultTierSettings();
  const { model } = options;
  // The score `tierd classify` writes: what an outside evaluation ranks by.
  const scoreOf = (e: LabelledExample) => model.predict(e.prompt).score;
  switch (format) {
    case "routellm":
    case "scores": {
      const scored = rows.map((e) => ({ score: scoreOf(e), prompt: e.prompt, weak: e.correct!.weak!, strong: e.correct!.strong! }));
      return { file, format, split, comparison: compareTwoModel(scored, options.bootstrap), metrics: twoModelMetrics(scored) };
    }
    case "mmlu-pro": {
      const outputTokens = options.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
      const tierModels = options.tierModels ?? DEFAULT_TIER_MODELS;
      const prices = tierModels.map((m) => {
        const p = DEFAULT_PRICES[m];
        if (!p) throw new Error(`no default price for ${m}`);
        return p;
      });
      const scores = rows.map(scoreOf);
      const metrics = threeTierMetrics(
        rows.map((e, i) => {
          const input = countTextTokens(e.prompt);
          const cost = prices.map((p) => (input * p.input + outputTokens * p.output) / 1e6) as [number, number, number];
          return { score: scores[i]!, correct: [e.correct!.nano!, e.correct!.mid!, e.correct!.frontier!], cost };
        }),
        settings,
      );
      const comparison = compareTwoModel(
        rows.map((e, i) => ({ score: scores[i]!, prompt: e.prompt, weak: e.correct!.nano!, strong: e.correct!.frontier! })),
        options.bootstrap,
      );
      return { file, format, split, comparison, assumptions: { outputTokens, tierModels }, metrics };
    }
    case "labels": {
      const predicted = await cascadeTiers(model, settings, rows);
      const pairs = rows.map((e) => ({ actual: e.label, predicted: predicted.get(e.id)!, prompt: e.prompt }));
      return { file, format, split, comparison: compareLabels(pairs, options.bootstrap), metrics: labelMetrics(pairs) };
    }
  }
}

/**
 * Tiers through the cascade (thresholds and round-up), as Classify decides,
 * with no rules: labelled files carry no endpoints or plans.
 */
export async function cascadeTiers(model: ComplexityModel, settings: TierSettings, rows: readonly Pick<LabelledExample, "id" | "prompt">[]): Promise<Map<string, 0 | 1 | 2>> {
  const decider = createTierDecider({
    config: {
      mode: "enforce",
      shadow_tier: "mid",
      default_tier: "mid",
      policy: policySchema.parse({ large_input_tokens: 0 }),
      classifier: classifierSchema.parse({ nano_below: settings.nanoBelow, frontier_above: settings.frontierAbove, ambiguous_below: settings.ambiguousBelow }),
    },
    local: createLocalClassifier({ model, settings }),
  });
  const predicted = new Map<string, 0 | 1 | 2>();
  await classifyBatch({
    decider,
    records: rows.map((e) => ({ ok: true as const, record: { id: e.id, messages: [{ role: "user" as const, content: e.prompt }], endpoint: "", plan: "" } })),
    write: (line) => predicted.set(line.id, line.tier === "nano" ? 0 : line.tier === "mid" ? 1 : 2),
  });
  return predicted;
}
