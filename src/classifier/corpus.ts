// The developers' corpus: what `npm run train` and `npm run eval` use when no
// --data is given. Paths are relative to the repository root; the public
// routing data sits beside the repository in ../shared/data/routing/.
import { resolve } from "node:path";
import { PACKAGE_ROOT } from "../core/package-root.js";
import type { DataFormat } from "./datasets.js";

export interface CorpusFile {
  path: string;
  format: DataFormat;
  /** Relative weight of its examples in training. */
  weight: number;
}

export function repoPath(relative: string): string {
  return PACKAGE_ROOT + relative;
}

/**
 * GSM8K is up-weighted because it is the only free-text word-problem source
 * and small (903 rows); the SaaS set because it is the traffic tierd is for.
 * The two share the free-text features, so their balance matters: with the
 * SaaS set grown from 588 to 3,802 prompts, weights 5 (SaaS) and 6 (GSM8K)
 * keep about the mass ratio the 588-prompt set had at 20 and 3. On the
 * validation splits (scripts/tune.ts, two seeds) SaaS weights from 5 to 20
 * were within seed noise on SaaS (about 68-70% on unseen templates, 77-81%
 * on the hand-written set), while GSM8K APGR went 0.535 (10 / 3) -> 0.564.
 */
export const DEFAULT_CORPUS: readonly CorpusFile[] = [
  { path: repoPath("data/saas/prompts.jsonl"), format: "labels", weight: 5 },
  { path: repoPath("../shared/data/routing/routellm-mmlu.csv"), format: "routellm", weight: 1 },
  { path: repoPath("../shared/data/routing/routellm-gsm8k.csv"), format: "routellm", weight: 6 },
  { path: repoPath("../shared/data/routing/mmlu-pro.csv"), format: "mmlu-pro", weight: 1 },
];

/**
 * SaaS prompts written free-hand (no template) by the developers: never
 * trained on, scored on every row by scripts/tune.ts to check how choices
 * carry over to wording no template produced.
 */
export const HANDWRITTEN_VALIDATION = repoPath("data/saas/handwritten.jsonl");

export const DEFAULT_MODEL_PATH = repoPath("models/classifier.json");
export const DEFAULT_SEED = 1;

/**
 * Labelled sets that are only ever evaluated on every row, never trained or
 * tuned on: `npm run eval` reports them in a section of their own.
 * data/probe/ was written by a different author than data/saas/, so it
 * measures how the classifier carries over to wording it was not built from.
 */
export const EVAL_ONLY: readonly { path: string; format: DataFormat; name: string }[] = [
  { path: repoPath("data/probe/saas-probe.jsonl"), format: "labels", name: "SaaS probe set (independent author, evaluation only)" },
];

/** True for a path that names an evaluation-only set: training refuses it. */
export function isEvalOnly(path: string): boolean {
  const target = resolve(path);
  return EVAL_ONLY.some((f) => resolve(f.path) === target);
}
