// The developers' corpus: what `npm run train` and `npm run eval` use when no
// --data is given. Paths are relative to the repository root; the public
// routing data sits beside the repository in ../shared/data/routing/.
import { fileURLToPath } from "node:url";
import type { DataFormat } from "./datasets.js";

export interface CorpusFile {
  path: string;
  format: DataFormat;
  /** Relative weight of its examples in training. */
  weight: number;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function repoPath(relative: string): string {
  return ROOT + relative;
}

/**
 * GSM8K is up-weighted because it is the only free-text word-problem source
 * and small (903 rows); the SaaS set because it is the traffic tierd is for
 * and a few hundred rows next to 18,000 benchmark rows. Both weights were
 * chosen on the training split (calibration slice), not on held-out data.
 */
export const DEFAULT_CORPUS: readonly CorpusFile[] = [
  { path: repoPath("data/saas/prompts.jsonl"), format: "labels", weight: 20 },
  { path: repoPath("../shared/data/routing/routellm-mmlu.csv"), format: "routellm", weight: 1 },
  { path: repoPath("../shared/data/routing/routellm-gsm8k.csv"), format: "routellm", weight: 3 },
  { path: repoPath("../shared/data/routing/mmlu-pro.csv"), format: "mmlu-pro", weight: 1 },
];

export const DEFAULT_MODEL_PATH = repoPath("models/classifier.json");
export const DEFAULT_SEED = 1;
