// The developers' corpus: what `npm run train` and `npm run eval` use when no
// --data is given, which head each file teaches and how much it weighs.
// Paths are relative to the repository root; the public routing data sits
// beside the repository in ../shared/data/routing/.
import { resolve } from "node:path";
import { PACKAGE_ROOT } from "../core/package-root.js";
import type { DataFormat, LabelledExample } from "./datasets.js";
import type { Head, TrainingExample } from "./train.js";

export interface CorpusFile {
  path: string;
  format: DataFormat;
  /** Which head learns from it: tier labels, or what a strong model adds over a weak one. */
  head: Head;
  /** Total weight of the file's examples in training (about its row count means weight 1 each). */
  mass: number;
  /** Cut points are fitted per group: files with one label scale share one (default: the file's own). */
  cutGroup?: string;
}

export function repoPath(relative: string): string {
  return PACKAGE_ROOT + relative;
}

const shared = (name: string) => repoPath(`../shared/data/routing/${name}`);

/** The cut group of the product's own tier labels; the free-text calibration is fitted on it. */
export const PRODUCT_GROUP = "product";

/**
 * Masses, chosen on the validation split and the leave-one-author-out
 * figures of scripts/tune.ts (never on held-out or evaluation-only rows):
 *
 * - The prompts written free-hand (data/written/, five authors, no
 *   templates) carry most of the tier head: leaving one author out, tier
 *   accuracy on that author rose with every author added, while the
 *   templated SaaS set, down-weighted from 5 per row to 300 in all, still
 *   helps the short product phrasings it was built for.
 * - The gain files keep about the balance the first model had (MMLU
 *   1,500, GSM8K 800); the open-ended files (arena, IFEval, TheoremQA) are
 *   small and noisy and weigh about what they hold.
 */
export const DEFAULT_CORPUS: readonly CorpusFile[] = [
  { path: repoPath("data/written/saas-ops.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/saas-eng.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/saas-domain.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-general.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-technical.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/cs-commerce.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/eng-data-mobile.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/domain-industry.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-students.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-work.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/reasoning.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-elaborate.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/chat-terse.jsonl"), format: "labels", head: "tier", mass: 420, cutGroup: PRODUCT_GROUP }, // 300 prompts: 600 per ~430 elsewhere
  { path: repoPath("data/written/saas-api.jsonl"), format: "labels", head: "tier", mass: 420, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/quant.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/written/professional.jsonl"), format: "labels", head: "tier", mass: 600, cutGroup: PRODUCT_GROUP },
  { path: repoPath("data/saas/prompts.jsonl"), format: "labels", head: "tier", mass: 300, cutGroup: PRODUCT_GROUP },
  { path: shared("mmlu-pro.csv"), format: "mmlu-pro", head: "tier", mass: 1000 },
  { path: shared("routellm-mmlu.csv"), format: "routellm", head: "gain", mass: 1500 },
  { path: shared("routellm-gsm8k.csv"), format: "routellm", head: "gain", mass: 800 },
  { path: shared("arena-open.csv"), format: "scores", head: "gain", mass: 300 },
  { path: shared("ifeval-en.csv"), format: "scores", head: "gain", mass: 300 },
  { path: shared("ifeval-multi.csv"), format: "scores", head: "gain", mass: 200 },
  { path: shared("theoremqa.csv"), format: "scores", head: "gain", mass: 60 },
];

/** How much the team's own labels (ledger feedback) weigh: see ledgerMass. */
export const LEDGER_SOURCE = "ledger";

/**
 * The ledger's labels are the team's own traffic, judged by its people, so
 * they must outweigh the public corpus on that traffic: each weighs as much
 * as LEDGER_EXAMPLE_WEIGHT public examples, and together never less than
 * the largest file's mass.
 */
export const LEDGER_EXAMPLE_WEIGHT = 20;
export function ledgerMass(rows: number, corpus: readonly CorpusFile[]): number {
  const largest = corpus.reduce((m, f) => Math.max(m, f.mass), 0);
  return Math.max(rows * LEDGER_EXAMPLE_WEIGHT, rows > 0 ? largest : 0);
}

/** A corpus file's rows as training examples for its head. */
export function trainingExamples(file: Pick<CorpusFile, "head" | "cutGroup">, rows: readonly LabelledExample[], extra: Partial<TrainingExample> = {}): TrainingExample[] {
  return rows.map((e) => ({
    prompt: e.prompt,
    label: e.label,
    head: file.head,
    cutGroup: file.cutGroup ?? e.source,
    source: e.source,
    // A template's prompts (a question's rows) go to the calibration slice together.
    group: e.splitKey,
    ...extra,
  }));
}

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
 * data/probe/ was written by a different author than data/saas/, and
 * data/sealed/ by two authors who saw neither the corpus nor the model,
 * data/fresh/ by three more after the model was trained, so they measure how the classifier carries over to wording it was not built
 * from.
 */
export const EVAL_ONLY: readonly { path: string; format: DataFormat; name: string }[] = [
  { path: repoPath("data/probe/saas-probe.jsonl"), format: "labels", name: "SaaS probe set (independent author, evaluation only)" },
  { path: repoPath("data/sealed/saas-sealed.jsonl"), format: "labels", name: "sealed SaaS set (independent author, evaluation only)" },
  { path: repoPath("data/sealed/chat-sealed.jsonl"), format: "labels", name: "sealed chat set (independent author, evaluation only)" },
  // Three authors written after the model was trained, scored before any
  // choice was made on them (data/fresh/README.md). A later model may train
  // on them; they leave this list when it does.
  { path: repoPath("data/fresh/chatbot.jsonl"), format: "labels", name: "fresh author: consumer chatbot prompts (evaluation only)" },
  { path: repoPath("data/fresh/devtools.jsonl"), format: "labels", name: "fresh author: engineers' coding-assistant prompts (evaluation only)" },
  { path: repoPath("data/fresh/exam.jsonl"), format: "labels", name: "fresh author: exam and multiple-choice questions (evaluation only)" },
];

/** True for a path that names an evaluation-only set: training refuses it. */
export function isEvalOnly(path: string): boolean {
  const target = resolve(path);
  return EVAL_ONLY.some((f) => resolve(f.path) === target);
}
